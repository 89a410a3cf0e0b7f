"""The bot messages an alert sends (HTML parse mode; every value from CargoTech or the driver
is escaped) and the «Отключить» callback data.

One new cargo → one message with «Открыть груз» (a t.me link that opens the Mini App on the
cargo: startapp=cargo_<id>, as services.dispatch.messages.cargo_link does for dispatchers) and
«Отключить». More than DIGEST_OVER at once, or what quiet hours held → one digest message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from services.client_numbers import row_id
from services.dispatch.messages import cargo_link

DIGEST_OVER = 5  # more than this many at once → one digest message
DIGEST_LIST_MAX = 15  # a digest lists this many, then «и ещё N»
OFF_PREFIX = "alert_off:"


def off_data(search_id: int) -> str:
    return f"{OFF_PREFIX}{int(search_id)}"


def parse_off(data: str) -> int | None:
    if not (data or "").startswith(OFF_PREFIX):
        return None
    tail = data[len(OFF_PREFIX) :]
    return row_id(tail)


# A card is a CardView, or the display strings stored with a held alert (services/alerts/ledger.py).
AlertCard = Mapping[str, Any]


def _facts(card: AlertCard) -> str:
    facts = [card.get(k, "") for k in ("weight", "price", "price_per_km")]
    return " · ".join(escape(f) for f in facts if f)


def single_text(search_name: str, card: AlertCard) -> str:
    lines = [
        f"🔔 Новый груз по поиску «{escape(search_name)}»",
        f"<b>{escape(card.get('route', ''))}</b>",
    ]
    facts = _facts(card)
    if facts:
        lines.append(facts)
    extra = " · ".join(escape(card[k]) for k in ("dates", "distance") if card.get(k))
    if extra:
        lines.append(extra)
    return "\n".join(lines)


def single_buttons(bot_username: str, search_id: int, cargo_id: str) -> list[list[dict[str, str]]]:
    return [
        [{"text": "Открыть груз", "url": cargo_link(bot_username, cargo_id)}],
        [{"text": "Отключить", "data": off_data(search_id)}],
    ]


def digest_text(entries: Sequence[tuple[str, AlertCard]], bot_username: str, *, held: bool = False) -> str:
    """`entries`: (search name, card), oldest first as found."""
    count = len(entries)
    names = list(dict.fromkeys(name for name, _ in entries))
    head = ("🌙 Пока были тихие часы, пришли новые грузы" if held else "🔔 Новые грузы") + f": {count}"
    lines = [
        head,
        "По поиску " + ", ".join(f"«{escape(n)}»" for n in names)
        if len(names) == 1
        else "По поискам " + ", ".join(f"«{escape(n)}»" for n in names),
        "",
    ]
    for _, card in entries[:DIGEST_LIST_MAX]:
        link = escape(cargo_link(bot_username, card.get("id", "")))
        facts = _facts(card)
        lines.append(f'• <a href="{link}">{escape(card.get("route", ""))}</a>' + (f" — {facts}" if facts else ""))
    if count > DIGEST_LIST_MAX:
        lines.append(f"…и ещё {count - DIGEST_LIST_MAX}")
    return "\n".join(lines)


def digest_buttons(bot_username: str, searches: Sequence[tuple[int, str]]) -> list[list[dict[str, str]]]:
    """«Открыть грузы» plus one «Отключить» per search the digest covers."""
    rows: list[list[dict[str, str]]] = [[{"text": "Открыть грузы", "url": f"https://t.me/{bot_username}?startapp"}]]
    if len(searches) == 1:
        rows.append([{"text": "Отключить", "data": off_data(searches[0][0])}])
    else:
        for search_id, name in searches[:10]:
            label = name if len(name) <= 30 else name[:29] + "…"
            rows.append([{"text": f"Отключить «{label}»", "data": off_data(search_id)}])
    return rows


def off_confirmation(search_name: str) -> str:
    return f"Уведомления по поиску «{search_name}» отключены. Включить снова — в приложении, «Мои поиски»."
