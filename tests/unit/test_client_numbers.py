"""The one parser for numbers from a client: ASCII digits only, bounded length."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.client_numbers import CARGO_ID_RE, cargo_id, client_digits, client_int, row_id


@pytest.mark.parametrize("text", ["²", "①", "٣", "१२", "５", "1²", "-1", "+1", " 1", "1 ", "1\n", "", "1.0", "0x1"])
def test_anything_but_plain_ascii_digits_is_refused(text):
    assert client_digits(text, max_digits=20) is None and client_int(text, max_digits=20) is None


def test_digits_that_str_isdigit_accepts_are_refused():
    for text in ("²", "①", "٣", "５"):
        assert text.isdigit() and client_digits(text, max_digits=5) is None


def test_length_is_bounded_before_int_is_called():
    assert cargo_id("9" * 20) == "9" * 20
    assert cargo_id("9" * 21) is None and cargo_id("9" * 5000) is None
    assert not CARGO_ID_RE.match("9" * 21) and CARGO_ID_RE.match("2648937001")


def test_ints_bools_and_ranges():
    assert client_int(42, max_digits=2) == 42 and client_int(-1, max_digits=2) is None
    assert client_int(True, max_digits=2) is None and client_int(1.0, max_digits=2) is None
    assert client_int("07", max_digits=2, low=1, high=9) == 7 and client_int("10", max_digits=2, high=9) is None
    assert row_id("0") is None and row_id("1") == 1 and row_id("9" * 19) is None


@settings(derandomize=True, database=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.floats(), st.lists(st.integers())))
def test_any_value_is_a_bounded_number_or_none(value):
    parsed = client_int(value, max_digits=18)
    assert parsed is None or 0 <= parsed < 10**18
