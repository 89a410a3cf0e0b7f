"""Query parameters of the list and dictionary endpoints: validated the way Laravel does (every
bad field at once, named `filter.wv` for `filter[wv]`), then compiled into checks on `Cargo`.

A compiled check is a plain closure over precomputed sets and numbers: the list endpoint runs
them over ~2,500 cargos on every request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from sandbox.cities import (
    CITY_BY_ID,
    POINT_TYPE_CITY,
    POINT_TYPE_REGION,
    REGION_BY_ID,
    city_ids_in_region,
    city_ids_within,
)
from sandbox.generator import Cargo
from sandbox.responses import ValidationFailed

MAX_LIMIT = 100
DEFAULT_LIST_LIMIT = 20
DEFAULT_POINTS_LIMIT = 10
DEFAULT_RADIUS_KM = 50
MAX_RADIUS_KM = 1000
WV_RE = re.compile(r"^\d+(\.\d+)?-\d+(\.\d+)?$")
RANGE_RE = re.compile(r"^(\d*),(\d*)$")
INT_RE = re.compile(r"^-?[0-9]+$")
IDS_RE = re.compile(r"^[0-9]+(,[0-9]+)*$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

Check = Callable[[Cargo], bool]


class _Params:
    """Reads parameters and collects errors instead of stopping at the first one."""

    def __init__(self, params: QueryParams) -> None:
        self._params = params
        self.errors: dict[str, str] = {}

    @staticmethod
    def field(name: str) -> str:
        return name.replace("[", ".").replace("]", "")

    def fail(self, name: str, text: str) -> None:
        self.errors.setdefault(self.field(name), text.replace(":field", self.field(name)))

    def failed(self, name: str) -> bool:
        return self.field(name) in self.errors

    def text(self, name: str) -> str | None:
        # Laravel turns empty strings into null: an empty filter is no filter.
        value = self._params.get(name, "").strip()
        return value or None

    def integer(self, name: str, *, low: int, high: int | None = None, default: int | None = None) -> int | None:
        raw = self.text(name)
        if raw is None:
            return default
        if not INT_RE.match(raw):
            self.fail(name, "The :field field must be an integer.")
            return None
        value = int(raw)
        if high is not None and not low <= value <= high:
            self.fail(name, f"The :field field must be between {low} and {high}.")
        elif value < low:
            self.fail(name, f"The :field field must be at least {low}.")
        else:
            return value
        return None

    def choice(self, name: str, allowed: Iterable[str], default: str) -> str:
        value = self.text(name) or default
        if value not in allowed:
            self.fail(name, "The selected :field is invalid.")
        return value

    def date(self, name: str) -> dt.date | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            if DATE_RE.match(raw):
                return dt.date.fromisoformat(raw)
        except ValueError:
            pass
        self.fail(name, "The :field field must match the format Y-m-d.")
        return None

    def ids(self, name: str) -> frozenset[int] | None:
        raw = self.text(name)
        if raw is None:
            return None
        if not IDS_RE.match(raw):
            self.fail(name, "The :field field must be a comma-separated list of ids.")
            return None
        return frozenset(int(part) for part in raw.split(","))

    def range(self, name: str) -> tuple[int | None, int | None] | None:
        """`"min,max"`, either side may be empty."""
        raw = self.text(name)
        if raw is None:
            return None
        match = RANGE_RE.match(raw)
        if not match:
            self.fail(name, 'The :field field must be "min,max".')
            return None
        low, high = (int(part) if part else None for part in match.groups())
        if low is not None and high is not None and low > high:
            self.fail(name, "The :field minimum must not exceed its maximum.")
            return None
        return None if low is None and high is None else (low, high)

    def page(self, default_limit: int) -> tuple[int, int]:
        limit = self.integer("limit", low=1, high=MAX_LIMIT, default=default_limit)
        offset = self.integer("offset", low=0, default=0)
        return limit or default_limit, offset or 0

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


@dataclass(frozen=True)
class ListQuery:
    limit: int
    offset: int
    contacts: bool
    checks: tuple[Check, ...]

    def apply(self, cargos: Iterable[Cargo]) -> list[Cargo]:
        matches = list(cargos)
        for check in self.checks:  # each pass narrows the set for the next
            matches = [cargo for cargo in matches if check(cargo)]
        return matches


def parse_list_query(params: QueryParams, partners: frozenset[int]) -> ListQuery:
    """`GET /v2/cargos/views` parameters → checks; ValidationFailed names every bad field."""
    p = _Params(params)
    limit, offset = p.page(DEFAULT_LIST_LIMIT)
    checks: list[Check] = []

    if p.choice("filter[mode]", ("all", "my"), "all") == "my":
        checks.append(lambda c: c.company_id in partners)
    user_id = p.integer("filter[user_id]", low=0, default=0)
    if user_id:
        checks.append(lambda c: c.poster_id == user_id)
    for side in ("start", "finish"):
        cities = _point_cities(p, side)
        if cities is not None:
            attribute = f"{side}_city"
            checks.append(lambda c, cities=cities, attribute=attribute: getattr(c, attribute) in cities)
    day = p.date("filter[start_date]")
    if day is not None:
        ordinal = day.toordinal()
        checks.append(lambda c: c.first_day <= ordinal <= c.last_day)
    wv = p.text("filter[wv]")
    if wv is not None:
        if WV_RE.match(wv):
            tonnes, cubic_metres = (float(part) for part in wv.split("-"))
            max_kg = tonnes * 1000
            checks.append(lambda c: c.weight <= max_kg and c.volume <= cubic_metres)
        else:
            p.fail("filter[wv]", 'The :field field must be "{tonnes}-{m3}", e.g. 20-83.')
    for name, attribute in (("filter[load_types]", "load_ids"), ("filter[truck_types]", "truck_ids")):
        wanted = p.ids(name)
        if wanted is not None:
            checks.append(lambda c, wanted=wanted, attribute=attribute: not getattr(c, attribute).isdisjoint(wanted))
    for name, attribute in (
        ("filter[distance]", "distance"),
        ("filter[price]", "shown_price"),
        ("filter[price_per_km]", "price_per_km"),
    ):
        bounds = p.range(name)
        if bounds is not None:
            checks.append(_within(attribute, *bounds))

    p.raise_errors()
    include = (p.text("include") or "").split(",")
    return ListQuery(limit, offset, "contacts" in include, tuple(checks))


def _point_cities(p: _Params, side: str) -> frozenset[int] | None:
    """Cities a start/finish point filter admits: a city and its surroundings within the radius
    (type 2), or every city of a region (type 1)."""
    id_name, type_name, radius_name = (f"filter[{side}_point_{part}]" for part in ("id", "type", "radius"))
    point_id = p.integer(id_name, low=1)
    point_type = p.integer(type_name, low=POINT_TYPE_REGION, high=POINT_TYPE_CITY)
    radius = p.integer(radius_name, low=0, high=MAX_RADIUS_KM, default=DEFAULT_RADIUS_KM)
    if point_id is None:
        return None
    if point_type is None:
        if not p.failed(type_name):
            p.fail(type_name, f"The :field field is required when {p.field(id_name)} is present.")
        return None
    if point_type == POINT_TYPE_REGION:
        region = REGION_BY_ID.get(point_id)
        if region is not None:
            return city_ids_in_region(region)
    else:
        city = CITY_BY_ID.get(point_id)
        if city is not None:
            return None if radius is None else city_ids_within(city, radius)
    p.fail(id_name, "The selected :field is invalid.")
    return None


def _within(attribute: str, low: int | None, high: int | None) -> Check:
    low = 0 if low is None else low
    high = float("inf") if high is None else high
    return lambda c: low <= getattr(c, attribute) <= high


@dataclass(frozen=True)
class PointsQuery:
    name: str
    type: int | None
    limit: int
    offset: int


def parse_points_query(params: QueryParams) -> PointsQuery:
    p = _Params(params)
    limit, offset = p.page(DEFAULT_POINTS_LIMIT)
    point_type = p.integer("filter[type]", low=POINT_TYPE_REGION, high=POINT_TYPE_CITY)
    p.raise_errors()
    return PointsQuery(p.text("filter[name]") or "", point_type, limit, offset)
