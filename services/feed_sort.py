"""Sorting the loaded feed. CargoTech has no sort parameter, so the feed sorts what it has
loaded; the UI says so («среди загруженных»)."""

from __future__ import annotations

SORTS = {
    "date": ("По дате загрузки", "sort_date", False),
    "price": ("Сначала дороже", "sort_price", True),
    "price_per_km": ("Дороже за км", "sort_price_per_km", True),
    "distance": ("Ближе", "sort_distance", False),
    "new": ("Новые", "", False),
}


def sort_cards(cards: list[dict[str, str]], sort: str) -> list[dict[str, str]]:
    if sort not in SORTS or not SORTS[sort][1]:
        return cards  # "new": the exchange's own order, newest first
    _, field, descending = SORTS[sort]
    present = [card for card in cards if card.get(field)]
    missing = [card for card in cards if not card.get(field)]
    numeric = field != "sort_date"
    present.sort(key=lambda card: float(card[field]) if numeric else card[field], reverse=descending)
    return present + missing
