"""Display formatting: ₽ with grouped digits, т, м³, dates as sent."""

import pytest

from services import formatting as fmt

NB = "\u00a0"


@pytest.mark.parametrize(
    ("kopecks", "shown"),
    [(4_500_000, f"45{NB}000{NB}₽"), (123_456_789, f"1{NB}234{NB}568{NB}₽"), (99_900, f"999{NB}₽"),
     (None, "цена не указана"), (0, "цена не указана")],
)
def test_rub(kopecks, shown):
    assert fmt.rub(kopecks) == shown


@pytest.mark.parametrize(
    ("kg", "shown"), [(20_000, f"20{NB}т"), (1_500, f"1,5{NB}т"), (850, f"0,85{NB}т"), (None, ""), (0, "")]
)
def test_tonnes(kg, shown):
    assert fmt.tonnes(kg) == shown


def test_volume_distance_and_rate():
    assert fmt.cubic_metres(82) == f"82{NB}м³"
    assert fmt.cubic_metres(12.5) == f"12,5{NB}м³"
    assert fmt.kilometres(1234.4) == f"1{NB}234{NB}км"
    assert fmt.rub_per_km(5_250) == f"52{NB}₽/км"  # 52.5 ₽ rounds half to even
    assert fmt.rub_per_km(850) == f"8,5{NB}₽/км"
    # Whole values keep their zeros (39.87 ₽ once showed as «4 ₽/км»).
    assert fmt.rub_per_km(3_987) == f"40{NB}₽/км"
    assert fmt.rub_per_km(10_000) == f"100{NB}₽/км"
    assert fmt.rub_per_km(None) == ""


def test_dates_show_wall_clock_as_sent():
    # No timezone conversion: "Z" and offsets are displayed as the sender wrote them.
    assert fmt.date_time("2026-11-28T09:30:00Z") == f"28{NB}ноя, 09:30"
    assert fmt.date_time("2026-11-28T23:30:00+03:00") == f"28{NB}ноя, 23:30"
    assert fmt.date_range("2026-11-28T09:00:00", "2026-11-28T18:00:00") == f"28{NB}ноя"
    assert fmt.date_range("2026-11-28", "2026-11-30") == f"28–30{NB}ноя"
    assert fmt.date_range("2026-11-30", "2026-12-02") == f"30{NB}ноя – 2{NB}дек"
    assert fmt.date_range(None, None) == ""
    assert fmt.date_time("garbage") == ""


def test_stored_moments_show_in_moscow_time():
    import datetime as dt

    assert fmt.moment(dt.datetime(2026, 11, 27, 11, 5, tzinfo=dt.UTC)) == f"27{NB}ноя, 14:05"
    assert fmt.moment(dt.datetime(2026, 11, 27, 22, 30)) == f"28{NB}ноя, 01:30"  # naive = UTC
