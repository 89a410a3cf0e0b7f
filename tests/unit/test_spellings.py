"""Each value reader accepts the spellings a PHP API produces, notes the converted ones, and
refuses what cannot mean the field."""

from __future__ import annotations

import pytest

from services.cargotech import spellings as sp
from services.cargotech.spellings import ABSENT, Unreadable


class Notes:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def coerced(self, seen: str) -> None:
        self.seen.append(seen)


def read(reader, value):
    notes = Notes()
    return reader(value, notes), notes.seen


@pytest.mark.parametrize(
    ("raw", "value", "noted"),
    [
        (5000, 5000, []),
        (12.5, 12.5, []),
        ("5000", 5000, ["string"]),
        ("5000.00", 5000.0, ["string"]),
        (" 82.5 ", 82.5, ["string"]),
        (None, None, []),
        (ABSENT, None, []),
        ("", None, ["string"]),
    ],
)
def test_numbers(raw, value, noted):
    assert read(sp.number, raw) == (value, noted)


@pytest.mark.parametrize(
    ("raw", "value"), [(7480000, 7480000), ("7480000", 7480000), ("7480000.00", 7480000), (7480000.0, 7480000), (None, None)]
)
def test_whole_numbers_in_any_spelling(raw, value):
    result, _ = read(sp.integer, raw)
    assert result == value and (result is None or type(result) is int)


@pytest.mark.parametrize("raw", [True, "5 000", "abc", "1e999", [], {}, float("nan")])
def test_what_is_not_a_number(raw):
    with pytest.raises(Unreadable):
        read(sp.number, raw)


@pytest.mark.parametrize(
    ("raw", "value", "noted"),
    [
        (2200000001, "2200000001", []),
        ("2200000001", "2200000001", ["string"]),
        (2200000001.0, "2200000001", ["number"]),
    ],
)
def test_ids_int_or_string(raw, value, noted):
    assert read(sp.identifier, raw) == (value, noted)


@pytest.mark.parametrize("raw", [None, ABSENT, "", "12a", "../1", -5, True, {"id": 1}])
def test_ids_that_cannot_be(raw):
    with pytest.raises(Unreadable):
        read(sp.identifier, raw)


@pytest.mark.parametrize(
    ("raw", "value", "noted"),
    [
        (True, True, []),
        (False, False, []),
        (1, True, ["number"]),
        (0, False, ["number"]),
        ("1", True, ["string"]),
        ("0", False, ["string"]),
        ("true", True, ["string"]),
        (None, None, []),
    ],
)
def test_booleans(raw, value, noted):
    assert read(sp.boolean, raw) == (value, noted)


@pytest.mark.parametrize("raw", [2, "yes", [], 0.5])
def test_what_is_not_a_boolean(raw):
    with pytest.raises(Unreadable):
        read(sp.boolean, raw)


def test_enum_likes_int_or_string():
    assert read(sp.label, "broker") == ("broker", [])
    assert read(sp.label, 3) == ("3", ["number"])
    assert read(sp.code, 2) == (2, [])
    assert read(sp.code, "2") == (2, ["string"])


def test_text_takes_a_number_as_its_digits():
    assert read(sp.text, 7701234567) == ("7701234567", ["number"])
    assert read(sp.text, "ООО Ромашка") == ("ООО Ромашка", [])
    with pytest.raises(Unreadable):
        read(sp.text, {"name": "x"})


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2026-11-28T09:00:00+03:00", "2026-11-28T09:00:00+03:00"),
        ("2026-11-28T09:00:00.000000+03:00", "2026-11-28T09:00:00+03:00"),
        ("2026-11-28T06:00:00.000000Z", "2026-11-28T06:00:00Z"),
        ("2026-11-28T06:00:00Z", "2026-11-28T06:00:00Z"),
        ("2026-11-28T06:00:00.123456Z", "2026-11-28T06:00:00.123456Z"),
        ("2026-11-28", "2026-11-28T00:00:00"),
        (None, None),
    ],
)
def test_dates_with_offset_z_or_microseconds_read_alike(raw, value):
    assert read(sp.timestamp, raw)[0] == value


@pytest.mark.parametrize("raw", ["вчера", "28.11.2026", 1795000000])
def test_dates_that_cannot_be_read(raw):
    with pytest.raises(Unreadable):
        read(sp.timestamp, raw)


def test_lists_and_php_arrays_keyed_by_position():
    assert read(sp.listing, [1, 2]) == ([1, 2], [])
    assert read(sp.listing, {"1": "b", "0": "a", "10": "c"}) == (["a", "b", "c"], ["object"])
    assert read(sp.listing, None) == ([], [])
    with pytest.raises(Unreadable):
        read(sp.listing, "a, b")


def test_seen_types_are_json_names():
    assert [sp.seen_type(v) for v in (ABSENT, None, True, 1, 1.5, "x", [], {})] == [
        "absent",
        "null",
        "boolean",
        "number",
        "number",
        "string",
        "array",
        "object",
    ]
