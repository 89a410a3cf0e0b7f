"""The tolerant reader: unused fields never matter, used ones take any PHP spelling, one bad item
is skipped (with its id and the failing path) while the page shows the rest."""

from __future__ import annotations

import copy

from services.cargotech.models import DictionaryPoint, TypeRef
from services.cargotech.reader import read_detail, read_dictionary, read_page
from services.feed.cards import card_view
from services.feed.detail_view import contacts_view, detail_view

ITEM = {
    "id": 2200000001,
    "weight": 20000,
    "volume": 82,
    "distance": 1538,
    "price": 7_480_000,
    "price_per_km": 4_863,
    "points": {
        "start": {
            "type": 1,
            "position": 1,
            "first_date": "2026-12-03T07:30:00+03:00",
            "last_date": "2026-12-03T12:00:00+03:00",
            "city": {"id": 1, "name": "Москва"},
        },
        "finish": {
            "type": 2,
            "position": 2,
            "first_date": "2026-12-05T09:00:00+03:00",
            "last_date": None,
            "city": {"id": 2, "name": "Екатеринбург"},
        },
    },
    "load_types": [{"id": 1, "name": "задняя", "short_name": "зад"}],
    "truck_types": [{"id": 2, "name": "тент", "short_name": "тент"}],
    "company": {"id": 9, "inn": "7701234567", "name": "ООО Ромашка", "type": "company", "security_status": "ok"},
    "contacts": [{"type": "broker", "name": "Анна", "phones": ["89161234567"]}],
}
META = {"limit": 20, "offset": 0, "size": 45}


def item(**changes) -> dict:
    raw = copy.deepcopy(ITEM)
    raw.update(changes)
    return raw


def test_fields_we_never_show_do_not_matter_whatever_their_type():
    # The field that once failed every page: points.start.type as a word instead of an int.
    raw = item()
    raw["points"]["start"]["type"] = "loading"
    raw["points"]["finish"]["position"] = {"index": "2"}
    raw["company"]["security_status"] = [1, "2"]
    raw["brand_new"] = {"deep": {"deeper": [None, True]}}
    page, report = read_page({"data": [raw], "meta": META})
    assert card_view(page.data[0]) == card_view(read_page({"data": [item()], "meta": META})[0].data[0])
    assert report.clean  # nothing we use was touched


def test_numbers_ids_and_enums_in_php_spellings_give_the_same_card():
    plain = card_view(read_page({"data": [item()], "meta": META})[0].data[0])
    raw = item(
        id="2200000001",
        weight="20000.00",
        volume="82",
        distance=1538.0,
        price="7480000",
        price_per_km="4863.00",
        price_carrier=None,
    )
    raw["points"]["start"]["city"]["id"] = "1"
    raw["points"]["start"]["first_date"] = "2026-12-03T07:30:00.000000+03:00"
    raw["load_types"] = {"0": {"id": "1", "name": "задняя"}}
    raw["contacts"][0]["type"] = "broker"
    page, report = read_page({"data": [raw], "meta": {"limit": "20", "offset": "0", "size": "45"}})
    assert card_view(page.data[0]) == plain
    assert page.total == 45 and page.next_offset() == 1
    coerced = {issue.path for issue in report.issues if issue.kind == "coerced"}
    assert {
        "id",
        "weight",
        "price",
        "price_per_km",
        "points.start.city.id",
        "load_types",
        "load_types[].id",
        "meta.size",
    } <= coerced
    assert report.count("skipped") == report.count("dropped") == 0


def test_one_bad_item_is_skipped_with_its_id_and_path_and_the_page_shows_the_rest():
    items = [item(id=2200000000 + n) for n in range(20)]
    items[7]["points"]["start"] = None
    items[12]["id"] = "12a"
    items[15] = "not an object"
    page, report = read_page({"data": items, "meta": META})
    assert [c.id for c in page.data] == [str(2200000000 + n) for n in range(20) if n not in (7, 12, 15)]
    skipped = [(i.cargo_id, i.path, i.seen) for i in report.issues if i.kind == "skipped"]
    assert skipped == [("2200000007", "points.start", "null"), ("12a", "id", "string"), ("", "", "string")]
    assert report.received == 20 and report.usable == 17
    # Paging counts what CargoTech sent, not what we kept.
    assert page.next_offset() == 20


def test_an_unreadable_optional_field_is_left_out_not_fatal():
    raw = item(weight="двадцать", price={"amount": 1})
    raw["contacts"].append("Иван, 8 916 000-00-00")
    page, report = read_page({"data": [raw], "meta": META})
    card = card_view(page.data[0])
    assert card["weight"] == "" and card["route"] == "Москва → Екатеринбург"
    dropped = {(i.path, i.seen) for i in report.issues if i.kind == "dropped"}
    assert dropped == {("weight", "string"), ("price", "object"), ("contacts[]", "string")}


def test_an_unreadable_total_means_unknown_and_paging_by_page_length():
    full = [item(id=2200000000 + n) for n in range(20)]
    page, report = read_page({"data": full, "meta": {"limit": 20, "offset": 40, "size": "много"}})
    assert page.total is None and page.next_offset() == 60
    assert ("meta.size", "string") in {(i.path, i.seen) for i in report.issues if i.kind == "dropped"}
    short, _ = read_page({"data": full[:5], "meta": {"size": None}}, offset=60, limit=20)
    assert short.total is None and short.next_offset() is None
    no_meta, _ = read_page({"data": full}, offset=20, limit=20)
    assert no_meta.next_offset() == 40


def test_a_page_with_nothing_usable_is_no_page():
    page, report = read_page({"data": [item(points=[]), item(points={})], "meta": META})
    assert page is None and report.nothing_usable
    empty, report = read_page({"data": [], "meta": {"limit": 20, "offset": 0, "size": 0}})
    assert empty is not None and empty.data == [] and not report.nothing_usable  # nothing found is an answer
    garbage, report = read_page({"data": "oops"})
    assert garbage is None and report.issues[0].path == "data"


def test_points_as_a_plain_list_read_loading_first():
    raw = item(points=[ITEM["points"]["start"], ITEM["points"]["finish"]])
    page, _ = read_page({"data": [raw], "meta": META})
    assert card_view(page.data[0])["route"] == "Москва → Екатеринбург"


def test_a_detail_with_unusable_optional_parts_shows_the_rest():
    raw = item(
        extra="нет",
        shipper=[1, 2],
        cargo_type=5,
        contacts={"0": {"type": 1, "name": "Анна", "phone": 89161234567}},
        points={"start": {"city": {"name": "Москва"}, "address": {"street": "Ленина"}}, "finish": None},
    )
    detail, report = read_detail({"data": raw}, "2200000001")
    view = detail_view(detail)
    assert view["id"] == "2200000001" and view["from_address"] == "Москва" and view["note"] == ""
    assert view["price"] == "74\u00a0800\u00a0₽" and view["weight"] == "20\u00a0т"
    assert contacts_view(detail.contacts)[0]["href"] == "tel:+79161234567"
    dropped = {i.path for i in report.issues if i.kind == "dropped"}
    assert {"extra", "shipper", "cargo_type", "points.start.address"} <= dropped
    assert report.count("skipped") == 0


def test_a_detail_keeps_the_id_it_was_asked_for():
    detail, _ = read_detail({"data": item(id=None)}, "2200000001")
    assert detail.id == "2200000001"
    nothing, report = read_detail({"data": "Cargo not found"}, "2200000001")
    assert nothing is None and report.nothing_usable


def test_the_idealised_shape_still_reads():
    page, _ = read_page(
        {
            "data": [{"id": "12345", "weight": 5000, "pickup_city": "Москва", "delivery_city": "СПб", "price": 50000}],
            "total": 150,
            "limit": 20,
            "offset": 0,
        }
    )
    assert page.total == 150 and card_view(page.data[0])["route"] == "Москва → СПб"


def test_dictionaries_skip_entries_without_an_id_or_a_name():
    points, report = read_dictionary(
        {"data": [{"id": "77", "name": "Москва", "type": "2"}, {"id": None, "name": "?"}, {"id": 5, "name": ""}]},
        "points",
        DictionaryPoint,
    )
    assert [(p.id, p.name, p.type) for p in points] == [(77, "Москва", 2)]
    assert report.count("skipped") == 2
    types, _ = read_dictionary({"data": {"0": {"id": "2", "name": "тент", "short_name": None}}}, "truck_types", TypeRef)
    assert [(t.id, t.name) for t in types] == [(2, "тент")]
