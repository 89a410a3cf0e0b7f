"""The driver's words for a response's status: the badge on a card, the detail and «Мои отклики».

Services hand the web app a ResponseStatus; only here does it become Russian, so a status is
never compared by its label.
"""

from __future__ import annotations

from services.vocabulary import ResponseStatus

STATUS_LABELS: dict[str, str] = {
    ResponseStatus.QUEUED: "Отправляется",
    ResponseStatus.SENT: "Отправлен",
    ResponseStatus.ACCEPTED: "Принят",
    ResponseStatus.REJECTED: "Отклонён",
    ResponseStatus.COMPLETED: "Выполнен",
}


def status_label(status: str) -> str:
    """The badge text; a status this release does not know (a newer one's) is shown as it is."""
    return STATUS_LABELS.get(status, status)
