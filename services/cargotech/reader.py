"""The tolerant reader: raw CargoTech JSON → our models, one item at a time, with a drift report.

Only the fields the app uses are read (see services.cargotech.models); each through the spelling
rules of services.cargotech.spellings. What happens to a value that does not fit:

- an optional field (weight, price, a contact, the note…) is dropped: the card shows it as
  unknown, the report notes it as `dropped` with its path;
- a field an item cannot do without is fatal for that item only: the cargo id, and in lists the
  route (both cities), since a card without a route tells a driver nothing. The item is
  `skipped`; the rest of the page is shown;
- a spelling that had to be converted ("5000" for 5000) is noted as `coerced`.

Paths name list elements with `[]` ("contacts[].phones[]"), so one drift is one signature however
many elements show it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel

from services.cargotech import spellings as sp
from services.cargotech.models import CargoDetail, CargoItem, CargoPage, DictionaryPoint, PageMeta, TypeRef, from_seed_shape
from services.cargotech.spellings import ABSENT, Unreadable

IssueKind = Literal["skipped", "dropped", "coerced"]
MAX_ISSUES = 200  # per answer: enough for any page of 100, bounded for a pathological one


@dataclasses.dataclass(frozen=True)
class Issue:
    kind: IssueKind
    path: str  # "points.start.city.name"; "" for the answer itself
    seen: str  # the JSON type met: "string", "null", "absent", "array"…
    cargo_id: str  # "" when the item had no readable id

    @property
    def signature(self) -> str:
        return f"{self.kind}:{self.path}:{self.seen}"


@dataclasses.dataclass
class ParseReport:
    """What reading one answer met. `received` counts the items sent, `usable` those kept."""

    endpoint: str
    received: int = 0
    usable: int = 0
    issues: list[Issue] = dataclasses.field(default_factory=list)

    def add(self, kind: IssueKind, path: str, seen: str, cargo_id: str) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(Issue(kind, path, seen, cargo_id))

    def count(self, kind: IssueKind) -> int:
        return sum(issue.kind == kind for issue in self.issues)

    @property
    def nothing_usable(self) -> bool:
        """CargoTech sent something, and none of it could be used."""
        return self.received > 0 and self.usable == 0

    @property
    def clean(self) -> bool:
        return not self.issues


class _Unusable(Exception):
    def __init__(self, path: str, seen: str) -> None:
        super().__init__(path)
        self.path, self.seen = path, seen


class _FieldNotes:
    """Coercion notes for one field, filed under its path."""

    def __init__(self, reader: _Reader, path: str) -> None:
        self._reader, self._path = reader, path

    def coerced(self, seen: str) -> None:
        self._reader.issue("coerced", self._path, seen)


class _Reader:
    """Reads one item (or dictionary entry), filing issues under its id."""

    def __init__(self, report: ParseReport) -> None:
        self.report = report
        self.cargo_id = ""

    def issue(self, kind: IssueKind, path: str, seen: str) -> None:
        self.report.add(kind, path, seen, self.cargo_id)

    def value(
        self, raw: Any, path: str, read: Callable[[Any, sp.Notes], Any], *, required: bool = False, default: Any = None
    ) -> Any:
        try:
            value = read(raw, _FieldNotes(self, path))
        except Unreadable as exc:
            if required:
                raise _Unusable(path, exc.seen) from None
            self.issue("dropped", path, exc.seen)
            return default
        return default if value is None else value

    def field(self, obj: dict, key: str, path: str, read: Callable[[Any, sp.Notes], Any], **kwargs: Any) -> Any:
        return self.value(obj.get(key, ABSENT), f"{path}.{key}" if path else key, read, **kwargs)

    def obj(self, raw: Any, path: str) -> dict:
        """An object part; null or absent is an empty one, anything else is dropped."""
        if isinstance(raw, dict):
            return raw
        if raw is not None and raw is not ABSENT:
            self.issue("dropped", path, sp.seen_type(raw))
        return {}

    def elements(self, raw: Any, path: str) -> list[Any]:
        return self.value(raw, path, sp.listing, default=[])

    # --- the parts of a cargo -----------------------------------------------------------------

    def city(self, raw: Any, path: str) -> dict:
        obj = self.obj(raw, path)
        return {"id": self.field(obj, "id", path, sp.integer), "name": self.field(obj, "name", path, sp.text, default="")}

    def point(self, raw: Any, path: str) -> dict:
        obj = self.obj(raw, path)
        return {
            "first_date": self.field(obj, "first_date", path, sp.timestamp),
            "last_date": self.field(obj, "last_date", path, sp.timestamp),
            "address": self.field(obj, "address", path, sp.text),
            "city": self.city(obj.get("city", ABSENT), f"{path}.city"),
        }

    def points(self, raw: Any) -> tuple[Any, Any]:
        """(start, finish) raw points. The documented shape is {"start", "finish"}; a plain list
        of points is read as loading first, unloading last."""
        if isinstance(raw, list):
            self.issue("coerced", "points", "array")
            stops = [p for p in raw if isinstance(p, dict)]
            return (stops[0] if stops else ABSENT), (stops[-1] if len(stops) > 1 else ABSENT)
        obj = self.obj(raw, "points")
        return obj.get("start", ABSENT), obj.get("finish", ABSENT)

    def type_refs(self, raw: Any, path: str) -> list[dict]:
        refs = []
        for element in self.elements(raw, path):
            obj = self.obj(element, f"{path}[]")
            ref_id = self.field(obj, "id", f"{path}[]", sp.integer)
            if ref_id is None:
                if obj:
                    self.issue("dropped", f"{path}[].id", sp.seen_type(obj.get("id", ABSENT)))
                continue
            refs.append({"id": ref_id, "name": self.field(obj, "name", f"{path}[]", sp.text, default="")})
        return refs

    def company(self, raw: Any, path: str) -> dict | None:
        if raw is None or raw is ABSENT:
            return None
        obj = self.obj(raw, path)
        if not obj:
            return None
        return {"inn": self.field(obj, "inn", path, sp.text), "name": self.field(obj, "name", path, sp.text, default="")}

    def contacts(self, raw: Any) -> list[dict]:
        found = []
        for element in self.elements(raw, "contacts"):
            obj = self.obj(element, "contacts[]")
            if not obj:
                continue
            phones = [
                self.value(p, "contacts[].phones[]", sp.text)
                for p in self.elements(obj.get("phones", ABSENT), "contacts[].phones")
            ]
            single = self.field(obj, "phone", "contacts[]", sp.text)
            phones = [p for p in phones if p] or ([single] if single else [])
            found.append(
                {
                    "type": self.field(obj, "type", "contacts[]", sp.label),
                    "name": self.field(obj, "name", "contacts[]", sp.text),
                    "email": self.field(obj, "email", "contacts[]", sp.text),
                    "phones": phones,
                }
            )
        return found

    def cargo(self, raw: Any, *, route_required: bool, known_id: str | None = None) -> dict:
        if not isinstance(raw, dict):
            raise _Unusable("", sp.seen_type(raw))
        raw = from_seed_shape(raw)
        if known_id is None:
            self.cargo_id = _raw_id(raw)  # so that the id's own notes name the cargo
            self.cargo_id = self.field(raw, "id", "", sp.identifier, required=True)
        else:
            # A detail we asked for by id: its id is not in doubt, whatever the answer spells.
            self.cargo_id = known_id
            if raw.get("id") is not None:
                self.field(raw, "id", "", sp.identifier)
        start, finish = self.points(raw.get("points", ABSENT))
        item = {
            "id": self.cargo_id,
            "weight": self.field(raw, "weight", "", sp.number),
            "volume": self.field(raw, "volume", "", sp.number),
            "distance": self.field(raw, "distance", "", sp.number),
            "price": self.field(raw, "price", "", sp.integer),
            "price_carrier": self.field(raw, "price_carrier", "", sp.integer),
            "price_per_km": self.field(raw, "price_per_km", "", sp.integer),
            "points": {"start": self.point(start, "points.start"), "finish": self.point(finish, "points.finish")},
            "load_types": self.type_refs(raw.get("load_types", ABSENT), "load_types"),
            "truck_types": self.type_refs(raw.get("truck_types", ABSENT), "truck_types"),
            "company": self.company(raw.get("company", ABSENT), "company"),
            "contacts": self.contacts(raw.get("contacts", ABSENT)),
        }
        if route_required:
            for end, raw_point in (("start", start), ("finish", finish)):
                if not item["points"][end]["city"]["name"]:
                    raise _Unusable(*_route_gap(raw_point, f"points.{end}"))
        return item

    def detail_parts(self, raw: dict) -> dict:
        extra = self.obj(raw.get("extra", ABSENT), "extra")
        cargo_type = self.obj(raw.get("cargo_type", ABSENT), "cargo_type")
        return {
            "extra": {
                "note": self.field(extra, "note", "extra", sp.text),
                "custom_cargo_type": self.field(extra, "custom_cargo_type", "extra", sp.text),
            },
            "shipper": self.company(raw.get("shipper", ABSENT), "shipper"),
            "cargo_type": {"name": self.field(cargo_type, "name", "cargo_type", sp.text, default="")} if cargo_type else None,
        }


def _route_gap(raw_point: Any, path: str) -> tuple[str, str]:
    """Where a route end breaks: (path, type seen) of the first missing or unusable step."""
    if not isinstance(raw_point, dict):
        return path, sp.seen_type(raw_point)
    city = raw_point.get("city", ABSENT)
    if not isinstance(city, dict):
        return f"{path}.city", sp.seen_type(city)
    return f"{path}.city.name", sp.seen_type(city.get("name", ABSENT))


def _raw_id(raw: Any) -> str:
    """The item's id as sent, for the report of an item we could not read."""
    value = raw.get("id") if isinstance(raw, dict) else None
    return str(value)[:32] if isinstance(value, (int, str)) and not isinstance(value, bool) else ""


# --- answers ------------------------------------------------------------------------------------


def _data_list(body: dict, reader: _Reader, report: ParseReport) -> list | None:
    """The answer's `data` as a list of raw items, or None (reported) when it is not one."""
    try:
        return sp.listing(body.get("data", ABSENT), _FieldNotes(reader, "data"))
    except Unreadable as exc:
        report.add("skipped", "data", exc.seen, "")
        return None


def read_page(
    body: dict, *, endpoint: str = "list", offset: int = 0, limit: int | None = None
) -> tuple[CargoPage | None, ParseReport]:
    """A list answer → (the page of usable items, the report). The page is None when the answer
    has no readable `data` list, or items none of which is usable. `offset` and `limit` are the
    request's, used when `meta` does not say."""
    report = ParseReport(endpoint)
    meta_reader = _Reader(report)
    body = _seed_meta(body)
    raw_items = _data_list(body, meta_reader, report)
    if raw_items is None:
        return None, report
    if "data" not in body:
        report.add("skipped", "data", "absent", "")
        return None, report
    meta = meta_reader.obj(body.get("meta", ABSENT), "meta")
    page_meta = PageMeta(
        limit=meta_reader.field(meta, "limit", "meta", sp.integer, default=limit),
        offset=meta_reader.field(meta, "offset", "meta", sp.integer, default=offset),
        size=meta_reader.field(meta, "size", "meta", sp.integer),
    )
    items = []
    report.received = len(raw_items)
    for raw in raw_items:
        item = _read_one(report, raw, CargoItem, lambda reader, r: reader.cargo(r, route_required=True))
        if item is not None:
            items.append(item)
    report.usable = len(items)
    if report.nothing_usable:
        return None, report
    return CargoPage(data=items, meta=page_meta, received=len(raw_items)), report


def read_detail(body: dict, cargo_id: str) -> tuple[CargoDetail | None, ParseReport]:
    """A detail answer → (the detail, the report). Only an answer that is not an object at all is
    unusable: every optional part that cannot be read is left out, the rest is shown."""
    report = ParseReport("detail", received=1)
    raw = body.get("data", body)

    def read(reader: _Reader, r: Any) -> dict:
        item = reader.cargo(r, route_required=False, known_id=cargo_id)
        item.update(reader.detail_parts(from_seed_shape(r)))
        return item

    detail = _read_one(report, raw, CargoDetail, read)
    report.usable = int(detail is not None)
    return detail, report


def read_dictionary(body: dict, endpoint: str, model: type[TypeRef] | type[DictionaryPoint]) -> tuple[list | None, ParseReport]:
    """A dictionary answer (points, truck or load types) → (entries with an id and a name, report)."""
    report = ParseReport(endpoint)
    reader = _Reader(report)
    raw_items = _data_list(body, reader, report)
    if raw_items is None:
        return None, report
    report.received = len(raw_items)

    def read(entry: _Reader, raw: Any) -> dict:
        if not isinstance(raw, dict):
            raise _Unusable("", sp.seen_type(raw))
        entry.cargo_id = ""
        values = {
            "id": entry.field(raw, "id", "", sp.integer, required=True),
            "name": entry.field(raw, "name", "", sp.text, required=True),
        }
        if values["id"] is None or not values["name"]:
            raise _Unusable("id" if values["id"] is None else "name", "null")
        if model is DictionaryPoint:
            values["type"] = entry.field(raw, "type", "", sp.code, default=2)
        return values

    entries = [e for e in (_read_one(report, raw, model, read) for raw in raw_items) if e is not None]
    report.usable = len(entries)
    return (None if report.nothing_usable else entries), report


def _read_one(report: ParseReport, raw: Any, model: type[BaseModel], read: Callable[[_Reader, Any], dict]) -> Any:
    """One item: its model, or None (skipped and reported) when it cannot be used."""
    reader = _Reader(report)
    try:
        return model.model_validate(read(reader, raw))
    except _Unusable as exc:
        report.add("skipped", exc.path, exc.seen, reader.cargo_id or _raw_id(raw))
    except ValueError as exc:  # the canonical values failed a model rule: still one item, not the page
        report.add("skipped", _first_loc(exc), "invalid", reader.cargo_id or _raw_id(raw))
    return None


def _first_loc(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        locs = [e.get("loc", ()) for e in errors()]
        if locs and locs[0]:
            return ".".join("[]" if isinstance(part, int) else str(part) for part in locs[0]).replace(".[]", "[]")
    return ""


def _seed_meta(body: dict) -> dict:
    # The idealised shape: {"data": [...], "total", "limit", "offset"} with no "meta".
    if "meta" not in body and "total" in body:
        return {**body, "meta": {"limit": body.get("limit"), "offset": body.get("offset", 0), "size": body["total"]}}
    return body
