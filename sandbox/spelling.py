"""Drifted spellings: the sandbox's own data as a PHP API spells it a few releases later.

With the `drifted` spelling every answer carries the same data as the plain one, re-spelt:
numbers and ids as strings ("5000", "5000.00"), enum-like fields flipping between int and
string, booleans as 0/1/"0"/"1", null and absent swapped, lists as objects keyed "0", "1", …,
the total as a string, new nested objects, dates with microseconds. About one item in
UNUSABLE_ONE_IN has no usable route (its points are empty, null or nameless), as a real feed
now and then has.

Everything is a pure function of (seed, cargo id), or (seed, offset) for a page's meta, so a
drifted run is as repeatable as a plain one.
"""

from __future__ import annotations

import random
from typing import Any, Literal

Spelling = Literal["plain", "drifted"]
SPELLINGS: tuple[Spelling, ...] = ("plain", "drifted")
UNUSABLE_ONE_IN = 40
POINT_NAMES = {1: "loading", 2: "unloading"}


def is_unusable(seed: int, cargo_id: int) -> bool:
    """Whether this cargo is served without a usable route in the drifted spelling."""
    return random.Random(f"unusable:{seed}:{cargo_id}").randrange(UNUSABLE_ONE_IN) == 0


def respell_cargo(payload: dict, seed: int) -> dict:
    """A list item or a detail, re-spelt; the input is not changed."""
    cargo_id = int(payload["id"])
    rng = random.Random(f"drift:{seed}:{cargo_id}")
    out = dict(payload)
    out["id"] = _id(rng, payload["id"])
    for key in ("weight", "volume", "distance", "price", "price_carrier", "price_per_km"):
        if key in payload:
            out[key] = _number(rng, payload[key])
    if "price_carrier" in payload and payload["price_carrier"] is None and rng.random() < 0.5:
        del out["price_carrier"]  # null and absent mean the same
    elif "price_carrier" not in payload and rng.random() < 0.5:
        out["price_carrier"] = None
    out["points"] = {end: _point(rng, point) for end, point in payload["points"].items()}
    for key in ("load_types", "truck_types"):
        out[key] = _keyed(rng, [_type_ref(rng, ref) for ref in payload[key]])
    out["company"] = _company(rng, payload["company"])
    if "contacts" in payload:
        out["contacts"] = _keyed(rng, [_contact(rng, contact) for contact in payload["contacts"]])
    if "extra" in payload:
        out["extra"] = _extra(rng, payload["extra"])
    if "shipper" in payload:
        out["shipper"] = _company(rng, payload["shipper"])
    if isinstance(payload.get("cargo_type"), dict):
        out["cargo_type"] = {
            **payload["cargo_type"],
            "id": _id(rng, payload["cargo_type"]["id"]),
            "group": {"id": str(rng.randint(1, 9)), "tags": {"0": "general"}},
        }
    out["statistics"] = {"views": str(rng.randint(0, 500)), "responses": {"total": rng.randint(0, 9), "by_day": []}}
    if is_unusable(seed, cargo_id):
        out["points"] = _unusable_points(rng, out["points"])
    return out


def respell_meta(meta: dict, seed: int) -> dict:
    rng = random.Random(f"meta:{seed}:{meta.get('offset')}")
    return {
        "limit": str(meta["limit"]) if rng.random() < 0.5 else meta["limit"],
        "offset": str(meta["offset"]),
        "size": str(meta["size"]),  # the total as a string, always: the case that broke paging
        "links": {"next": None, "prev": {"href": None}},
    }


def respell_entry(entry: dict, seed: int) -> dict:
    """A dictionary entry (a point, a truck or load type)."""
    rng = random.Random(f"entry:{seed}:{entry.get('id')}:{entry.get('name')}")
    out = {**entry, "id": _id(rng, entry["id"])}
    if "type" in entry:
        out["type"] = str(entry["type"])
    if "short_name" in entry and rng.random() < 0.3:
        out["short_name"] = None
    return out


# --- the pieces ---------------------------------------------------------------------------------


def _id(rng: random.Random, value: Any) -> Any:
    return str(value) if rng.random() < 0.5 else value


def _number(rng: random.Random, value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    choice = rng.random()
    if choice < 0.3:
        return value
    if choice < 0.6:
        return str(value)
    if choice < 0.85:
        return f"{value:.2f}"
    return float(value)


def _boolean(rng: random.Random, value: Any) -> Any:
    if not isinstance(value, bool):
        return value
    return rng.choice((value, int(value), str(int(value))))


def _keyed(rng: random.Random, items: list) -> Any:
    """A PHP array that lost its sequence: {"0": …, "1": …} now and then."""
    if items and rng.random() < 0.15:
        return {str(i): item for i, item in enumerate(items)}
    return items


def _date(rng: random.Random, value: Any) -> Any:
    # Microseconds on an offset date: the same moment, the same wall clock.
    if isinstance(value, str) and value.endswith("+03:00") and "." not in value and rng.random() < 0.4:
        return value[:-6] + ".000000+03:00"
    return value


def _point(rng: random.Random, point: dict) -> dict:
    out = dict(point)
    if "type" in point:
        out["type"] = POINT_NAMES.get(point["type"], point["type"]) if rng.random() < 0.5 else str(point["type"])
    if "position" in point:
        out["position"] = str(point["position"])
    out["first_date"] = _date(rng, point.get("first_date"))
    out["last_date"] = _date(rng, point.get("last_date"))
    city = point["city"]
    out["city"] = {
        **city,
        "id": _id(rng, city["id"]),
        "region": {"id": str(rng.randint(1, 89)), "country": {"code": "RU", "id": 1}},
    }
    out["geo"] = {"lat": f"{rng.uniform(43, 60):.5f}", "lon": f"{rng.uniform(30, 60):.5f}"}
    return out


def _type_ref(rng: random.Random, ref: dict) -> dict:
    out = {**ref, "id": _id(rng, ref["id"])}
    if rng.random() < 0.3:
        out["short_name"] = None
    return out


def _company(rng: random.Random, company: dict) -> dict:
    out = dict(company)
    if "id" in company:
        out["id"] = _id(rng, company["id"])
    inn = company.get("inn")
    if isinstance(inn, str) and inn.isdigit() and not inn.startswith("0") and rng.random() < 0.5:
        out["inn"] = int(inn)  # an INN as a number: the same digits
    if "type" in company:
        out["type"] = rng.choice((company["type"], 1, "1"))
    out["security_status"] = rng.choice((0, 1, "1", "verified", None))
    out["rating"] = {"value": f"{rng.uniform(3, 5):.1f}", "votes": {"count": rng.randint(0, 99)}}
    return out


def _contact(rng: random.Random, contact: dict) -> dict:
    out = dict(contact)
    if "id" in contact:
        out["id"] = _id(rng, contact["id"])
    phone = contact.get("phone")
    if isinstance(phone, str) and phone.isdigit() and rng.random() < 0.3:
        out["phone"] = int(phone)  # 8XXXXXXXXXX as a number
    out["messengers"] = {"telegram": None, "whatsapp": {"enabled": rng.choice((0, 1, "0", "1"))}}
    return out


def _extra(rng: random.Random, extra: dict) -> dict:
    out = dict(extra)
    for key in ("note_valid", "partial_load", "krugoreis"):
        if key in extra:
            out[key] = _boolean(rng, extra[key])
    for key, value in extra.items():
        if value is None and rng.random() < 0.4:
            del out[key]  # null and absent mean the same
    out["flags"] = {"urgent": rng.choice((0, 1, "0", "1", True, False)), "source": {"id": str(rng.randint(1, 5))}}
    return out


def _unusable_points(rng: random.Random, points: dict) -> Any:
    """Points with no usable route, in one of the ways a feed breaks."""
    variant = rng.randrange(4)
    if variant == 0:
        return []
    if variant == 1:
        return {"start": None, "finish": points["finish"]}
    if variant == 2:
        return {"start": {**points["start"], "city": None}, "finish": points["finish"]}
    return {"start": points["start"], "finish": {**points["finish"], "city": {"id": None, "name": ""}}}
