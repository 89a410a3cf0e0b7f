"""«Новый» and «цена изменилась» marks on feed cards, and a short memory of every cargo seen.

CargoTech items carry no publication time, so "new" means: first seen by this service after the
driver's previous visit. Every feed page records, per cargo id, a small sighting in the shared
cache (`cargo_seen:<id>`, JSON, kept SEEN_TTL_S): when it was first seen, its current and
previous carrier price, and its route and size. With many drivers polling one shared list cache,
the first sighting is close to the publication time.

A visit is a feed open more than VISIT_GAP_S after the driver's previous feed activity, so
paging and reloads within a visit keep the same marks. Per driver (DriverStore, key
`driver:<id>:feed_visit`): {"since": the end of the previous visit or null, "last": last activity}.

The price memory is global, not per driver: the first service call that sees a new price
records the old one, and every driver sees «было …» for PRICE_NOTE_S after the change. It is
bounded by the cargos on the exchange (entries expire with SEEN_TTL_S).

The sighting doubles as the route memory for a withdrawn cargo: its detail answers 404, and
services.feed.similar_offers asks for the same route and size from here.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable, Iterable

from services import formatting as fmt
from services.cargotech.models import CargoItem
from services.drivers.store import DriverStore
from services.feed.cards import CardView
from services.primitives.cache_backend import CacheBackend
from services.vocabulary import DriverDocument

VISIT_GAP_S = 30 * 60
SEEN_TTL_S = 7 * 24 * 3600
REWRITE_AFTER_S = 24 * 3600  # an unchanged sighting is rewritten once a day so it does not expire under a live cargo
PRICE_NOTE_S = 24 * 3600
VISIT = DriverDocument.FEED_VISIT


@dataclasses.dataclass
class Sighting:
    first: float  # epoch seconds this service first saw the cargo
    written: float
    price: int | None  # kopecks, the carrier's price
    old_price: int | None = None
    changed: float | None = None  # when the price last changed
    from_id: int | None = None
    to_id: int | None = None
    from_name: str = ""
    to_name: str = ""
    weight: float | None = None  # kg
    volume: float | None = None  # m³

    @classmethod
    def of(cls, item: CargoItem, now: float) -> Sighting:
        start, finish = item.points.start.city, item.points.finish.city
        return cls(
            first=now,
            written=now,
            price=item.shown_price,
            from_id=start.id,
            to_id=finish.id,
            from_name=start.name,
            to_name=finish.name,
            weight=item.weight,
            volume=item.volume,
        )

    def dump(self) -> bytes:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False).encode()

    @classmethod
    def load(cls, raw: bytes | None) -> Sighting | None:
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            fields = {f.name for f in dataclasses.fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in fields})
        except (ValueError, TypeError):
            return None

    def price_note(self, now: float) -> str:
        """«120 000 ₽» while a recent change is worth showing, else ""."""
        if self.old_price is None or self.changed is None or now - self.changed > PRICE_NOTE_S:
            return ""
        return fmt.rub(self.old_price)


def _key(cargo_id: str) -> str:
    return f"cargo_seen:{cargo_id}"


class FeedMarks:
    def __init__(self, cache: CacheBackend, drivers: DriverStore, *, clock: Callable[[], float] = time.time) -> None:
        self._cache = cache
        self._drivers = drivers
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    async def visit_since(self, driver_id: int) -> float | None:
        """Note feed activity now; the moment cards count as «новый» after (None: first visit ever)."""
        now = self._clock()
        record = await self._drivers.get(driver_id, VISIT) or {}
        last = record.get("last")
        since = record.get("since")
        if not isinstance(last, (int, float)):
            since = None  # first visit: nothing to compare with, so nothing is marked
        elif now - last > VISIT_GAP_S:
            since = float(last)  # a new visit: new since the previous one ended
        await self._drivers.put(driver_id, VISIT, {"since": since, "last": now})
        return since if isinstance(since, (int, float)) else None

    async def observe(self, items: Iterable[CargoItem]) -> dict[str, Sighting]:
        """Record the sightings of a page's cargos and return them by id (after this sighting)."""
        items = list(items)
        now = self._clock()
        found = await asyncio.gather(*(self._observe_one(item, now) for item in items))
        return {item.id: sighting for item, sighting in zip(items, found, strict=True)}

    async def sighting(self, cargo_id: str) -> Sighting | None:
        return Sighting.load(await self._cache.get(_key(cargo_id)))

    async def remember(self, item: CargoItem) -> None:
        """Keep the route and size of a cargo seen outside the feed (a detail), price untouched:
        a detail may be cached longer than the list, so its price must not count as a change."""
        if await self._cache.get(_key(item.id)) is None:
            await self._cache.set(_key(item.id), Sighting.of(item, self._clock()).dump(), SEEN_TTL_S)

    async def detail_price_note(self, seen: Sighting | None, cargo: CargoItem) -> str:
        """The old price a detail shows («было 120 000 ₽»), from the sighting the feed made.

        Only while the detail's price is the one the feed last saw: a detail may be cached longer
        than the list, so a different price there is not a change of its own and gets no note.
        A cargo the feed has not seen at this price is remembered (its route and size), so a
        «похожие» page can start from it should it be withdrawn."""
        if seen is not None and seen.price == cargo.shown_price:
            return seen.price_note(self._clock())
        await self.remember(cargo)
        return ""

    async def _observe_one(self, item: CargoItem, now: float) -> Sighting:
        seen = Sighting.load(await self._cache.get(_key(item.id)))
        price = item.shown_price
        if seen is None:
            seen = Sighting.of(item, now)
        elif price is not None and seen.price is not None and price != seen.price:
            seen.old_price, seen.price, seen.changed, seen.written = seen.price, price, now, now
        elif price is not None and seen.price is None:
            seen.price, seen.written = price, now
        elif now - seen.written > REWRITE_AFTER_S:
            seen.written = now
        else:
            return seen  # unchanged: no write
        await self._cache.set(_key(item.id), seen.dump(), SEEN_TTL_S)
        return seen

    def mark(self, cards: list[CardView], sightings: dict[str, Sighting], since: float | None) -> None:
        """Fill each card's «новый» flag and old price in place."""
        now = self._clock()
        for card in cards:
            seen = sightings.get(card["id"])
            if seen is None:
                continue
            card["new"] = since is not None and seen.first > since
            card["old_price"] = seen.price_note(now)
