"""Driver filters: validation with Russian errors per field and the exact
CargoTech list query (parameters in docs/cargotech-api.md).

The UI speaks in roubles, tonnes and classes; CargoTech wants kopecks, `filter[wv]` and
`"min,max"` ranges. Equal filters produce one identical query, so they share one cache entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any, Literal

from services.client_numbers import DICTIONARY_ID_MAX_DIGITS, client_int, is_ascii_number
from services.errors import UserFacingError

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100  # the upstream maximum is unknown; docs/cargotech-api.md says keep ≤ 100
DEFAULT_RADIUS_KM = 50
MAX_RADIUS_KM = 500
DEFAULT_POINT_TYPE = 2  # a city in the points dictionary
MAX_DATE_AHEAD_DAYS = 90

# The customer's truck classes plus the production presets they lacked → `filter[wv]`
# ("{tonnes}-{m3}": the truck the cargo must fit), smallest truck first. Each seed class maps to
# the production preset at its upper bound; "20" (20+ т / 82+ м³) has no upper bound, so it asks
# for a full-size 20 т / 120 м³ road train. "any" sends no filter.
WEIGHT_CLASSES: dict[str, str | None] = {
    "any": None,
    "1.5": "1.5-9",
    "1_3": "3-16",
    "3_5": "5-36",
    "7.5": "7.5-45",
    "5_10": "10-54",
    "10_15": "15-65",
    "15_20": "20-83",
    "20": "20-120",
}
WEIGHT_CLASS_LABELS: dict[str, str] = {
    "any": "Любой",
    "1.5": "1,5 т",
    "1_3": "1–3 т",
    "3_5": "3–5 т",
    "7.5": "7,5 т",
    "5_10": "5–10 т",
    "10_15": "10–15 т",
    "15_20": "15–20 т",
    "20": "20+ т",
    "custom": "Свой",
}


def weight_chip_label(weight_class: str) -> str:
    """«1,5 т · 9 м³»: drivers think in truck classes, which are tonnes and cubic metres."""
    label = WEIGHT_CLASS_LABELS[weight_class]
    preset = WEIGHT_CLASSES.get(weight_class)
    if preset is None:
        return label
    volume = preset.split("-")[1].replace(".", ",")
    return f"{label} · {volume}\u00a0м³"


CUSTOM = "custom"
# ASCII digits only: `\d` would let «²» through to float(), which refuses it.
WV_RE = re.compile(r"^[0-9]{1,6}(\.[0-9]{1,6})?-[0-9]{1,6}(\.[0-9]{1,6})?\Z")
MAX_TONNES = 60
MAX_CUBIC_METRES = 200

Mode = Literal["all", "my"]


class FilterValidationError(UserFacingError, ValueError):
    """`field_errors` maps each bad field to a Russian message naming it; `user_message` joins them."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(
            "; ".join(f"{field}: {message}" for field, message in errors.items()),
            user_message="; ".join(errors.values()),
            field_errors=errors,
        )


@dataclasses.dataclass(frozen=True)
class PointFilter:
    id: int
    type: int = DEFAULT_POINT_TYPE
    radius_km: int = DEFAULT_RADIUS_KM
    name: str = ""  # for display only; never sent


@dataclasses.dataclass(frozen=True)
class Range:
    low: int | None = None
    high: int | None = None

    def as_param(self) -> str | None:
        if self.low is None and self.high is None:
            return None
        return f"{'' if self.low is None else self.low},{'' if self.high is None else self.high}"


@dataclasses.dataclass(frozen=True)
class DriverFilters:
    mode: Mode = "all"
    start: PointFilter | None = None
    finish: PointFilter | None = None
    weight_class: str = "any"
    wv: str | None = None  # the normalised `filter[wv]` value, preset or custom
    truck_types: tuple[int, ...] = ()
    load_types: tuple[int, ...] = ()
    start_date: dt.date | None = None
    price: Range = Range()  # kopecks
    distance: Range = Range()  # km
    price_per_km: Range = Range()  # kopecks


# Field names as the UI sends them, with the Russian label used in messages.
FIELD_LABELS = {
    "mode": "Свои/Все",
    "from_id": "Откуда",
    "from_type": "Откуда",
    "from_radius": "Радиус (откуда)",
    "to_id": "Куда",
    "to_type": "Куда",
    "to_radius": "Радиус (куда)",
    "weight_class": "Вес и объём",
    "custom_wv": "Свой вес и объём",
    "truck_types": "Тип кузова",
    "load_types": "Тип загрузки",
    "start_date": "Дата загрузки",
    "price_min": "Цена от",
    "price_max": "Цена до",
    "distance_min": "Расстояние от",
    "distance_max": "Расстояние до",
    "price_per_km_min": "₽/км от",
    "price_per_km_max": "₽/км до",
}


class _Parser:
    """Collects every error instead of stopping at the first, so the UI can mark all fields."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, f"{FIELD_LABELS[field]}: {message}")

    def text(self, field: str) -> str:
        value = self.raw.get(field)
        return "" if value is None else str(value).strip()

    def integer(self, field: str, *, low: int, high: int) -> int | None:
        text = self.text(field).replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if not is_ascii_number(text):
            self.fail(field, "введите целое число")
            return None
        # Leading zeros are harmless; past that, more digits than `high` has is out of range.
        value = client_int(text.lstrip("0") or "0", max_digits=len(str(high)), low=low, high=high)
        if value is None:
            self.fail(field, f"допустимо от {low} до {group(high)}")
            return None
        return value

    def id_list(self, field: str) -> tuple[int, ...]:
        value = self.raw.get(field) or ()
        if not isinstance(value, (str, list, tuple)):
            self.fail(field, "неизвестное значение")
            return ()
        items = value.split(",") if isinstance(value, str) else list(value)
        ids = set()
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            number = client_int(text, max_digits=DICTIONARY_ID_MAX_DIGITS)
            if number is None:
                self.fail(field, "неизвестное значение")
                return ()
            ids.add(number)
        return tuple(sorted(ids))

    def point(self, prefix: str) -> PointFilter | None:
        point_id = self.integer(f"{prefix}_id", low=1, high=10**12)
        if point_id is None:
            return None
        point_type = self.integer(f"{prefix}_type", low=0, high=99)
        radius = self.integer(f"{prefix}_radius", low=0, high=MAX_RADIUS_KM)
        return PointFilter(
            id=point_id,
            type=DEFAULT_POINT_TYPE if point_type is None else point_type,
            radius_km=DEFAULT_RADIUS_KM if radius is None else radius,
            name=self.text(f"{prefix}_name")[:100],
        )

    def range(self, name: str, *, scale: int, high: int) -> Range:
        low_value = self.integer(f"{name}_min", low=0, high=high)
        high_value = self.integer(f"{name}_max", low=0, high=high)
        if low_value is not None and high_value is not None and low_value > high_value:
            self.fail(f"{name}_min", "больше, чем «до»")
        return Range(
            None if low_value is None else low_value * scale,
            None if high_value is None else high_value * scale,
        )


def group(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def normalise_wv(text: str) -> str | None:
    """`"20.0-83"` → `"20-83"`; None when malformed or outside any truck's size."""
    text = text.strip().replace(",", ".").replace(" ", "")
    if not WV_RE.match(text):
        return None
    tonnes_text, volume_text = text.split("-")
    tonnes, volume = float(tonnes_text), float(volume_text)
    if not (0 < tonnes <= MAX_TONNES and 0 < volume <= MAX_CUBIC_METRES):
        return None
    return f"{tonnes:g}-{volume:g}"


def _weight(parser: _Parser) -> tuple[str, str | None]:
    weight_class = parser.text("weight_class") or "any"
    if weight_class == CUSTOM:
        custom = parser.text("custom_wv")
        wv = normalise_wv(custom)
        if wv is None:
            parser.fail("custom_wv", f"формат «тонны-м³», например 7.5-45 (до {MAX_TONNES} т и {MAX_CUBIC_METRES} м³)")
            return "any", None
        # A custom pair equal to a preset is that class: one cache key for one question.
        for name, preset in WEIGHT_CLASSES.items():
            if preset == wv:
                return name, wv
        return CUSTOM, wv
    if weight_class not in WEIGHT_CLASSES:
        parser.fail("weight_class", "неизвестный класс")
        return "any", None
    return weight_class, WEIGHT_CLASSES[weight_class]


def _start_date(parser: _Parser, today: dt.date) -> dt.date | None:
    text = parser.text("start_date")
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        parser.fail("start_date", "формат ГГГГ-ММ-ДД")
        return None
    if value < today:
        parser.fail("start_date", "дата уже прошла")
        return None
    if value > today + dt.timedelta(days=MAX_DATE_AHEAD_DAYS):
        parser.fail("start_date", f"не дальше {MAX_DATE_AHEAD_DAYS} дней вперёд")
        return None
    return value


def validate_filters(raw: Mapping[str, Any], *, today: dt.date | None = None) -> DriverFilters:
    """Parse what the UI sends. Raises FilterValidationError naming every bad field."""
    parser = _Parser(raw)
    mode = parser.text("mode") or "all"
    if mode not in ("all", "my"):
        parser.fail("mode", "выберите «Свои» или «Все»")
    weight_class, wv = _weight(parser)
    filters = DriverFilters(
        mode="my" if mode == "my" else "all",
        start=parser.point("from"),
        finish=parser.point("to"),
        weight_class=weight_class,
        wv=wv,
        truck_types=parser.id_list("truck_types"),
        load_types=parser.id_list("load_types"),
        start_date=_start_date(parser, today or dt.date.today()),
        price=parser.range("price", scale=100, high=10_000_000),
        distance=parser.range("distance", scale=1, high=20_000),
        price_per_km=parser.range("price_per_km", scale=100, high=10_000),
    )
    if parser.errors:
        raise FilterValidationError(parser.errors)
    return filters


def _point_params(prefix: str, point: PointFilter | None) -> dict[str, str]:
    if point is None:
        return {}
    # Never send an id without its type (docs/cargotech-api.md).
    return {
        f"filter[{prefix}_point_id]": str(point.id),
        f"filter[{prefix}_point_type]": str(point.type),
        f"filter[{prefix}_point_radius]": str(point.radius_km),
    }


def build_query(filters: DriverFilters | None = None, *, offset: int = 0, limit: int = PAGE_SIZE) -> dict[str, str]:
    """Exactly the `/v2/cargos/views` parameters of docs/cargotech-api.md, nothing else."""
    filters = filters or DriverFilters()
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be 1..{MAX_PAGE_SIZE}")
    if offset < 0:
        raise ValueError("offset must be ≥ 0")
    query = {
        "include": "contacts",
        "limit": str(limit),
        "offset": str(offset),
        "filter[mode]": filters.mode,
        "filter[user_id]": "0",
        **_point_params("start", filters.start),
        **_point_params("finish", filters.finish),
    }
    optional = {
        "filter[start_date]": filters.start_date.isoformat() if filters.start_date else None,
        "filter[wv]": filters.wv,
        "filter[load_types]": ",".join(map(str, filters.load_types)) or None,
        "filter[truck_types]": ",".join(map(str, filters.truck_types)) or None,
        "filter[distance]": filters.distance.as_param(),
        "filter[price]": filters.price.as_param(),
        "filter[price_per_km]": filters.price_per_km.as_param(),
    }
    query.update({name: value for name, value in optional.items() if value is not None})
    return query


def query_key(query: Mapping[str, str]) -> str:
    """A stable cache key for a normalised upstream query (order-independent)."""
    canonical = "&".join(f"{name}={query[name]}" for name in sorted(query))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def base_query(*, offset: int = 0, limit: int = PAGE_SIZE, mode: Mode = "all") -> dict[str, str]:
    """The unfiltered feed: what every list call carries and nothing more."""
    return build_query(DriverFilters(mode=mode), offset=offset, limit=limit)
