"""What the bot says about a response: to the dispatchers (with buttons) and to the driver.

HTML parse mode; every value that came from a person or from CargoTech is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from services.client_numbers import row_id
from services.formatting import moment
from services.vocabulary import ResponseStatus

QUEUED, SENT, ACCEPTED, REJECTED, COMPLETED = (
    ResponseStatus.QUEUED,
    ResponseStatus.SENT,
    ResponseStatus.ACCEPTED,
    ResponseStatus.REJECTED,
    ResponseStatus.COMPLETED,
)

ACTIONS: dict[str, tuple[str, ResponseStatus, tuple[ResponseStatus, ...]]] = {
    # callback action → (button text, status it leads to, statuses it may leave)
    "accept": ("Принять", ACCEPTED, (SENT,)),
    "reject": ("Отклонить", REJECTED, (SENT,)),
    "complete": ("Выполнено", COMPLETED, (ACCEPTED,)),
}
# The bot's own words for a status: the answer a dispatcher sees on pressing a button.
STATUS_WORDS: dict[str, str] = {
    QUEUED: "Отправляется",
    SENT: "Отправлен",
    ACCEPTED: "Принят",
    REJECTED: "Отклонён",
    COMPLETED: "Выполнен",
}
DECIDED: dict[str, str] = {ACCEPTED: "✅ Принят", REJECTED: "❌ Отклонён", COMPLETED: "🏁 Выполнен"}
DRIVER_TEXT: dict[str, str] = {
    ACCEPTED: "✅ Диспетчер принял ваш отклик на груз {route}. Ожидайте звонка.",
    REJECTED: "❌ Диспетчер отклонил ваш отклик на груз {route}.",
    COMPLETED: "🏁 Перевозка по грузу {route} отмечена выполненной. Спасибо!",
}


def transition(status: str, action: str) -> ResponseStatus | None:
    """The status a dispatcher's action leads to from `status`, or None if the action is not
    allowed there (an unknown action; a decision on a decided response; completing one that was
    never accepted)."""
    if action not in ACTIONS:
        return None
    _, target, sources = ACTIONS[action]
    return target if status in sources else None


def callback_data(response_id: int, action: str) -> str:
    return f"resp:{response_id}:{action}"


def parse_callback(data: str) -> tuple[int, str] | None:
    parts = (data or "").split(":")
    response_id = row_id(parts[1]) if len(parts) == 3 and parts[0] == "resp" else None
    if response_id is None or parts[2] not in ACTIONS:
        return None
    return response_id, parts[2]


BUTTONS_BY_STATUS: dict[str, tuple[str, ...]] = {
    QUEUED: ("accept", "reject"),
    SENT: ("accept", "reject"),
    ACCEPTED: ("complete",),
}


def buttons_for(response_id: int, status: str) -> list[list[dict[str, str]]]:
    """The dispatcher's buttons while a decision is still possible ("queued": the message that
    is about to announce the response)."""
    actions = BUTTONS_BY_STATUS.get(status, ())  # a StrEnum key matches its plain string
    return [[{"text": ACTIONS[a][0], "data": callback_data(response_id, a)} for a in actions]] if actions else []


def cargo_link(bot_username: str, cargo_id: str) -> str:
    # Opens the bot's Mini App straight on the cargo (startapp → start_param → /cargo/<id>).
    return f"https://t.me/{bot_username}?startapp=cargo_{cargo_id}"


def dispatcher_text(
    *,
    route: str,
    price: str,
    cargo_id: str,
    driver_name: str,
    driver_id: int,
    username: str | None,
    phone: str,
    bot_username: str,
) -> str:
    who = f'<a href="tg://user?id={driver_id}">{escape(driver_name or "водитель")}</a>'
    if username:
        who += f" (@{escape(username)})"
    return "\n".join(
        [
            "🚚 <b>Новый отклик на груз</b>",
            f"{escape(route)} · {escape(price)}",
            f'<a href="{escape(cargo_link(bot_username, cargo_id))}">Груз №{escape(cargo_id)}</a>',
            "",
            f"Водитель: {who}",
            f"Телефон: {escape(phone)}",
        ]
    )


def answer_text(status: str, *, changed: bool) -> str:
    """What a dispatcher's button press answers: the new status, or why nothing changed."""
    word = STATUS_WORDS.get(status, status)
    return word if changed else f"Уже {word.lower()}"


def decided_text(original: str, status: str, by_name: str, at: dt.datetime) -> str:
    return f"{original}\n\n{DECIDED[status]} — {escape(by_name)}, {moment(at)}"


def driver_text(status: str, route: str) -> str:
    return DRIVER_TEXT[status].format(route=escape(route))
