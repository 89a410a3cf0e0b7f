"""One cargo from (seed, slot number): a pure function, so the same seed always yields the same
cargo in the same slot, whatever else the sandbox did.

The `Cargo` keeps what the filters compare as plain attributes (the list endpoint checks
thousands per request) and serialises each of its answer shapes once, on first use.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from sandbox.catalog import (
    BODY_LOADINGS,
    CARGO_TYPES,
    COMMON_NOTES,
    LAST_CLASS,
    LOAD_TYPE_BY_ID,
    REEFER,
    TRUCK_CLASSES,
    TRUCK_TYPE_BY_ID,
    UNTENT,
    CargoType,
)
from sandbox.cities import CITIES, CITY_BY_ID, City, road_km
from sandbox.companies import Company, build_companies, pick_partners
from sandbox.responses import dump_json
from sandbox.spelling import respell_cargo

SLOT_S = 12  # a new cargo every 12 s: five appear (and about five vanish) each minute
LIFETIME_S = (7 * 3600, 9 * 3600)  # ≥ 7 h × 300/h = 2,100 cargos visible at any moment
ID_BASE = 2_200_000_000  # ten digits, above 2^31
ID_STRIDE = 3  # ids grow with the slot but not by one: id = base + stride × slot + jitter
MSK = timezone(timedelta(hours=3))
SHORT_HAUL_TONNES = 5  # small trucks rarely go further than SHORT_HAUL_KM
SHORT_HAUL_KM = 1500
MIN_ROUTE_KM = 40

_START_DAY_WEIGHTS = (14, 22, 18, 12, 9, 7, 6, 4, 3, 3, 2)  # loading 0..10 days after publishing
_STREETS = (
    "ул. Промышленная",
    "ул. Складская",
    "ул. Заводская",
    "ул. Индустриальная",
    "ул. Транспортная",
    "ул. Магистральная",
    "ул. Ленина",
    "ул. Советская",
    "пр-т Мира",
    "ул. Строителей",
    "ул. Дорожная",
    "ул. Механизаторов",
    "Северное ш.",
    "Южное ш.",
    "ул. Энергетиков",
)
_TYPES_BY_CLASS = tuple(
    tuple(t for t in CARGO_TYPES if t.classes[0] <= index <= t.classes[1]) for index in range(len(TRUCK_CLASSES))
)
_CITY_TRAFFIC = tuple(city.traffic for city in CITIES)


@dataclass(frozen=True)
class World:
    """Everything shared by all cargos of one seed."""

    seed: int
    companies: tuple[Company, ...]
    company_weights: tuple[float, ...]  # a few companies post most cargos, as on real exchanges
    shippers: tuple[Company, ...]
    partners: frozenset[int]

    @classmethod
    def build(cls, seed: int) -> World:
        companies = build_companies(seed)
        return cls(
            seed=seed,
            companies=companies,
            company_weights=tuple(1 / (rank + 5) for rank in range(len(companies))),
            shippers=tuple(c for c in companies if not c.forwarder),
            partners=pick_partners(seed, companies),
        )


@dataclass(slots=True, eq=False)
class Cargo:
    id: int
    publish_ts: int
    expires_ts: float
    # What the filters compare.
    start_city: int
    finish_city: int
    weight: int  # kg
    volume: float  # m³
    distance: int  # km
    shown_price: int  # kopecks: price_carrier when present, else price
    price_per_km: int  # kopecks, of `price` (not of the carrier's price), as CargoTech computes it
    truck_ids: frozenset[int]
    load_ids: frozenset[int]
    company_id: int
    poster_id: int
    first_day: int  # loading window, as date ordinals
    last_day: int
    # What the answers show.
    item: dict  # the list fields, contacts aside
    contacts: list
    addresses: tuple[str, str]
    details: dict  # extra, cargo_type, shipper
    _encoded: dict = field(default_factory=dict)

    def encoded(self, *, detail: bool, contacts: bool, drift_seed: int | None = None) -> bytes:
        """The item's JSON; with `drift_seed`, in the drifted spelling (sandbox.spelling)."""
        key = (detail, contacts, drift_seed)
        if key not in self._encoded:
            payload = self._payload(detail, contacts)
            self._encoded[key] = dump_json(payload if drift_seed is None else respell_cargo(payload, drift_seed))
        return self._encoded[key]

    def _payload(self, detail: bool, contacts: bool) -> dict:
        payload = dict(self.item)
        if contacts:
            payload["contacts"] = self.contacts
        if detail:
            start, finish = payload["points"]["start"], payload["points"]["finish"]
            payload["points"] = {
                "start": {**start, "address": self.addresses[0]},
                "finish": {**finish, "address": self.addresses[1]},
            }
            payload.update(self.details)
        return payload


def slot_of(cargo_id: int) -> int:
    return (cargo_id - ID_BASE) // ID_STRIDE


@functools.cache
def _destinations(start_id: int, short_haul: bool) -> tuple[tuple[City, ...], tuple[float, ...]]:
    """Where cargos from `start_id` go: busy cities more often, far ones less."""
    start = CITY_BY_ID[start_id]
    cities, weights = [], []
    for city in CITIES:
        km = road_km(start, city)
        if km < MIN_ROUTE_KM or (short_haul and km > SHORT_HAUL_KM):
            continue
        cities.append(city)
        weights.append(city.traffic / (1 + (km / 1200) ** 2))
    if not cities:  # remote cities (Якутск) have no short runs: small trucks go far too
        return _destinations(start_id, False)
    return tuple(cities), tuple(weights)


def build_cargo(world: World, slot: int) -> Cargo:
    rng = random.Random(f"cargo:{world.seed}:{slot}")
    cargo_id = ID_BASE + ID_STRIDE * slot + rng.randrange(ID_STRIDE)
    publish_ts = slot * SLOT_S + rng.randrange(SLOT_S)  # strictly grows with the slot
    expires_ts = publish_ts + rng.uniform(*LIFETIME_S)

    class_index = rng.choices(range(len(TRUCK_CLASSES)), weights=[c.share for c in TRUCK_CLASSES])[0]
    truck_class = TRUCK_CLASSES[class_index]
    cargo_type = rng.choice(_TYPES_BY_CLASS[class_index])
    bodies = [cargo_type.bodies[0]] + [b for b in cargo_type.bodies[1:] if rng.random() < 0.4]
    loadings = _loadings(rng, cargo_type, bodies)
    weight, volume = _size(rng, class_index, cargo_type)

    start = rng.choices(CITIES, weights=_CITY_TRAFFIC)[0]
    destinations, weights = _destinations(start.id, truck_class.tonnes <= SHORT_HAUL_TONNES)
    finish = rng.choices(destinations, weights=weights)[0]
    distance = road_km(start, finish)

    price, price_carrier = _prices(rng, class_index, cargo_type, bodies, distance)
    shown_price = price_carrier if price_carrier is not None else price
    price_per_km = round(price / distance)  # CargoTech's figure is of `price`, whatever the carrier gets

    start_window, finish_window = _windows(rng, publish_ts, distance)
    zulu = rng.random() < 0.3  # most items carry Moscow time with its offset, some UTC with `Z`
    company = rng.choices(world.companies, weights=world.company_weights)[0]
    shipper = rng.choice(world.shippers) if company.forwarder else company
    contacts, poster_id = _contacts(rng, company)

    item = {
        "id": cargo_id,
        "weight": weight,
        "volume": volume,
        "distance": distance,
        "price": price,
        "price_carrier": price_carrier,
        "price_per_km": price_per_km,
        "points": {
            "start": _point(1, start, start_window, zulu),
            "finish": _point(2, finish, finish_window, zulu),
        },
        "load_types": [LOAD_TYPE_BY_ID[i].as_json() for i in loadings],
        "truck_types": [TRUCK_TYPE_BY_ID[i].as_json() for i in bodies],
        "company": company.as_json(),
    }
    if price_carrier is None and rng.random() < 0.6:
        del item["price_carrier"]  # absent rather than null, as on many real items

    notes = _notes(rng, cargo_type, loadings)
    details = {
        "extra": {
            "note": notes,
            "note_valid": None if notes is None else rng.random() < 0.9,
            "url": f"https://cargotech.pro/cargos/{cargo_id}" if rng.random() < 0.3 else None,
            "external_inn": shipper.inn if rng.random() < 0.25 else None,
            "custom_cargo_type": rng.choice(cargo_type.custom_names) if cargo_type.custom_names and rng.random() < 0.3 else None,
            "partial_load": "догруз" in (notes or "") or rng.random() < 0.1,
            "krugoreis": rng.random() < 0.05,
        },
        "cargo_type": cargo_type.as_json(),
        "shipper": shipper.as_json(),
    }
    return Cargo(
        id=cargo_id,
        publish_ts=publish_ts,
        expires_ts=expires_ts,
        start_city=start.id,
        finish_city=finish.id,
        weight=weight,
        volume=volume,
        distance=distance,
        shown_price=shown_price,
        price_per_km=price_per_km,
        truck_ids=frozenset(bodies),
        load_ids=frozenset(loadings),
        company_id=company.id,
        poster_id=poster_id,
        first_day=start_window[0].date().toordinal(),
        last_day=start_window[1].date().toordinal(),
        item=item,
        contacts=contacts,
        addresses=(_address(rng, start), _address(rng, finish)),
        details=details,
    )


def _loadings(rng: random.Random, cargo_type: CargoType, bodies: list[int]) -> list[int]:
    # The cargo type's first loading always suits its usual body, so the list is never empty.
    usable = [x for x in cargo_type.loadings if any(x in BODY_LOADINGS[b] for b in bodies)]
    return [usable[0]] + [x for x in usable[1:] if rng.random() < 0.4]


def _size(rng: random.Random, class_index: int, cargo_type: CargoType) -> tuple[int, float | int]:
    """(kg, m³) that fit the class's truck but not, mostly, the next smaller one."""
    truck_class = TRUCK_CLASSES[class_index]
    max_kg = int(truck_class.tonnes * 1000)
    step = 50 if max_kg < 5000 else 100
    weight = min(max_kg, max(step, round(rng.uniform(0.45, 1.0) * max_kg / step) * step))
    if cargo_type.density:
        volume = weight / 1000 / cargo_type.density
    elif class_index == LAST_CLASS:
        volume = rng.uniform(TRUCK_CLASSES[LAST_CLASS - 1].cubic_metres + 1, truck_class.cubic_metres)
    else:
        volume = rng.uniform(0.5, 1.0) * truck_class.cubic_metres
    volume = min(truck_class.cubic_metres, max(1.0, round(volume) if volume >= 16 else round(volume * 2) / 2))
    return weight, int(volume) if volume == int(volume) else volume


def _prices(
    rng: random.Random, class_index: int, cargo_type: CargoType, bodies: list[int], distance: int
) -> tuple[int, int | None]:
    """(price, price_carrier) in kopecks at a market ₽/км for the truck size and body."""
    rate = rng.uniform(*TRUCK_CLASSES[class_index].rate_rub_per_km)
    if bodies[0] == REEFER:
        rate *= 1.12
    if cargo_type.dangerous:
        rate *= 1.1
    if distance < 300:  # short runs cost more per km
        rate *= 1.25
    rate = min(120.0, rate)
    step = 100 if distance < 500 else 500
    price_rub = max(step, round(rate * distance / step) * step)
    price_carrier = None
    if rng.random() < 0.7:  # the broker's fee comes off the shipper's price
        price_carrier = round(price_rub * rng.uniform(0.88, 0.97) / 100) * 100 * 100
    return price_rub * 100, price_carrier


def _windows(rng: random.Random, publish_ts: int, distance: int) -> tuple[tuple[datetime, datetime], ...]:
    """Loading and unloading windows in Moscow time, between 06:00 and 22:00 (so the UTC date is
    the same day), loading 0–10 days after publishing."""
    published = datetime.fromtimestamp(publish_ts, MSK)
    days_ahead = rng.choices(range(len(_START_DAY_WEIGHTS)), weights=_START_DAY_WEIGHTS)[0]
    earliest = 6
    if days_ahead == 0:
        earliest = published.hour + 2
        if earliest > 18:
            days_ahead, earliest = 1, 6
    loading = _window(rng, published.date() + timedelta(days=days_ahead), earliest)
    transit_days = max(1, math.ceil(distance / 650))  # ~650 km a day for one driver
    unloading = _window(rng, loading[0].date() + timedelta(days=transit_days), 8)
    return loading, unloading


def _window(rng: random.Random, day: date, earliest_hour: int) -> tuple[datetime, datetime]:
    hour = rng.randint(earliest_hour, 18)
    first = datetime.combine(day, time(hour, rng.choice((0, 0, 30))), MSK)
    extra_days = rng.choices((0, 1, 2), weights=(60, 30, 10))[0]
    last_hour = rng.randint(hour + 2, 22) if extra_days == 0 else rng.randint(8, 20)
    return first, datetime.combine(day + timedelta(days=extra_days), time(last_hour), MSK)


def _iso(moment: datetime, zulu: bool) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000000Z") if zulu else moment.isoformat()


def _point(kind: int, city: City, window: tuple[datetime, datetime], zulu: bool) -> dict:
    return {
        "type": kind,  # 1 loading, 2 unloading
        "position": kind,
        "first_date": _iso(window[0], zulu),
        "last_date": _iso(window[1], zulu),
        "city": {"id": city.id, "name": city.name},
    }


def _contacts(rng: random.Random, company: Company) -> tuple[list[dict], int]:
    """The person who posted the cargo (first), sometimes the company's office line too, in
    one of the two phone formats the real API mixes."""
    prefix = "+7" if rng.random() < 0.5 else "8"
    poster = rng.choice(company.people)
    first = {"id": poster.id, "type": "broker" if company.forwarder else "dispatcher", "name": poster.name}
    if rng.random() < 0.5:
        first["phones"] = [prefix + poster.mobile] + ([prefix + company.office_phone] if rng.random() < 0.3 else [])
    else:
        first["phone"] = prefix + poster.mobile
    contacts = [first]
    if rng.random() < 0.45:
        contacts.append({"type": "company", "name": company.name, "phone": prefix + company.office_phone})
    return contacts, poster.id


def _notes(rng: random.Random, cargo_type: CargoType, loadings: list[int]) -> str | None:
    notes = [note for note in cargo_type.notes if rng.random() < 0.45]
    if UNTENT in loadings and "растентовка" not in notes and rng.random() < 0.5:
        notes.append("растентовка")
    if rng.random() < 0.6:
        notes.append(rng.choice(COMMON_NOTES))
    return ", ".join(notes) or None


def _address(rng: random.Random, city: City) -> str:
    place = f"{rng.choice(_STREETS)}, д. {rng.randint(1, 150)}"
    if rng.random() < 0.3:
        place += f", стр. {rng.randint(1, 9)}"
    if rng.random() < 0.25:
        place = f"склад № {rng.randint(1, 30)}, {place}"
    return f"г. {city.name}, {place}"


# --- edits staged through the control API (sandbox/state.py CargoEdits) --------------------------

DUPLICATE_ID_BASE = 3_300_000_000  # above every generated id (base + stride × slot stays far below)


def with_price(cargo: Cargo, price_kopecks: int) -> Cargo:
    """The same cargo at a new carrier price: what a shipper's edit looks like in the list.
    `price` never drops below the carrier's price (the broker's fee comes off it)."""
    item = dict(cargo.item)
    if item.get("price_carrier") is not None:
        item["price_carrier"] = price_kopecks
        item["price"] = max(int(item["price"]), price_kopecks)
    else:
        item["price"] = price_kopecks
    per_km = round(int(item["price"]) / cargo.distance)  # of `price`, as CargoTech computes it
    item["price_per_km"] = per_km
    return dataclasses.replace(cargo, item=item, shown_price=price_kopecks, price_per_km=per_km, _encoded={})


def duplicate_of(world: World, cargo: Cargo, new_id: int, company_id: int | None = None) -> Cargo:
    """Another company's posting of the same load: same route, dates, weight, volume, price and
    bodies, its own id, company and contacts (real exchanges carry many such reposts)."""
    if company_id is None:
        others = [c for c in world.companies if c.id != cargo.company_id]
        company = others[new_id % len(others)]
    else:
        company = next((c for c in world.companies if c.id == company_id), None)
        if company is None:
            raise ValueError(f"unknown company {company_id}")
    rng = random.Random(f"duplicate:{world.seed}:{new_id}")
    contacts, poster_id = _contacts(rng, company)
    item = {**cargo.item, "id": new_id, "company": company.as_json()}
    details = {**cargo.details, "extra": {**cargo.details["extra"], "url": None}}
    return dataclasses.replace(
        cargo,
        id=new_id,
        item=item,
        contacts=contacts,
        details=details,
        company_id=company.id,
        poster_id=poster_id,
        _encoded={},
    )


ITEM_FIELDS = frozenset(
    {"weight", "volume", "distance", "price", "price_carrier", "price_per_km", "points", "load_types", "truck_types", "company"}
)
DETAIL_FIELDS = frozenset({"extra", "shipper", "cargo_type"})
EDITABLE_FIELDS = ITEM_FIELDS | DETAIL_FIELDS | {"contacts"}


def _merged(base: object, change: object) -> object:
    """`change` laid over `base`: objects merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(change, dict):
        return {**base, **{key: _merged(base.get(key), value) for key, value in change.items()}}
    return change


def with_fields(cargo: Cargo, fields: dict) -> Cargo:
    """The cargo with some answer fields set as given (objects such as `points` and `extra` are
    merged, `contacts` replaced): for tests of how the app shows unusual values. The list filters
    follow the new weight, volume, distance and prices."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"fields that cannot be set: {', '.join(sorted(unknown))}")
    item = {**cargo.item, **{k: _merged(cargo.item.get(k), v) for k, v in fields.items() if k in ITEM_FIELDS}}
    details = {**cargo.details, **{k: _merged(cargo.details.get(k), v) for k, v in fields.items() if k in DETAIL_FIELDS}}
    contacts = fields.get("contacts", cargo.contacts)
    carrier = item.get("price_carrier")
    shown = carrier if carrier is not None else item.get("price")
    return dataclasses.replace(
        cargo,
        item=item,
        details=details,
        contacts=contacts,
        weight=item.get("weight") or 0,
        volume=item.get("volume") or 0,
        distance=item.get("distance") or 0,
        shown_price=shown or 0,
        price_per_km=item.get("price_per_km") or 0,
        _encoded={},
    )
