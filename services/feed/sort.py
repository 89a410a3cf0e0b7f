"""Sorting the loaded feed. CargoTech has no sort parameter, so the feed sorts what it has
loaded; the UI says so («среди загруженных»)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from services.feed.cards import CardView
from services.formatting import MOSCOW, wall_clock

SortField = Literal["sort_date", "sort_price", "sort_price_per_km", "sort_distance"]
# key → (label, the card's field it sorts by or None for the exchange's order, descending)
SORTS: dict[str, tuple[str, SortField | None, bool]] = {
    "date": ("По дате загрузки", "sort_date", False),
    "price": ("Сначала дороже", "sort_price", True),
    "price_per_km": ("Дороже за км", "sort_price_per_km", True),
    "distance": ("Ближе", "sort_distance", False),
    "new": ("Новые", None, False),
}


def _moment(text: str) -> float | None:
    """Epoch seconds of an ISO-8601 date. CargoTech mixes `+03:00` and `Z` dates, so their text
    does not sort in time order. Read exactly as the card shows it (formatting.wall_clock): a
    date without an offset is Moscow time, a bare date its midnight."""
    moment = wall_clock(text)
    if moment is None:
        return None
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return (moment if moment.tzinfo else moment.replace(tzinfo=MOSCOW)).timestamp()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def sort_cards(cards: list[CardView], sort: str) -> list[CardView]:
    _, field, descending = SORTS.get(sort, ("", None, False))
    if field is None:
        return cards  # "new": the exchange's own order, newest first
    parse = _moment if field == "sort_date" else _number
    present: list[tuple[float, CardView]] = []
    missing = []
    for card in cards:
        key = parse(card[field]) if card.get(field) else None
        if key is None:
            missing.append(card)
        else:
            present.append((key, card))
    present.sort(key=lambda pair: pair[0], reverse=descending)  # stable: equal keys keep their order
    return [card for _, card in present] + missing
