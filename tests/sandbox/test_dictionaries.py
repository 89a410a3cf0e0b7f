"""Points autocomplete and the truck/load type dictionaries."""

import pytest


def _points(api, **params):
    answer = api.get("/v1/dictionaries/points", params={"limit": 10, "offset": 0, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize(
    "text, first",
    [
        ("Каз", "Казань, Республика Татарстан"),
        ("моск", "Москва, Московская обл."),
        ("САНКТ", "Санкт-Петербург, Ленинградская обл."),
        ("ростов", "Ростов-на-Дону, Ростовская обл."),
        ("орёл", "Орёл, Орловская обл."),
        ("КОРОЛЁВ", "Королёв, Московская обл."),
    ],
)
def test_prefix_search_is_case_insensitive(api, text, first):
    assert _points(api, **{"filter[name]": text})["data"][0]["name"] == first


def test_e_and_yo_are_different_letters_here(api):
    # As strict as a server can be: the app must fold «ё» and «е» itself.
    assert _points(api, **{"filter[name]": "королев"})["data"] == []
    assert _points(api, **{"filter[name]": "орел"})["data"] == []


def test_word_matches_inside_names(api):
    names = [p["name"] for p in _points(api, **{"filter[name]": "новгород"})["data"]]
    assert {"Нижний Новгород, Нижегородская обл.", "Великий Новгород, Новгородская обл."} <= set(names)


def test_cities_and_regions_have_their_types(api):
    data = _points(api, **{"filter[name]": "Моск"})["data"]
    assert {"id": 1001, "name": "Москва, Московская обл.", "type": 2} in data
    assert any(p["type"] == 1 and p["name"] == "Московская обл." for p in data)
    regions = _points(api, **{"filter[name]": "Моск", "filter[type]": "1"})["data"]
    assert regions and all(p["type"] == 1 for p in regions)


def test_paging_and_meta(api):
    everything = _points(api, **{"limit": 100})
    assert everything["meta"]["size"] >= 60 + 40  # cities and regions
    second = _points(api, **{"limit": 10, "offset": 10})
    assert second["data"] == everything["data"][10:20] and second["meta"] == {
        "limit": 10,
        "offset": 10,
        "size": everything["meta"]["size"],
    }
    assert _points(api, **{"filter[name]": "Zzz"}) == {"data": [], "meta": {"limit": 10, "offset": 0, "size": 0}}


def test_bad_points_parameters(api):
    answer = api.get("/v1/dictionaries/points", params={"filter[name]": "Каз", "limit": 500, "filter[type]": "9"})
    assert answer.status_code == 422 and set(answer.json()["errors"]) == {"limit", "filter.type"}


@pytest.mark.parametrize(
    "path, names",
    [
        ("/v1/dictionaries/truck_types", {"тент", "рефрижератор", "изотермический", "бортовой", "цистерна"}),
        ("/v1/dictionaries/load_types", {"верхняя", "боковая", "задняя", "с полной растентовкой"}),
    ],
)
def test_type_dictionaries(api, path, names):
    data = api.get(path).json()["data"]
    assert names <= {kind["name"] for kind in data}
    assert all(set(kind) == {"id", "name", "short_name"} and kind["short_name"] for kind in data)
    assert len({kind["id"] for kind in data}) == len(data)


def test_cargo_types_come_from_the_dictionaries(api, everything):
    trucks = {k["id"]: k for k in api.get("/v1/dictionaries/truck_types").json()["data"]}
    loads = {k["id"]: k for k in api.get("/v1/dictionaries/load_types").json()["data"]}
    for item in everything:
        assert item["truck_types"] and all(trucks[k["id"]] == k for k in item["truck_types"])
        assert item["load_types"] and all(loads[k["id"]] == k for k in item["load_types"])
