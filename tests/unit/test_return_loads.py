"""«Загрузки обратно»: which loads fit, in which order, and what the saved search is called."""

from __future__ import annotations

import datetime as dt

import pytest

from services.cargotech.models import CargoItem
from services.market.return_loads import ReturnQuery, from_city, return_query_for, select_return_loads


def cargo(
    cargo_id: str,
    per_km_rub: float | None,
    *,
    loading: str | None = "2026-12-05T09:00:00+03:00",
    weight: float = 19_000,
    volume: float = 80,
    finish: dict | None = None,
) -> CargoItem:
    return CargoItem.model_validate(
        {
            "id": cargo_id,
            "weight": weight,
            "volume": volume,
            "distance": 500,
            "price": None if per_km_rub is None else round(per_km_rub * 100 * 500),
            "points": {
                "start": {"city": {"id": 11, "name": "Казань"}, "first_date": loading},
                "finish": finish or {"city": {"id": 12, "name": "Москва"}},
            },
        }
    )


KAZAN = ReturnQuery(city_id=11, city_name="Казань", day=dt.date(2026, 12, 5), truck_class="15_20")


def test_the_window_is_the_unloading_day_and_two_days_after():
    items = [
        cargo("1", 50, loading="2026-12-04T23:00:00+03:00"),
        cargo("2", 50, loading="2026-12-05T00:10:00+03:00"),
        cargo("3", 50, loading="2026-12-07T23:59:00+03:00"),
        cargo("4", 50, loading="2026-12-08T00:00:00+03:00"),
    ]
    assert [i.id for i in select_return_loads(items, KAZAN)] == ["2", "3"]


def test_dates_in_utc_are_read_on_moscow_time():
    # 4 Dec 22:00 UTC is 5 Dec 01:00 in Moscow: inside the window; 7 Dec 21:30 UTC is 8 Dec: outside.
    items = [cargo("1", 50, loading="2026-12-04T22:00:00Z"), cargo("2", 50, loading="2026-12-07T21:30:00Z")]
    assert [i.id for i in select_return_loads(items, KAZAN)] == ["1"]


def test_a_window_across_a_month_end():
    query = ReturnQuery(11, "Казань", dt.date(2026, 11, 30), "15_20")
    items = [
        cargo("1", 50, loading="2026-12-02T10:00:00+03:00"),
        cargo("2", 50, loading="2026-12-03T10:00:00+03:00"),
        cargo("3", 50, loading="2026-11-29T10:00:00+03:00"),
    ]
    assert [i.id for i in select_return_loads(items, query)] == ["1"]
    assert query.days(today=dt.date(2026, 12, 1)) == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    assert query.days(today=dt.date(2026, 12, 3)) == []


def test_best_rate_first_ties_by_earlier_loading_then_id_and_the_limit():
    items = [
        cargo("5", 40),
        cargo("7", 60, loading="2026-12-06T09:00:00+03:00"),
        cargo("6", 60),
        cargo("8", 60),
        cargo("9", 70),
        cargo("10", None),
    ]
    assert [i.id for i in select_return_loads(items, KAZAN, limit=4)] == ["9", "6", "8", "7"]
    assert [i.id for i in select_return_loads(items, KAZAN, limit=10)][-1] == "10"  # no rate: last


def test_other_truck_classes_the_cargo_itself_and_repeats_are_left_out():
    items = [cargo("1", 90, weight=1000, volume=5), cargo("2", 50), cargo("2", 50), cargo("3", 80)]
    assert [i.id for i in select_return_loads(items, KAZAN, exclude=["3"])] == ["2"]


def test_any_class_admits_every_truck():
    query = ReturnQuery(11, "Казань", dt.date(2026, 12, 5), "any")
    assert [i.id for i in select_return_loads([cargo("1", 90, weight=1000, volume=5)], query)] == ["1"]


def test_a_cargo_without_a_loading_date_never_fits():
    assert select_return_loads([cargo("1", 90, loading=None)], KAZAN) == []


def test_the_query_comes_from_the_unloading_city_and_moscow_day():
    taken = cargo("1", 50, finish={"city": {"id": 12, "name": "Казань"}, "first_date": "2026-12-04T21:30:00Z"})
    query = return_query_for(taken)
    assert query == ReturnQuery(12, "Казань", dt.date(2026, 12, 5), "15_20")
    assert query.raw_filters(dt.date(2026, 12, 6)) == {
        "mode": "all",
        "weight_class": "15_20",
        "from_id": "12",
        "from_type": "2",
        "from_radius": "50",
        "from_name": "Казань",
        "start_date": "2026-12-06",
    }
    assert return_query_for(cargo("2", 50, finish={"city": {"name": "Казань"}})) is None


def test_the_saved_search_is_named_the_way_a_driver_says_it():
    assert KAZAN.search_name() == "грузы из Казани после 5 дек"


@pytest.mark.parametrize(
    ("city", "after_from"),
    [
        ("Казань", "Казани"),
        ("Москва", "Москвы"),
        ("Самара", "Самары"),
        ("Омск", "Омска"),
        ("Сочи", "Сочи"),
        ("Липецк", "Липецка"),
        ("Уфа", "Уфы"),
        ("Вологда", "Вологды"),
        ("Пермь", "Перми"),
        ("Нижний Новгород", "г.\u00a0Нижний Новгород"),
        ("Ростов-на-Дону", "Ростова-на-Дону"),
        ("Санкт-Петербург", "Санкт-Петербурга"),
        ("Улан-Удэ", "Улан-Удэ"),
        ("", "—"),
        ("Петропавловск-Камчатский", "г.\u00a0Петропавловск-Камчатский"),
    ],
)
def test_city_after_from(city, after_from):
    assert from_city(city) == after_from
