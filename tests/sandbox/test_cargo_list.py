"""`GET /v2/cargos/views`: paging, meta.size, and every filter applied for real."""

import datetime as dt

import pytest

from sandbox.cities import CITY_BY_ID, great_circle_km
from sandbox.testing import TEST_EPOCH
from tests.sandbox.support import BASE_PARAMS, LIST

WV_PRESETS = ["1.5-9", "3-16", "5-36", "7.5-45", "10-54", "15-65", "20-83"]
MSK = dt.timezone(dt.timedelta(hours=3))


def _shown_price(item):
    return item["price_carrier"] if item.get("price_carrier") is not None else item["price"]


def _ids(items):
    return [item["id"] for item in items]


def test_meta_size_is_the_total_and_paging_is_stable_and_disjoint(api, fetch_all):
    items, size = fetch_all()
    assert size >= 2000 and len(items) == size
    assert len(set(_ids(items))) == size
    # The same pages again, in small steps: same order, nothing repeated or skipped.
    again = []
    for offset in range(0, 200, 20):
        page = api.get(LIST, params={**BASE_PARAMS, "limit": 20, "offset": offset}).json()
        assert page["meta"] == {"limit": 20, "offset": offset, "size": size}
        again += page["data"]
    assert _ids(again) == _ids(items[:200])
    past_the_end = api.get(LIST, params={**BASE_PARAMS, "limit": 20, "offset": size}).json()
    assert past_the_end["data"] == [] and past_the_end["meta"]["size"] == size


def test_newest_first(everything):
    # Ids grow with publish time, so newest first means descending ids.
    assert _ids(everything) == sorted(_ids(everything), reverse=True)


def test_default_page_is_20(api):
    body = api.get(LIST, params=BASE_PARAMS).json()
    assert len(body["data"]) == 20 and body["meta"]["limit"] == 20 and body["meta"]["offset"] == 0


@pytest.mark.parametrize("limit, ok", [(1, True), (100, True), (0, False), (101, False), ("x", False), (-5, False)])
def test_limit_bounds(api, limit, ok):
    answer = api.get(LIST, params={**BASE_PARAMS, "limit": limit})
    if ok:
        assert answer.status_code == 200 and len(answer.json()["data"]) == limit
    else:
        assert answer.status_code == 422 and "limit" in answer.json()["errors"]


def test_list_items_have_the_list_fields_and_never_addresses_or_comment(everything):
    for item in everything[:300]:
        assert {
            "id",
            "weight",
            "volume",
            "distance",
            "price",
            "price_per_km",
            "points",
            "load_types",
            "truck_types",
            "company",
            "contacts",
        } <= set(item)
        assert "extra" not in item and "shipper" not in item and "cargo_type" not in item
        for point in item["points"].values():
            assert "address" not in point
            assert {"type", "position", "first_date", "last_date", "city"} <= set(point)


def test_contacts_come_only_with_include_contacts(api):
    body = api.get(LIST, params={"limit": 50}).json()
    assert body["data"] and all("contacts" not in item for item in body["data"])


def _check_filter(fetch_all, everything, params, predicate):
    """The filter returns exactly the items of the unfiltered list that satisfy `predicate`."""
    items, size = fetch_all(**params)
    assert 0 < size < len(everything), f"{params} should narrow the list, got {size} of {len(everything)}"
    assert all(predicate(item) for item in items)
    assert _ids(items) == [item["id"] for item in everything if predicate(item)]
    return items


@pytest.mark.parametrize("wv", WV_PRESETS)
def test_wv_keeps_cargos_that_fit_the_truck(fetch_all, everything, wv):
    tonnes, cubic_metres = map(float, wv.split("-"))
    _check_filter(
        fetch_all, everything, {"filter[wv]": wv}, lambda item: item["weight"] <= tonnes * 1000 and item["volume"] <= cubic_metres
    )


def test_wv_accepts_custom_pairs(fetch_all, everything):
    _check_filter(fetch_all, everything, {"filter[wv]": "4.5-20"}, lambda item: item["weight"] <= 4500 and item["volume"] <= 20)


@pytest.mark.parametrize("radius", [0, 50, 200])
def test_start_city_within_radius(fetch_all, everything, radius):
    moscow = CITY_BY_ID[1001]
    assert moscow.name == "Москва"
    near = {city_id for city_id, city in CITY_BY_ID.items() if great_circle_km(moscow, city) <= radius}
    items = _check_filter(
        fetch_all,
        everything,
        {"filter[start_point_id]": "1001", "filter[start_point_type]": "2", "filter[start_point_radius]": str(radius)},
        lambda item: item["points"]["start"]["city"]["id"] in near,
    )
    starts = {item["points"]["start"]["city"]["name"] for item in items}
    assert starts == {"Москва"} if radius == 0 else len(starts) > 1


def test_start_radius_defaults_to_50_km(fetch_all):
    default, _ = fetch_all(**{"filter[start_point_id]": "1001", "filter[start_point_type]": "2"})
    explicit, _ = fetch_all(
        **{"filter[start_point_id]": "1001", "filter[start_point_type]": "2", "filter[start_point_radius]": "50"}
    )
    assert _ids(default) == _ids(explicit)


def test_finish_region(api, fetch_all, everything):
    region = api.get("/v1/dictionaries/points", params={"filter[name]": "Краснодарский", "filter[type]": "1"}).json()
    region_id = region["data"][0]["id"]
    in_region = {"Краснодар", "Сочи", "Новороссийск"}
    _check_filter(
        fetch_all,
        everything,
        {"filter[finish_point_id]": str(region_id), "filter[finish_point_type]": "1"},
        lambda item: item["points"]["finish"]["city"]["name"] in in_region,
    )


def test_start_and_finish_together(fetch_all, everything):
    params = {
        "filter[start_point_id]": "1001",
        "filter[start_point_type]": "2",
        "filter[start_point_radius]": "0",
        "filter[finish_point_id]": "1002",
        "filter[finish_point_type]": "2",
        "filter[finish_point_radius]": "0",
    }
    _check_filter(
        fetch_all,
        everything,
        params,
        lambda item: (
            (item["points"]["start"]["city"]["name"], item["points"]["finish"]["city"]["name"]) == ("Москва", "Санкт-Петербург")
        ),
    )


def test_start_date_matches_the_loading_window(fetch_all, everything):
    day = (dt.datetime.fromtimestamp(TEST_EPOCH, MSK).date() + dt.timedelta(days=2)).isoformat()

    def loads_that_day(item):
        start = item["points"]["start"]
        return start["first_date"][:10] <= day <= start["last_date"][:10]

    _check_filter(fetch_all, everything, {"filter[start_date]": day}, loads_that_day)


@pytest.mark.parametrize("name, key", [("filter[truck_types]", "truck_types"), ("filter[load_types]", "load_types")])
@pytest.mark.parametrize("ids", ["2", "6,8"])
def test_type_filters_match_any_listed_id(fetch_all, everything, name, key, ids):
    wanted = {int(i) for i in ids.split(",")}
    _check_filter(fetch_all, everything, {name: ids}, lambda item: any(kind["id"] in wanted for kind in item[key]))


@pytest.mark.parametrize(
    "name, value, low, high",
    [
        ("filter[distance]", lambda item: item["distance"], 300, 900),
        ("filter[price]", _shown_price, 5_000_000, 9_000_000),
        ("filter[price_per_km]", lambda item: item["price_per_km"], 6_000, 8_000),
    ],
)
def test_ranges(fetch_all, everything, name, value, low, high):
    _check_filter(fetch_all, everything, {name: f"{low},{high}"}, lambda item: low <= value(item) <= high)
    _check_filter(fetch_all, everything, {name: f"{low},"}, lambda item: value(item) >= low)
    _check_filter(fetch_all, everything, {name: f",{high}"}, lambda item: value(item) <= high)


def test_user_id_keeps_one_posters_cargos(fetch_all, everything):
    poster = everything[0]["contacts"][0]["id"]
    _check_filter(fetch_all, everything, {"filter[user_id]": str(poster)}, lambda item: item["contacts"][0].get("id") == poster)


def test_mode_my_keeps_partner_companies_only(fetch_all, everything):
    mine, _ = fetch_all(**{"filter[mode]": "my"})
    partners = {item["company"]["id"] for item in mine}
    assert 0 < len(mine) < len(everything) and len(partners) <= 12
    assert _ids(mine) == [item["id"] for item in everything if item["company"]["id"] in partners]


def test_filters_combine(fetch_all, everything):
    params = {"filter[wv]": "20-83", "filter[truck_types]": "1", "filter[distance]": "500,"}
    _check_filter(
        fetch_all,
        everything,
        params,
        lambda item: (
            item["weight"] <= 20000
            and item["volume"] <= 83
            and item["distance"] >= 500
            and any(kind["id"] == 1 for kind in item["truck_types"])
        ),
    )


def test_empty_filters_are_no_filters(fetch_all, everything):
    items, _ = fetch_all(**{"filter[wv]": "", "filter[price]": ",", "filter[start_date]": ""})
    assert _ids(items) == _ids(everything)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"filter[wv]": "20"}, "filter.wv"),
        ({"filter[wv]": "20т-83"}, "filter.wv"),
        ({"filter[wv]": "-20-83"}, "filter.wv"),
        ({"filter[start_point_id]": "1001"}, "filter.start_point_type"),
        ({"filter[finish_point_id]": "1001"}, "filter.finish_point_type"),
        ({"filter[start_point_id]": "1001", "filter[start_point_type]": "3"}, "filter.start_point_type"),
        ({"filter[start_point_id]": "abc", "filter[start_point_type]": "2"}, "filter.start_point_id"),
        ({"filter[start_point_id]": "999999", "filter[start_point_type]": "2"}, "filter.start_point_id"),
        (
            {"filter[start_point_id]": "1001", "filter[start_point_type]": "2", "filter[start_point_radius]": "-1"},
            "filter.start_point_radius",
        ),
        ({"filter[start_date]": "28.11.2026"}, "filter.start_date"),
        ({"filter[start_date]": "2026-02-30"}, "filter.start_date"),
        ({"filter[truck_types]": "1;2"}, "filter.truck_types"),
        ({"filter[load_types]": "тент"}, "filter.load_types"),
        ({"filter[distance]": "100"}, "filter.distance"),
        ({"filter[price]": "9,1"}, "filter.price"),
        ({"filter[price_per_km]": "1.5,2"}, "filter.price_per_km"),
        ({"filter[mode]": "mine"}, "filter.mode"),
        ({"filter[user_id]": "me"}, "filter.user_id"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_malformed_parameters_are_422_naming_the_field(api, params, field):
    answer = api.get(LIST, params={**BASE_PARAMS, **params})
    assert answer.status_code == 422
    body = answer.json()
    assert field in body["errors"] and body["message"] == body["errors"][field][0]


def test_every_bad_field_is_reported_at_once(api):
    answer = api.get(LIST, params={"limit": 0, "filter[wv]": "x", "filter[price]": "y"})
    assert set(answer.json()["errors"]) == {"limit", "filter.wv", "filter.price"}
    assert answer.json()["message"].endswith("(and 2 more errors)")
