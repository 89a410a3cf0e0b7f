"""«Загрузки обратно»: the best loads leaving near where a cargo unloads, right after it unloads.

A load back fits when it loads within RADIUS_KM of the unloading city, on the unloading day or up
to DAYS_AFTER days later (Moscow days), and fits the same truck class; the best are the highest
₽/км. The loads come through the feed's own queries and shared list cache (one query per loading
day, the same a driver's feed makes with those filters), so drivers unloading in one city on one
day share them; a miss is charged to the driver as a RETURN_LOADS call of the upstream budget.
Loads back are suggestions for a trip a day or more ahead, and a tap opens the cargo's own detail:
they accept the shared page up to FRESH_S old (the feed's own window is a minute), which keeps them
the smaller share of the upstream budget at a thousand drivers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from services import formatting as fmt
from services.cargotech.errors import CargoTechError
from services.cargotech.models import CargoItem
from services.cargotech.upstream_budget import Caller, Purpose
from services.feed.cache import CargoService
from services.feed.cards import CardView, card_view, price_per_km
from services.feed.filters import build_query, validate_filters
from services.market.lane_rates import loading_day, truck_class_of

RADIUS_KM = 50
DAYS_AFTER = 2
LIMIT = 4
FRESH_S = 5 * 60


@dataclasses.dataclass(frozen=True)
class ReturnQuery:
    city_id: int
    city_name: str
    day: dt.date  # the unloading day (Moscow)
    truck_class: str

    @property
    def last_day(self) -> dt.date:
        return self.day + dt.timedelta(days=DAYS_AFTER)

    def days(self, today: dt.date) -> list[dt.date]:
        """The loading days still ahead: the window, without the days already past."""
        return [self.day + dt.timedelta(days=n) for n in range(DAYS_AFTER + 1) if self.day + dt.timedelta(days=n) >= today]

    def raw_filters(self, day: dt.date | None = None) -> dict[str, str]:
        """The feed's filter form for loads back on `day` (the first day still ahead by default)."""
        raw = {
            "mode": "all",
            "weight_class": self.truck_class,
            "from_id": str(self.city_id),
            "from_type": "2",
            "from_radius": str(RADIUS_KM),
            "from_name": self.city_name,
        }
        if day is not None:
            raw["start_date"] = day.isoformat()
        return raw

    def window_label(self, today: dt.date) -> str:
        """«из Казани, 5–7 дек»: where and when, the days already past left out."""
        days = self.days(today) or [self.last_day]
        return f"из {from_city(self.city_name)}, {fmt.date_range(days[0].isoformat(), self.last_day.isoformat())}"

    def search_name(self) -> str:
        """«грузы из Казани после 5 дек»: the name a one-tap saved search gets."""
        # Plain spaces: a saved search's name is stored with its whitespace collapsed.
        city = from_city(self.city_name).replace("\u00a0", " ")
        return f"грузы из {city} после {self.day.day} {fmt.MONTHS[self.day.month - 1]}"


_HUSHING = set("гкхжшчщ")
_CONSONANTS = set("бвгджзклмнпрстфхцчшщ")


def _decline(word: str) -> str | None:
    """One word after «из», or None when no simple rule fits it."""
    if not word or not word[-1].isalpha():
        return None
    last, stem = word[-1], word[:-1]
    if last in "ья":
        return stem + "и"
    if last == "а":
        return stem + ("и" if stem and stem[-1] in _HUSHING else "ы")
    if last.lower() in _CONSONANTS:
        return word + "а"
    if last in "оеиуыюэ":
        return word  # Сочи, Иваново, Улан-Удэ: not declined
    return None


def from_city(name: str) -> str:
    """The city after «из»: Казань → Казани, Самара → Самары, Омск → Омска, Сочи → Сочи,
    Санкт-Петербург → Санкт-Петербурга, Ростов-на-Дону → Ростова-на-Дону. A name of several words
    or an unusual ending is left as written behind «г.» («из г. Нижний Новгород»), which reads
    correctly without declining it."""
    word = name.strip()
    if not word:
        return "—"
    declined: str | None = None
    if " " not in word:
        if "-на-" in word:
            head, _, tail = word.partition("-на-")
            first = _decline(head)
            declined = None if first is None else f"{first}-на-{tail}"
        elif "-" in word:
            head, _, tail = word.rpartition("-")
            last = _decline(tail)
            declined = None if last is None else f"{head}-{last}"
        else:
            declined = _decline(word)
    return declined if declined is not None else f"г.\u00a0{word}"


def return_query_for(cargo: CargoItem) -> ReturnQuery | None:
    """Where and when `cargo` leaves the truck empty, or None when the unloading city or day is unknown."""
    finish = cargo.points.finish
    moment = fmt.wall_clock(finish.first_date or finish.last_date)
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if not finish.city.id or day is None:
        return None
    return ReturnQuery(finish.city.id, finish.city.name or "—", day, truck_class_of(cargo))


def fits(item: CargoItem, query: ReturnQuery) -> bool:
    """Loads in the window and fits the same truck class. The city radius is CargoTech's filter."""
    day = loading_day(item)
    if day is None or not query.day <= day <= query.last_day:
        return False
    return query.truck_class in ("any", truck_class_of(item))


def select_return_loads(
    items: Iterable[CargoItem], query: ReturnQuery, *, exclude: Iterable[str] = (), limit: int = LIMIT
) -> list[CargoItem]:
    """The best loads back: fitting ones, highest ₽/км first; equal rates load earlier first, then
    by id so the order never flickers. Cargos without a rate come last."""
    excluded = set(exclude)
    unique: dict[str, CargoItem] = {}
    for item in items:
        if item.id not in excluded and item.id not in unique and fits(item, query):
            unique[item.id] = item
    return sorted(unique.values(), key=lambda i: (-(price_per_km(i) or 0), loading_day(i) or query.day, i.id))[:limit]


@dataclasses.dataclass(frozen=True)
class ReturnLoads:
    query: ReturnQuery | None
    items: list[CargoItem]
    unavailable: bool = False  # CargoTech (or the driver's budget) refused: say so, not «нет»
    partial: bool = False  # some days were refused: the list may miss loads, say so

    def cards(self) -> list[CardView]:
        return [card_view(item) for item in self.items]


def day_query(query: ReturnQuery, day: dt.date, *, today: dt.date) -> dict[str, str]:
    """The exchange's list query for loads back on one loading day. ValueError: the filters
    refuse it (a day already past)."""
    return build_query(validate_filters(query.raw_filters(day), today=today))


async def find_return_loads(
    cargos: CargoService, cargo: CargoItem, *, driver_id: int, today: dt.date, limit: int = LIMIT
) -> ReturnLoads:
    query = return_query_for(cargo)
    if query is None:
        return ReturnLoads(None, [])
    days = query.days(today)
    if not days:
        return ReturnLoads(query, [])
    caller = Caller(driver_id, Purpose.RETURN_LOADS, charged=True)

    async def one_day(day: dt.date) -> Sequence[CargoItem]:
        page = await cargos.list_page(day_query(query, day, today=today), caller=caller, fresh_s=FRESH_S)
        return page.value.data

    answers = await asyncio.gather(*(one_day(day) for day in days), return_exceptions=True)
    found: list[CargoItem] = []
    failed = 0
    for answer in answers:
        if isinstance(answer, (CargoTechError, ValueError)):
            failed += 1
        elif isinstance(answer, BaseException):
            raise answer
        else:
            found.extend(answer)
    best = select_return_loads(found, query, exclude=[cargo.id], limit=limit)
    return ReturnLoads(query, best, unavailable=failed == len(days), partial=0 < failed < len(days))
