"""Display formatting: ₽ with grouped digits, т and кг, м³, dates on the clock a driver reads."""

import pytest

from services import formatting as fmt

NB = "\u00a0"


@pytest.mark.parametrize(
    ("kopecks", "shown"),
    [
        (4_500_000, f"45{NB}000{NB}₽"),
        (123_456_789, f"1{NB}234{NB}568{NB}₽"),
        (99_900, f"999{NB}₽"),
        (None, "цена не указана"),
        (-100, "цена не указана"),
        (0, "запрос ставки"),
    ],  # the shipper asks carriers for their price
)
def test_rub(kopecks, shown):
    assert fmt.rub(kopecks) == shown


@pytest.mark.parametrize(
    ("kg", "shown"),
    [
        (20_000, f"20{NB}т"),
        (1_500, f"1,5{NB}т"),
        (1_000, f"1{NB}т"),
        (1_234, f"1,23{NB}т"),
        # Under a tonne in kilograms: never «0 т».
        (850, f"850{NB}кг"),
        (500, f"500{NB}кг"),
        (12.5, f"12,5{NB}кг"),
        (0.5, f"0,5{NB}кг"),
        (0.05, f"0,05{NB}кг"),
        (None, ""),
        (0, ""),
    ],
)
def test_tonnes(kg, shown):
    assert fmt.tonnes(kg) == shown


def test_volume_distance_and_rate():
    assert fmt.cubic_metres(82) == f"82{NB}м³"
    assert fmt.cubic_metres(12.5) == f"12,5{NB}м³"
    assert fmt.cubic_metres(0.5) == f"0,5{NB}м³" and fmt.cubic_metres(0.01) == f"0,01{NB}м³"  # never «0 м³»
    assert fmt.kilometres(1234.4) == f"1{NB}234{NB}км"
    assert fmt.rub_per_km(5_250) == f"52{NB}₽/км"  # 52.5 ₽ rounds half to even
    assert fmt.rub_per_km(850) == f"8,5{NB}₽/км"
    # Whole values keep their zeros (39.87 ₽ once showed as «4 ₽/км»).
    assert fmt.rub_per_km(3_987) == f"40{NB}₽/км"
    assert fmt.rub_per_km(10_000) == f"100{NB}₽/км"
    assert fmt.rub_per_km(None) == ""


def test_an_offset_is_shown_as_that_places_wall_clock():
    assert fmt.date_time("2026-11-28T23:30:00+03:00") == f"28{NB}ноя, 23:30"
    assert fmt.date_time("2026-11-28T09:30:00+05:00") == f"28{NB}ноя, 09:30"  # Екатеринбург's own clock


@pytest.mark.parametrize(
    "utc", ["2026-12-03T04:30:00Z", "2026-12-03T04:30:00.000000Z", "2026-12-03T04:30:00+00:00", "2026-12-03T04:30:00.123Z"]
)
def test_utc_is_converted_to_moscow_time(utc):
    assert fmt.date_time(utc) == f"3{NB}дек, 07:30"


def test_utc_evening_is_the_next_day_in_moscow():
    assert fmt.date_time("2026-12-02T22:30:00Z") == f"3{NB}дек, 01:30"
    assert fmt.day_month("2026-12-02T22:30:00Z") == f"3{NB}дек"
    assert fmt.date_range("2026-12-02T22:30:00Z", "2026-12-03T18:00:00+03:00") == f"3{NB}дек"


def test_no_offset_is_moscow_wall_clock_as_sent():
    assert fmt.date_time("2026-11-28T09:30:00") == f"28{NB}ноя, 09:30"
    assert fmt.date_time("2026-11-28 09:30") == f"28{NB}ноя, 09:30"
    assert fmt.date_time("2026-11-28") == f"28{NB}ноя"


def test_date_ranges():
    assert fmt.date_range("2026-11-28T09:00:00", "2026-11-28T18:00:00") == f"28{NB}ноя"
    assert fmt.date_range("2026-11-28", "2026-11-30") == f"28–30{NB}ноя"
    assert fmt.date_range("2026-11-30", "2026-12-02") == f"30{NB}ноя – 2{NB}дек"
    assert fmt.date_range("2026-12-30", "2027-01-02") == f"30{NB}дек – 2{NB}янв"
    assert fmt.date_range(None, "2026-11-30") == f"30{NB}ноя"
    assert fmt.date_range(None, None) == ""
    assert fmt.date_time("garbage") == ""
    assert fmt.date_time("2026-13-45T10:00") == ""


def test_a_time_range_with_equal_ends_is_shown_once():
    once = f"3{NB}дек, 07:30"
    assert fmt.date_time_range("2026-12-03T07:30:00+03:00", "2026-12-03T07:30:00+03:00") == once
    # The same moment spelled twice: in UTC and in Moscow time.
    assert fmt.date_time_range("2026-12-03T04:30:00Z", "2026-12-03T07:30:00+03:00") == once
    assert fmt.date_time_range("2026-12-03T07:30:00+03:00", None) == once
    assert fmt.date_time_range(None, "2026-12-03T07:30:00+03:00") == once
    assert fmt.date_time_range(None, "") == ""


def test_time_ranges_within_a_day_and_across_days():
    assert fmt.date_time_range("2026-12-03T07:30:00+03:00", "2026-12-03T15:00:00Z") == f"3{NB}дек, 07:30 – 18:00"
    assert fmt.date_time_range("2026-12-03T07:30:00+03:00", "2026-12-04T12:00:00+03:00") == (f"3{NB}дек, 07:30 – 4{NB}дек, 12:00")
    assert fmt.date_time_range("2026-12-03", "2026-12-04") == f"3{NB}дек – 4{NB}дек"


def test_stored_moments_show_in_moscow_time():
    import datetime as dt

    assert fmt.moment(dt.datetime(2026, 11, 27, 11, 5, tzinfo=dt.UTC)) == f"27{NB}ноя, 14:05"
    assert fmt.moment(dt.datetime(2026, 11, 27, 22, 30)) == f"28{NB}ноя, 01:30"  # naive = UTC
