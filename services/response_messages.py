"""What the bot says about a response: to the dispatchers (with buttons) and to the driver.

HTML parse mode; every value that came from a person or from CargoTech is escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from services.formatting import moment

ACTIONS = {  # callback action → (button text, status it leads to, statuses it may leave)
    "accept": ("Принять", "accepted", ("sent",)),
    "reject": ("Отклонить", "rejected", ("sent",)),
    "complete": ("Выполнено", "completed", ("accepted",)),
}
DECIDED = {"accepted": "✅ Принят", "rejected": "❌ Отклонён", "completed": "🏁 Выполнен"}
DRIVER_TEXT = {
    "accepted": "✅ Диспетчер принял ваш отклик на груз {route}. Ожидайте звонка.",
    "rejected": "❌ Диспетчер отклонил ваш отклик на груз {route}.",
    "completed": "🏁 Перевозка по грузу {route} отмечена выполненной. Спасибо!",
}


def callback_data(response_id: int, action: str) -> str:
    return f"resp:{response_id}:{action}"


def parse_callback(data: str) -> tuple[int, str] | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != "resp" or not parts[1].isdigit() or parts[2] not in ACTIONS:
        return None
    return int(parts[1]), parts[2]


BUTTONS_BY_STATUS = {"queued": ("accept", "reject"), "sent": ("accept", "reject"), "accepted": ("complete",)}


def buttons_for(response_id: int, status: str) -> list[list[dict[str, str]]]:
    """The dispatcher's buttons while a decision is still possible ("queued": the message that
    is about to announce the response)."""
    actions = BUTTONS_BY_STATUS.get(status, ())
    return [[{"text": ACTIONS[a][0], "data": callback_data(response_id, a)} for a in actions]] if actions else []


def cargo_link(bot_username: str, cargo_id: str) -> str:
    # Opens the bot's Mini App straight on the cargo (startapp → start_param → /cargo/<id>).
    return f"https://t.me/{bot_username}?startapp=cargo_{cargo_id}"


def dispatcher_text(*, route: str, price: str, cargo_id: str, driver_name: str, driver_id: int,
                    username: str | None, phone: str, bot_username: str) -> str:
    who = f'<a href="tg://user?id={driver_id}">{escape(driver_name or "водитель")}</a>'
    if username:
        who += f" (@{escape(username)})"
    return "\n".join([
        "🚚 <b>Новый отклик на груз</b>",
        f"{escape(route)} · {escape(price)}",
        f'<a href="{escape(cargo_link(bot_username, cargo_id))}">Груз №{escape(cargo_id)}</a>',
        "",
        f"Водитель: {who}",
        f"Телефон: {escape(phone)}",
    ])


def decided_text(original: str, status: str, by_name: str, at: dt.datetime) -> str:
    return f"{original}\n\n{DECIDED[status]} — {escape(by_name)}, {moment(at)}"


def driver_text(status: str, route: str) -> str:
    return DRIVER_TEXT[status].format(route=escape(route))
