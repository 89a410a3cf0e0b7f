"""Filters → CargoTech query, checked as a table against docs/cargotech-api.md."""

import datetime as dt

import pytest

from services.feed.filters import (
    WEIGHT_CLASS_LABELS,
    WEIGHT_CLASSES,
    FilterValidationError,
    build_query,
    query_key,
    validate_filters,
    weight_chip_label,
)

TODAY = dt.date(2026, 11, 27)
ALWAYS = {"include": "contacts", "limit": "20", "offset": "0", "filter[mode]": "all", "filter[user_id]": "0"}
PRODUCTION_PRESETS = {"1.5-9", "3-16", "5-36", "7.5-45", "10-54", "15-65", "20-83"}


def query(raw, **kw):
    return build_query(validate_filters(raw, today=TODAY), **kw)


@pytest.mark.parametrize(
    ("raw", "extra"),
    [
        ({}, {}),
        ({"mode": "my"}, {"filter[mode]": "my"}),
        (
            {"from_id": "101", "from_type": "2"},
            {"filter[start_point_id]": "101", "filter[start_point_type]": "2", "filter[start_point_radius]": "50"},
        ),
        (
            {"from_id": "7", "from_type": "1", "from_radius": "0"},
            {"filter[start_point_id]": "7", "filter[start_point_type]": "1", "filter[start_point_radius]": "0"},
        ),
        (
            {"to_id": "55", "to_radius": "150"},  # type defaults to 2: never an id without a type
            {"filter[finish_point_id]": "55", "filter[finish_point_type]": "2", "filter[finish_point_radius]": "150"},
        ),
        ({"start_date": "2026-12-01"}, {"filter[start_date]": "2026-12-01"}),
        ({"weight_class": "1.5"}, {"filter[wv]": "1.5-9"}),
        ({"weight_class": "1_3"}, {"filter[wv]": "3-16"}),
        ({"weight_class": "3_5"}, {"filter[wv]": "5-36"}),
        ({"weight_class": "7.5"}, {"filter[wv]": "7.5-45"}),
        ({"weight_class": "5_10"}, {"filter[wv]": "10-54"}),
        ({"weight_class": "10_15"}, {"filter[wv]": "15-65"}),
        ({"weight_class": "15_20"}, {"filter[wv]": "20-83"}),
        ({"weight_class": "20"}, {"filter[wv]": "20-120"}),
        ({"weight_class": "any"}, {}),
        ({"weight_class": "custom", "custom_wv": "7.5-45"}, {"filter[wv]": "7.5-45"}),
        ({"weight_class": "custom", "custom_wv": "1,5-9"}, {"filter[wv]": "1.5-9"}),
        ({"truck_types": [3, 1, 3]}, {"filter[truck_types]": "1,3"}),
        ({"load_types": "2,5"}, {"filter[load_types]": "2,5"}),
        ({"price_min": "50 000", "price_max": "120000"}, {"filter[price]": "5000000,12000000"}),
        ({"price_max": "90000"}, {"filter[price]": ",9000000"}),
        ({"distance_min": "100"}, {"filter[distance]": "100,"}),
        ({"price_per_km_min": "40", "price_per_km_max": "80"}, {"filter[price_per_km]": "4000,8000"}),
    ],
)
def test_filter_table(raw, extra):
    assert query(raw) == {**ALWAYS, **extra}


def test_paging_parameters():
    assert query({}, offset=40, limit=100)["offset"] == "40"
    with pytest.raises(ValueError):
        query({}, limit=101)


def test_every_class_maps_to_a_valid_wv():
    for name, wv in WEIGHT_CLASSES.items():
        assert (wv is None) == (name == "any")
    real = {wv for wv in WEIGHT_CLASSES.values() if wv}
    assert len(real) == 8 and real >= PRODUCTION_PRESETS  # every production preset has its chip


def test_weight_classes_go_from_the_smallest_truck_up():
    sizes = [tuple(map(float, wv.split("-"))) for wv in WEIGHT_CLASSES.values() if wv]
    assert sizes == sorted(sizes)
    assert list(WEIGHT_CLASS_LABELS) == [*WEIGHT_CLASSES, "custom"]


def test_weight_chips_show_tonnes_and_cubic_metres():
    chips = [weight_chip_label(name) for name in WEIGHT_CLASS_LABELS]
    assert chips == [
        "Любой",
        "1,5 т · 9\u00a0м³",
        "1–3 т · 16\u00a0м³",
        "3–5 т · 36\u00a0м³",
        "7,5 т · 45\u00a0м³",
        "5–10 т · 54\u00a0м³",
        "10–15 т · 65\u00a0м³",
        "15–20 т · 83\u00a0м³",
        "20+ т · 120\u00a0м³",
        "Свой",
    ]


def test_a_custom_pair_equal_to_a_new_preset_is_that_class():
    filters = validate_filters({"weight_class": "custom", "custom_wv": "7,5-45"}, today=TODAY)
    assert (filters.weight_class, filters.wv) == ("7.5", "7.5-45")


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"weight_class": "heavy"}, "weight_class", "Вес и объём"),
        ({"weight_class": "custom", "custom_wv": "20т"}, "custom_wv", "Свой вес и объём"),
        ({"weight_class": "custom", "custom_wv": "500-80"}, "custom_wv", "тонны-м³"),
        ({"mode": "mine"}, "mode", "Свои"),
        ({"from_id": "Москва"}, "from_id", "Откуда"),
        ({"to_id": "5", "to_radius": "9999"}, "to_radius", "Радиус"),
        ({"start_date": "01.12.2026"}, "start_date", "ГГГГ-ММ-ДД"),
        ({"start_date": "2026-11-01"}, "start_date", "прошла"),
        ({"price_min": "-5"}, "price_min", "Цена от"),
        ({"price_min": "9000", "price_max": "100"}, "price_min", "больше"),
        ({"truck_types": "1,x"}, "truck_types", "Тип кузова"),
    ],
)
def test_bad_filters_name_the_field_in_russian(raw, field, words):
    with pytest.raises(FilterValidationError) as caught:
        validate_filters(raw, today=TODAY)
    assert field in caught.value.field_errors
    assert words in caught.value.field_errors[field]


def test_all_errors_reported_at_once():
    with pytest.raises(FilterValidationError) as caught:
        validate_filters({"mode": "x", "price_max": "abc", "start_date": "nope"}, today=TODAY)
    assert set(caught.value.field_errors) == {"mode", "price_max", "start_date"}


def test_equal_filters_share_one_cache_key():
    a = query({"truck_types": [3, 1], "weight_class": "custom", "custom_wv": "20.0-83", "from_id": "5"})
    b = query(
        {
            "truck_types": "1,3",
            "weight_class": "15_20",
            "from_id": "5",
            "from_type": "2",
            "from_radius": "50",
            "from_name": "Казань",
        }
    )
    assert a == b and query_key(a) == query_key(b)
    assert query_key(a) != query_key(query({"truck_types": "1"}))
    assert query_key(dict(reversed(list(a.items())))) == query_key(a)
