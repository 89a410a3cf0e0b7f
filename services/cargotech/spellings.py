"""How a PHP API may spell the values we use, and what each spelling becomes.

CargoTech is a Laravel application: between releases numbers turn into numeric strings, ids flip
between int and string, booleans become 0/1, lists keyed "0", "1", … become JSON objects and
nulls come and go. Each reader below takes one raw JSON value and returns the canonical value, or
raises `Unreadable` when the value cannot mean what the field needs. A spelling that had to be
converted is reported through `notes.coerced(...)`, so drift is counted even when nothing is lost.

Pure functions over JSON values; no pydantic, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Protocol

ABSENT: Any = object()  # the key was not in the object at all
_NUMBER_RE = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*\Z")
_DIGITS_RE = re.compile(r"^[0-9]+\Z")
_TRUE, _FALSE = ("1", "true"), ("0", "false", "")


class Unreadable(ValueError):
    """The value cannot stand for the field: carries what was seen, for the drift report."""

    def __init__(self, seen: str) -> None:
        super().__init__(seen)
        self.seen = seen


class Notes(Protocol):
    def coerced(self, seen: str) -> None: ...


def seen_type(value: Any) -> str:
    """The JSON type of a raw value, as admins read it: «string», «number», «null», «absent»…"""
    if value is ABSENT:
        return "absent"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string" if value else "empty string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def number(value: Any, notes: Notes) -> float | int | None:
    """A JSON number or a numeric string ("5000", "5000.00"); None for null or absent."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, bool):
        raise Unreadable("boolean")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise Unreadable("number")
        return value
    if isinstance(value, str):
        if value.strip() == "":
            notes.coerced("string")
            return None
        if not _NUMBER_RE.match(value):
            raise Unreadable("string")
        notes.coerced("string")
        parsed = float(value)
        if not math.isfinite(parsed):
            raise Unreadable("string")
        return int(parsed) if parsed.is_integer() and "." not in value and "e" not in value.lower() else parsed
    raise Unreadable(seen_type(value))


def integer(value: Any, notes: Notes) -> int | None:
    """A whole number (kopecks, dictionary ids) in any number spelling: 5000, 5000.0, "5000.00"."""
    parsed = number(value, notes)
    if parsed is None or isinstance(parsed, int):
        return parsed
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 5000.0 is the same number, not a different spelling worth a note
    if not isinstance(value, str):
        notes.coerced("number")
    return round(parsed)


def identifier(value: Any, notes: Notes) -> str:
    """A cargo id: digits only, sent as an int or a string; kept as text (it exceeds 2^31)."""
    if isinstance(value, bool) or value is None or value is ABSENT:
        raise Unreadable(seen_type(value))
    if isinstance(value, int):
        if value < 0:
            raise Unreadable("number")
        return str(value)
    if isinstance(value, float) and value.is_integer() and value >= 0:
        notes.coerced("number")
        return str(int(value))
    if isinstance(value, str) and _DIGITS_RE.match(value.strip()):
        notes.coerced("string")
        return value.strip()
    raise Unreadable(seen_type(value))


def text(value: Any, notes: Notes) -> str | None:
    """A string; a number is taken as its digits (an INN sent as a number); None for null or absent."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise Unreadable("boolean")
    if isinstance(value, int):
        notes.coerced("number")
        return str(value)
    if isinstance(value, float) and value.is_integer():
        notes.coerced("number")
        return str(int(value))
    raise Unreadable(seen_type(value))


def label(value: Any, notes: Notes) -> str | None:
    """An enum-like value we compare as text ("broker"): a string, or an int spelled as text."""
    return text(value, notes)


def code(value: Any, notes: Notes) -> int | None:
    """An enum-like value we send back as a number (a dictionary point's `type`): 2 or "2"."""
    return integer(value, notes)


def boolean(value: Any, notes: Notes) -> bool | None:
    """true/false, 0/1, "0"/"1", "true"/"false"; None for null or absent."""
    if value is None or value is ABSENT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        notes.coerced("number")
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        notes.coerced("string")
        return value.strip().lower() in _TRUE
    raise Unreadable(seen_type(value))


def timestamp(value: Any, notes: Notes) -> str | None:
    """An ISO-8601 moment with an offset, with `Z`, with or without microseconds, in one canonical
    spelling: `isoformat()` of what was sent, so its offset (and wall clock) is kept, `Z` stays
    `Z` and zero microseconds vanish. Anything `datetime.fromisoformat` cannot read is
    unreadable (it would show a wrong date)."""
    if value is None or value is ABSENT:
        return None
    if not isinstance(value, str):
        raise Unreadable(seen_type(value))
    stripped = value.strip()
    if stripped == "":
        notes.coerced("string")
        return None
    try:
        canonical = dt.datetime.fromisoformat(stripped).isoformat()
    except ValueError:
        raise Unreadable("string") from None
    if stripped[-1] in "Zz" and canonical.endswith("+00:00"):
        canonical = canonical[:-6] + "Z"  # UTC stays marked as UTC the way it was sent
    return canonical


def listing(value: Any, notes: Notes) -> list[Any]:
    """A JSON array; a PHP array that lost its order keys comes as an object {"0": …, "1": …}."""
    if value is None or value is ABSENT:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        notes.coerced("object")
        return [value[key] for key in sorted(value, key=_key_order)]
    raise Unreadable(seen_type(value))


def _key_order(key: str) -> tuple[int, int, str]:
    """ "0", "1", … "10" in numeric order, any other keys after them."""
    return (0, int(key), "") if key.isdigit() else (1, 0, key)
