"""The feed's filter form as the driver left it, and the saved document it comes back from.

The form is what the filter sheet shows (text fields as typed, the chosen truck and load type
ids); `raw_filters` is the shape `services.feed.filters.validate_filters` reads, and the shape the
«filters» document (services.drivers.store) and a saved search keep."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, TypedDict

from services.client_numbers import DICTIONARY_ID_MAX_DIGITS, client_digits
from services.feed.filters import FIELD_LABELS, FilterValidationError, validate_filters

TEXT_FIELDS = frozenset(FIELD_LABELS) - {"truck_types", "load_types"} | {"from_name", "to_name"}
EMPTY_FORM: dict[str, str] = {"mode": "all", "weight_class": "any"}
MAX_TYPES = 100


class FilterFields(TypedDict, total=False):
    """The filter sheet as the browser submits it: besides these, each text field by its name."""

    truck_types: list[str]  # the ticked ids
    load_types: list[str]
    intent: str  # "save": for «Сохранить поиск»; anything else applies the filters


@dataclasses.dataclass(frozen=True)
class FeedForm:
    form: dict[str, str]
    truck_types: list[str]
    load_types: list[str]


def raw_filters(form: Mapping[str, str], truck_types: list[str], load_types: list[str]) -> dict[str, Any]:
    return {**form, "truck_types": list(truck_types), "load_types": list(load_types)}


def _type_ids(saved: object) -> list[str]:
    items = saved if isinstance(saved, list) else []
    found = (client_digits(item, max_digits=DICTIONARY_ID_MAX_DIGITS) for item in items[:MAX_TYPES])
    return [item for item in found if item is not None]


def submitted_form(fields: Mapping[str, Any], *, mode: str) -> FeedForm:
    """The filter sheet as one submit sent it: each text field as typed (trimmed, at most 100
    characters), the ticked type ids, the chosen weight class. What a client sends beyond the
    sheet's fields is dropped; validation is the feed's (`validate_filters`), not this."""
    form = {name: value.strip()[:100] for name, value in fields.items() if name in TEXT_FIELDS and isinstance(value, str)}
    form["mode"] = mode
    form.setdefault("weight_class", "any")
    return FeedForm(form, _type_ids(fields.get("truck_types")), _type_ids(fields.get("load_types")))


def form_of(saved: Mapping[str, Any], *, today: dt.date | None = None) -> FeedForm | None:
    """The form for saved filters, or None when they no longer validate (e.g. a loading date
    that has passed: the feed starts clean rather than fail). Unknown keys are dropped."""
    try:
        validate_filters(saved, today=today)
    except FilterValidationError:
        return None
    form = {k: v for k, v in saved.items() if k in TEXT_FIELDS and isinstance(v, str)}
    form.setdefault("mode", "all")
    form.setdefault("weight_class", "any")
    return FeedForm(form, _type_ids(saved.get("truck_types")), _type_ids(saved.get("load_types")))
