"""Typed models of the parts of CargoTech answers the app uses, and nothing more.

Answers reach these models through services.cargotech.reader, which reads every spelling a PHP
API produces and hands over canonical values; the models also accept the older idealised shape
(pickup_city, extranote, …). Every other field is ignored whatever its type: CargoTech adds and
changes fields without notice, and a field we never show must never cost a driver a page.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.client_numbers import CARGO_ID_RE  # bounded ASCII digits, shared with client input


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CityRef(_Lenient):
    id: int | None = None
    name: str = ""


class RoutePoint(_Lenient):
    first_date: str | None = None
    last_date: str | None = None
    city: CityRef = Field(default_factory=CityRef)
    address: str | None = None


class RoutePoints(_Lenient):
    start: RoutePoint = Field(default_factory=RoutePoint)
    finish: RoutePoint = Field(default_factory=RoutePoint)


class TypeRef(_Lenient):
    id: int
    name: str = ""


class Company(_Lenient):
    inn: str | None = None
    name: str = ""

    @field_validator("inn", mode="before")
    @classmethod
    def _inn_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Contact(_Lenient):
    type: str | None = None
    name: str | None = None
    email: str | None = None
    phones: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _single_phone(cls, data: Any) -> Any:
        # The API sends either {"phones": [...]} or {"phone": "..."}; keep one shape.
        if isinstance(data, dict) and "phone" in data and not data.get("phones"):
            data = {**data, "phones": [data["phone"]] if data["phone"] else []}
        return data


class Extra(_Lenient):
    note: str | None = None
    custom_cargo_type: str | None = None


class CargoItem(_Lenient):
    id: str
    weight: float | None = None  # kilograms
    volume: float | None = None  # cubic metres
    distance: float | None = None  # kilometres
    price: int | None = None  # kopecks
    price_carrier: int | None = None  # kopecks
    price_per_km: int | None = None  # kopecks
    points: RoutePoints = Field(default_factory=RoutePoints)
    load_types: list[TypeRef] = Field(default_factory=list)
    truck_types: list[TypeRef] = Field(default_factory=list)
    company: Company | None = None
    contacts: list[Contact] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_digits(cls, value: Any) -> str:
        text = str(value)
        if not CARGO_ID_RE.match(text):
            raise ValueError("cargo id must be digits")
        return text

    @model_validator(mode="before")
    @classmethod
    def _from_seed_shape(cls, data: Any) -> Any:
        return from_seed_shape(data)

    @property
    def shown_price(self) -> int | None:
        """The price a carrier gets: `price_carrier` when present, else `price` (kopecks)."""
        return self.price_carrier if self.price_carrier is not None else self.price


class CargoTypeRef(_Lenient):
    name: str = ""


class CargoDetail(CargoItem):
    extra: Extra = Field(default_factory=Extra)
    shipper: Company | None = None
    cargo_type: CargoTypeRef | None = None

    @property
    def cargo_type_name(self) -> str:
        return self.extra.custom_cargo_type or (self.cargo_type.name if self.cargo_type else "")


class PageMeta(_Lenient):
    limit: int | None = None
    offset: int = 0
    size: int | None = None


class CargoPage(_Lenient):
    data: list[CargoItem] = Field(default_factory=list)
    meta: PageMeta = Field(default_factory=PageMeta)
    # Items in the answer, usable or not: paging counts what CargoTech sent, not what we kept.
    received: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_seed_shape(cls, data: Any) -> Any:
        # Seed shape: {"data": [...], "total", "limit", "offset"} with no "meta".
        if isinstance(data, dict) and "meta" not in data and "total" in data:
            data = {**data, "meta": {"limit": data.get("limit"), "offset": data.get("offset", 0), "size": data["total"]}}
        return data

    @property
    def total(self) -> int | None:
        return self.meta.size or None

    def next_offset(self) -> int | None:
        """Where the next page starts, or None at the end. Without a total (`meta.size` missing,
        0 or unreadable) a full page means there may be more."""
        count = self.received if self.received is not None else len(self.data)
        reached = self.meta.offset + count
        if self.meta.size:
            return reached if reached < self.meta.size else None
        return reached if self.meta.limit and count == self.meta.limit else None


class DictionaryPoint(_Lenient):
    id: int
    name: str
    type: int = 2


def from_seed_shape(data: Any) -> Any:
    """Map the idealised flat item (pickup_city, extranote, …) onto the real shape; others pass."""
    if not isinstance(data, dict) or "points" in data or "pickup_city" not in data:
        return data
    mapped = dict(data)
    mapped["points"] = {
        "start": {"city": {"name": data.get("pickup_city") or ""}, "address": data.get("pickup_address")},
        "finish": {"city": {"name": data.get("delivery_city") or ""}, "address": data.get("delivery_address")},
    }
    if data.get("extranote") is not None:
        mapped.setdefault("extra", {"note": data["extranote"]})
    if data.get("shipper_contact"):
        mapped.setdefault("contacts", [{"type": "shipper", "name": data.get("shipper_name"), "phone": data["shipper_contact"]}])
    if data.get("shipper_name"):
        mapped.setdefault("shipper", {"name": data["shipper_name"]})
    if isinstance(data.get("cargo_type"), str):
        mapped["cargo_type"] = {"name": data["cargo_type"]}
    return mapped
