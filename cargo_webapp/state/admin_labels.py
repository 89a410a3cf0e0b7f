"""Russian words for the code names the admin console's records carry (audit events, outcomes,
cache and outbox kinds). A name without a word is shown as it is, so nothing new goes missing."""

from __future__ import annotations

import re

from services.vocabulary import OutboxKind

AUDIT_EVENTS = {
    "login": "вход",
    "refresh": "обновление",
    "revoked": "отозван",
    "replaced": "заменён",
    "probe": "проверка",
    "rotate": "смена ключа",
    "failure": "сбой",
    # Short words: the journal is a five-column table on a 390 px screen.
    "admin_verify": "админ: проверка",
    "admin_force_login": "админ: вход заново",
    "admin_rotate_key": "админ: смена ключа",
    "admin_retry_dead": "админ: повтор отправки",
}
OUTCOMES = {
    "ok": "успешно",
    "error": "ошибка",
    "critical": "критично",
    "refused": "отклонён",
    "unavailable": "недоступен",
    "throttled": "слишком часто",
    "noop": "без изменений",
}
CACHE_KINDS = {"list": "списки", "detail": "карточки", "dictionary": "справочники"}
OUTBOX_KINDS: dict[str, str] = {
    OutboxKind.DISPATCHER: "диспетчеру",
    OutboxKind.DRIVER: "водителю",
    OutboxKind.CARGO_ALERT: "оповещение",
    OutboxKind.ALERT: "админам",
}
HTTP_OUTCOME = re.compile(r"http_(\d{3})\Z")


def audit_event(code: str) -> str:
    return AUDIT_EVENTS.get(code, code)


def outcome(code: str) -> str:
    http = HTTP_OUTCOME.match(code)
    return f"ответ HTTP {http.group(1)}" if http else OUTCOMES.get(code, code)


def cache_kind(code: str) -> str:
    return CACHE_KINDS.get(code, code)


def outbox_kind(code: str) -> str:
    return OUTBOX_KINDS.get(code, code)
