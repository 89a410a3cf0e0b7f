"""Offers like a withdrawn cargo: the same direction and a similar size, for the «груз снят» page.

A withdrawn cargo's detail answers 404, so its route and size come from the sighting the feed
recorded (services.feed.marks). The offers come through the ordinary feed queries and the shared
list cache, so a popular withdrawn cargo costs at most two list queries per minute in total.
"""

from __future__ import annotations

from services.cargotech.errors import CargoTechError
from services.feed.cache import CargoService
from services.feed.cards import CardView, card_view
from services.feed.filters import WEIGHT_CLASSES, build_query, validate_filters
from services.feed.marks import FeedMarks, Sighting

LIMIT = 5
ROUTE_RADIUS_KM = 100  # a neighbouring town is the same direction for a truck


def weight_class_for(weight_kg: float | None, volume: float | None) -> str:
    """The smallest truck class the cargo fits, as the feed's weight filter names it."""
    if not weight_kg:
        return "any"
    for name, wv in WEIGHT_CLASSES.items():
        if wv is None:
            continue
        tonnes, cubic_metres = (float(part) for part in wv.split("-"))
        if weight_kg <= tonnes * 1000 and (volume or 0) <= cubic_metres:
            return name
    return "any"


def _raw_filters(seen: Sighting, *, with_destination: bool) -> dict[str, str]:
    raw = {
        "mode": "all",
        "weight_class": weight_class_for(seen.weight, seen.volume),
        "from_id": str(seen.from_id),
        "from_type": "2",
        "from_radius": str(ROUTE_RADIUS_KM),
    }
    if with_destination and seen.to_id:
        raw.update({"to_id": str(seen.to_id), "to_type": "2", "to_radius": str(ROUTE_RADIUS_KM)})
    return raw


async def similar_offers(
    cargos: CargoService, marks: FeedMarks, cargo_id: str, *, limit: int = LIMIT
) -> tuple[str, list[CardView]]:
    """(route «Москва → Казань» of the withdrawn cargo or "", up to `limit` cards): same route
    first, then the same loading city, each group by closeness in weight."""
    seen = await marks.sighting(cargo_id)
    if seen is None or not seen.from_id:
        return "", []
    route = f"{seen.from_name or '—'} → {seen.to_name or '—'}"
    found: list[CardView] = []
    known = {cargo_id}
    for with_destination in (True, False):
        try:
            query = build_query(validate_filters(_raw_filters(seen, with_destination=with_destination)))
            page = (await cargos.list_page(query)).value
        except (CargoTechError, ValueError):
            continue  # similar offers are a courtesy: the page still says the cargo is gone
        weight = seen.weight or 0
        # The destination filter has a radius, so a neighbouring town's cargo comes in the same
        # answer: the exact route still goes first.
        group = sorted(
            ((item, card_view(item)) for item in page.data if item.id not in known),
            key=lambda pair: (pair[1]["route"] != route, abs((pair[0].weight or 0) - weight)),
        )
        for item, card in group:
            known.add(item.id)
            found.append(card)
        if len(found) >= limit:
            break
    return route, found[:limit]
