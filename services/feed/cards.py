"""Cargo → card view model: display strings and flags, small enough for UI state."""

from __future__ import annotations

from typing import TypedDict

from services import formatting as fmt
from services.cargotech.models import CargoItem


class CardView(TypedDict):
    """One card of the feed (also the head of the detail screen, a similar offer, an alert)."""

    id: str
    route: str  # «Москва → Казань»
    from_city: str
    to_city: str
    dates: str
    weight: str
    volume: str
    body: str
    loading: str
    distance: str
    price: str
    price_per_km: str
    company: str
    # Sort keys as text; empty sorts last.
    sort_price: str
    sort_price_per_km: str
    sort_distance: str
    sort_date: str
    sort_weight: str
    status: str  # the driver's response badge (Russian), filled in by the feed
    # Filled in by services.feed.marks / services.feed.folding.
    new: bool  # first seen after the driver's previous visit
    old_price: str  # «120 000 ₽»: the price before the last change, or ""
    dup_hint: str  # «+2 похожих»: other companies' postings of the same load, folded in
    dup_sources: str  # those companies, «ООО Альфа · ИП Петров»
    dup_ids: str  # their cargo ids, comma-separated
    gone: bool  # a refresh or its detail showed it withdrawn: drawn dimmed with «снят»
    # Filled in by services.market.lane_rates: «на 12 % выше рынка» and its tone, "above" | "below" | "".
    market: str
    market_tone: str


def _type_names(types: list) -> str:
    return ", ".join(t.name for t in types if t.name)


def price_per_km(cargo: CargoItem) -> int | None:
    """Kopecks per km of the price the card shows. CargoTech's own `price_per_km` is computed
    from `price`, not from `price_carrier`, so next to the carrier's price it would be wrong:
    it is used only when the distance is unknown and the shown price is `price` itself."""
    price = cargo.shown_price
    if price is None or price <= 0:
        return None
    if cargo.distance and cargo.distance > 0:
        return round(price / cargo.distance)
    if cargo.price_carrier is None and cargo.price_per_km and cargo.price_per_km > 0:
        return cargo.price_per_km
    return None


def card_view(cargo: CargoItem) -> CardView:
    start, finish = cargo.points.start, cargo.points.finish
    price = cargo.shown_price
    per_km = price_per_km(cargo)
    return CardView(
        {
            "id": cargo.id,
            "route": f"{start.city.name or '—'} → {finish.city.name or '—'}",
            "from_city": start.city.name,
            "to_city": finish.city.name,
            "dates": fmt.date_range(start.first_date, start.last_date),
            "weight": fmt.tonnes(cargo.weight),
            "volume": fmt.cubic_metres(cargo.volume),
            "body": _type_names(cargo.truck_types),
            "loading": _type_names(cargo.load_types),
            "distance": fmt.kilometres(cargo.distance),
            "price": fmt.rub(price),
            "price_per_km": fmt.rub_per_km(per_km),
            "company": cargo.company.name if cargo.company else "",
            "sort_price": str(price) if price and price > 0 else "",
            "sort_price_per_km": str(per_km or ""),
            "sort_distance": str(round(cargo.distance)) if cargo.distance else "",
            "sort_date": start.first_date or "",
            "sort_weight": str(round(cargo.weight)) if cargo.weight else "",
            "status": "",
            "new": False,
            "old_price": "",
            "dup_hint": "",
            "dup_sources": "",
            "dup_ids": "",
            "gone": False,
            # Filled in by services.market.lane_rates: «на 12 % выше рынка» and its tone, "above" | "below".
            "market": "",
            "market_tone": "",
        }
    )
