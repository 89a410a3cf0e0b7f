"""`/__control/cargo/<id>/…`: withdraw a cargo, change its price, repost it from another company."""

from __future__ import annotations

import httpx

from sandbox.state import query_key
from tests.sandbox.support import BASE_PARAMS, LIST

DETAIL_PARAMS = {"source": "1", "include": "contacts"}


def _control(sandbox, path: str, body: dict | None = None) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/__control{path}", json=body if body is not None else {}, timeout=10)


def _first_page(api) -> list[dict]:
    return api.get(LIST, params={**BASE_PARAMS, "limit": 30}).json()["data"]


def _detail(api, cargo_id):
    return api.get(f"/v1/carrier/cargos/{cargo_id}", params=DETAIL_PARAMS)


def test_removed_cargo_leaves_the_list_and_its_detail_answers_404(sandbox, api):
    items = _first_page(api)
    gone = items[3]["id"]
    size = api.get(LIST, params=BASE_PARAMS).json()["meta"]["size"]

    assert _control(sandbox, f"/cargo/{gone}/remove").status_code == 200

    after = _first_page(api)
    assert gone not in [item["id"] for item in after]
    assert [item["id"] for item in after[:3]] == [item["id"] for item in items[:3]]
    assert api.get(LIST, params=BASE_PARAMS).json()["meta"]["size"] == size - 1
    answer = _detail(api, gone)
    assert answer.status_code == 404 and answer.json() == {"message": "Cargo not found."}

    assert _control(sandbox, f"/cargo/{gone}/restore").status_code == 200
    assert _detail(api, gone).status_code == 200
    assert _control(sandbox, f"/cargo/{gone}/restore").status_code == 404  # not removed any more


def test_price_change_shows_in_list_and_detail_with_its_per_km(sandbox, api):
    item = _first_page(api)[0]
    answer = _control(sandbox, f"/cargo/{item['id']}/price", {"price_rub": 123_400})
    assert answer.status_code == 200

    listed = _first_page(api)[0]
    assert listed["id"] == item["id"]
    shown = listed["price_carrier"] if listed.get("price_carrier") is not None else listed["price"]
    assert shown == 12_340_000
    assert listed["price"] >= shown
    # CargoTech's price_per_km is of `price` (the shipper's, never below the carrier's).
    assert listed["price_per_km"] == round(listed["price"] / item["distance"]) == answer.json()["price_per_km"]
    detail = _detail(api, item["id"]).json()["data"]
    assert (detail.get("price_carrier") or detail["price"]) == 12_340_000
    # Everything but the price stays as it was.
    assert {k: v for k, v in listed.items() if not k.startswith("price")} == {
        k: v for k, v in item.items() if not k.startswith("price")
    }


def test_filter_by_price_sees_the_new_price(sandbox, api):
    item = _first_page(api)[0]
    _control(sandbox, f"/cargo/{item['id']}/price", {"price_rub": 99_999_900})
    found = api.get(LIST, params={**BASE_PARAMS, "filter[price]": "9999990000,"}).json()["data"]
    assert [f["id"] for f in found] == [item["id"]]


def test_duplicate_is_the_same_load_from_another_company_listed_after_it(sandbox, api):
    items = _first_page(api)
    original = items[1]
    answer = _control(sandbox, f"/cargo/{original['id']}/duplicate")
    assert answer.status_code == 201
    dup_id = answer.json()["id"]
    assert dup_id != original["id"]

    after = _first_page(api)
    ids = [item["id"] for item in after]
    assert ids[ids.index(original["id"]) + 1] == dup_id
    dup = after[ids.index(dup_id)]
    assert dup["company"]["id"] != original["company"]["id"]
    same = ("weight", "volume", "distance", "price", "price_per_km", "points", "truck_types", "load_types")
    assert {k: dup.get(k) for k in same} == {k: original.get(k) for k in same}
    detail = _detail(api, dup_id)
    assert detail.status_code == 200 and detail.json()["data"]["company"] == dup["company"]

    # The repost can be withdrawn on its own; the original stays.
    assert _control(sandbox, f"/cargo/{dup_id}/remove").status_code == 200
    assert dup_id not in [item["id"] for item in _first_page(api)]
    assert _detail(api, original["id"]).status_code == 200


def test_duplicate_from_a_named_company(sandbox, api):
    original = _first_page(api)[0]
    company = next(c for c in (i["company"] for i in _first_page(api)) if c["id"] != original["company"]["id"])
    answer = _control(sandbox, f"/cargo/{original['id']}/duplicate", {"company_id": company["id"]})
    assert answer.json()["company_id"] == company["id"]
    assert _control(sandbox, f"/cargo/{original['id']}/duplicate", {"company_id": 1}).status_code == 422


def test_bad_input_and_unknown_cargos(sandbox, api):
    cargo_id = _first_page(api)[0]["id"]
    assert _control(sandbox, f"/cargo/{cargo_id}/price", {"price_rub": "много"}).status_code == 422
    assert _control(sandbox, f"/cargo/{cargo_id}/price", {"price_rub": 5}).status_code == 422
    assert _control(sandbox, "/cargo/abc/remove").status_code == 422
    for action in ("remove", "duplicate"):
        assert _control(sandbox, f"/cargo/12345/{action}").status_code == 404
    assert _control(sandbox, "/cargo/12345/price", {"price_rub": 1000}).status_code == 404


def test_reset_undoes_every_edit(sandbox, api):
    items = _first_page(api)
    _control(sandbox, f"/cargo/{items[0]['id']}/remove")
    _control(sandbox, f"/cargo/{items[1]['id']}/price", {"price_rub": 1000})
    _control(sandbox, f"/cargo/{items[2]['id']}/duplicate")
    sandbox.reset()
    sandbox.set_clock(0, frozen=True)
    api.headers["Authorization"] = f"Bearer {sandbox.login()}"  # a reset revokes every token
    after = {item["id"]: item for item in _first_page(api)}  # the re-frozen clock may add a newer cargo
    assert items[0]["id"] in after and after[items[1]["id"]] == items[1]
    assert all(cargo_id < 3_300_000_000 for cargo_id in after)  # no repost left


def test_generated_reposts_follow_their_original_and_fold_back(sandbox, api):
    plain = api.get(LIST, params={**BASE_PARAMS, "limit": 100}).json()["data"]
    assert _control(sandbox, "/reposts", {"share": 0.2}).status_code == 200
    items = api.get(LIST, params={**BASE_PARAMS, "limit": 100}).json()["data"]
    reposts = [i for i, item in enumerate(items) if item["id"] >= 4_000_000_000]
    assert 5 <= len(reposts) <= 60
    originals = [item for item in items if item["id"] < 4_000_000_000]
    assert [o["id"] for o in originals] == [p["id"] for p in plain[: len(originals)]]
    same = ("weight", "volume", "distance", "price", "price_per_km", "points", "truck_types")
    for index in reposts:
        original = next(item for item in reversed(items[:index]) if item["id"] < 4_000_000_000)
        repost = items[index]
        assert {k: repost.get(k) for k in same} == {k: original.get(k) for k in same}
        assert repost["company"]["id"] != original["company"]["id"]
    detail = _detail(api, items[reposts[0]]["id"])
    assert detail.status_code == 200 and detail.json()["data"]["id"] == items[reposts[0]]["id"]
    assert _detail(api, items[reposts[0]]["id"] + 3).status_code == 404  # not a repost that exists
    # The same data every time (a pure function of seed, id and share), and off again at 0.
    assert api.get(LIST, params={**BASE_PARAMS, "limit": 100}).json()["data"] == items
    _control(sandbox, "/reposts", {"share": 0})
    assert api.get(LIST, params={**BASE_PARAMS, "limit": 100}).json()["data"] == plain
    assert _control(sandbox, "/reposts", {"share": 2}).status_code == 422


def test_fields_set_by_a_test_are_served_in_list_and_detail(sandbox, api):
    item = _first_page(api)[2]
    fields = {
        "weight": 0.5,
        "volume": 1,
        "price": 0,
        "price_carrier": None,
        "price_per_km": 0,
        "points": {"start": {"first_date": "2026-12-03T04:30:00Z", "last_date": "2026-12-03T07:30:00+03:00"}},
        "contacts": [{"type": "broker", "name": "Ольга Смирнова", "email": "olga@example.ru"}],
        "extra": {"note": "длинное примечание"},
    }
    answer = _control(sandbox, f"/cargo/{item['id']}/fields", fields)
    assert answer.status_code == 200, answer.text

    listed = next(i for i in _first_page(api) if i["id"] == item["id"])
    assert (listed["weight"], listed["price"], listed["price_carrier"], listed["price_per_km"]) == (0.5, 0, None, 0)
    start = listed["points"]["start"]
    assert (start["first_date"], start["last_date"]) == ("2026-12-03T04:30:00Z", "2026-12-03T07:30:00+03:00")
    assert start["city"] == item["points"]["start"]["city"]  # objects are merged, not replaced
    assert listed["contacts"] == fields["contacts"]
    detail = _detail(api, item["id"]).json()["data"]
    assert detail["extra"]["note"] == "длинное примечание" and "partial_load" in detail["extra"]
    assert detail["points"]["start"]["address"] and detail["weight"] == 0.5
    # The list filters see the new size: half a kilogram in 1 m³ fits the smallest truck.
    city = item["points"]["start"]["city"]["id"]
    small = api.get(
        LIST,
        params={
            **BASE_PARAMS,
            "filter[wv]": "0.001-1",
            "filter[start_point_id]": city,
            "filter[start_point_type]": 2,
            "filter[start_point_radius]": 0,
        },
    ).json()["data"]
    assert [i["id"] for i in small] == [item["id"]]


def test_unknown_fields_change_nothing(sandbox, api):
    item = _first_page(api)[0]
    answer = _control(sandbox, f"/cargo/{item['id']}/fields", {"weight": 1, "id": 5})
    assert answer.status_code == 422 and "id" in answer.json()["message"]
    assert _first_page(api)[0] == item
    assert _control(sandbox, "/cargo/123/fields", {"weight": 1}).status_code == 404


def test_list_queries_are_remembered_once_each_in_any_parameter_order_until_a_reset(sandbox, api):
    api.get(LIST, params={**BASE_PARAMS, "limit": 30})
    api.get(LIST, params={**BASE_PARAMS, "limit": 31})
    api.get(LIST, params=dict(reversed(list({**BASE_PARAMS, "limit": 30}.items()))))  # the first again
    assert sandbox.list_queries() == [
        query_key({**BASE_PARAMS, "limit": "31"}.items()),
        query_key({**BASE_PARAMS, "limit": "30"}.items()),
    ]
    sandbox.reset()
    assert sandbox.list_queries() == []
