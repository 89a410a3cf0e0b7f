"""The one parser for numbers that come from a client: an event payload, a bot button, a
deep link, a saved document the browser sent back.

Only ASCII digits, and only a bounded number of them. `str.isdigit()` and the `\\d` of `re` also
accept «²», «①» or Arabic-Indic digits, which `int()` then refuses or reads differently; an
unbounded string of digits is an upstream request (or an `int()` past Python's 4,300-digit
limit) waiting to happen. Every caller states how many digits its number may have.
"""

from __future__ import annotations

import re

# A cargo id in a URL path, a deep link or a bot argument. CargoTech's ids are far shorter.
CARGO_ID_MAX_DIGITS = 20
# A database row id (saved search, outbox message, response): 64-bit signed fits 18 digits.
ROW_ID_MAX_DIGITS = 18
# A CargoTech dictionary id (truck type, load type, point type).
DICTIONARY_ID_MAX_DIGITS = 9

CARGO_ID_RE = re.compile(rf"^[0-9]{{1,{CARGO_ID_MAX_DIGITS}}}\Z")
_DIGITS = {n: re.compile(rf"[0-9]{{1,{n}}}") for n in (2, DICTIONARY_ID_MAX_DIGITS, ROW_ID_MAX_DIGITS, CARGO_ID_MAX_DIGITS)}


_ANY_ASCII_NUMBER = re.compile(r"[0-9]+")


def is_ascii_number(text: str) -> bool:
    """Only ASCII digits, at least one (any length: for telling «not a number» from «too big»)."""
    return bool(_ANY_ASCII_NUMBER.fullmatch(text))


def client_digits(value: object, *, max_digits: int) -> str | None:
    """`value` as a string of 1..max_digits ASCII digits, or None. Ints are accepted as their
    decimal form (a JSON payload may carry either); bools, floats and everything else are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value) if value >= 0 else ""
    if not isinstance(value, str):
        return None
    pattern = _DIGITS.get(max_digits) or re.compile(rf"[0-9]{{1,{max_digits}}}")
    return value if pattern.fullmatch(value) else None


def client_int(value: object, *, max_digits: int, low: int = 0, high: int | None = None) -> int | None:
    """`value` as an int within [low, high], or None when it is not a bounded ASCII number."""
    digits = client_digits(value, max_digits=max_digits)
    if digits is None:
        return None
    number = int(digits)
    if number < low or (high is not None and number > high):
        return None
    return number


def cargo_id(value: object) -> str | None:
    """A cargo id as CargoTech may be asked for it, or None."""
    return client_digits(value, max_digits=CARGO_ID_MAX_DIGITS)


def row_id(value: object) -> int | None:
    """A positive database row id, or None."""
    return client_int(value, max_digits=ROW_ID_MAX_DIGITS, low=1)
