"""Any JSON spelling of the same data gives the same cards: the sandbox's plain and drifted answers
of one seed, read by the tolerant reader, render identical cards and detail screens, except the
items the drifted spelling leaves without a route, which are skipped."""

from __future__ import annotations

import json

import pytest

from sandbox.generator import World, build_cargo
from sandbox.spelling import is_unusable, respell_entry, respell_meta
from services.cargotech.models import DictionaryPoint
from services.cargotech.reader import read_detail, read_dictionary, read_page
from services.feed.cards import card_view
from services.feed.detail_view import contacts_view, detail_view

SLOTS = range(5000, 5400)  # 400 cargos: every drift category several times, ten or so unusable


@pytest.fixture(scope="module", params=[42, 7])
def cargos(request):
    world = World.build(request.param)
    return request.param, [build_cargo(world, slot) for slot in SLOTS]


def answers(cargo, seed, *, detail):
    plain = json.loads(cargo.encoded(detail=detail, contacts=True))
    drifted = json.loads(cargo.encoded(detail=detail, contacts=True, drift_seed=seed))
    return plain, drifted


def test_cards_are_the_same_in_every_spelling_except_unusable_items(cargos):
    seed, built = cargos
    for start in range(0, len(built), 20):  # pages of 20, as the feed asks
        page = built[start : start + 20]
        meta = {"limit": 20, "offset": start, "size": len(built)}
        plain, _ = read_page({"data": [answers(c, seed, detail=False)[0] for c in page], "meta": meta})
        drifted, report = read_page({"data": [answers(c, seed, detail=False)[1] for c in page], "meta": respell_meta(meta, seed)})
        usable = {str(c.id) for c in page if not is_unusable(seed, c.id)}
        assert [card_view(i) for i in drifted.data] == [card_view(i) for i in plain.data if i.id in usable]
        assert (drifted.total, drifted.next_offset()) == (plain.total, plain.next_offset())
        assert {i.cargo_id for i in report.issues if i.kind == "skipped"} == {str(c.id) for c in page} - usable
        assert report.count("dropped") == 0  # drift changes spellings, never meanings


def test_the_drift_covers_every_category_and_about_one_in_forty_is_unusable(cargos):
    seed, built = cargos
    seen = set()
    for cargo in built:
        _, drifted = answers(cargo, seed, detail=True)
        seen |= {type(drifted["id"]), type(drifted["weight"]), type(drifted["price"])}
        seen |= {("points", type(drifted["points"]))}
        seen |= {("bool", type(drifted["extra"].get("partial_load")))}
        seen |= {("list", type(drifted["truck_types"]))}
        seen |= {("extra", "statistics" in drifted)}
    assert {
        str,
        int,
        float,
        ("points", list),
        ("bool", int),
        ("bool", str),
        ("bool", bool),
        ("list", dict),
        ("extra", True),
    } <= seen
    unusable = sum(is_unusable(seed, c.id) for c in built)
    assert 2 <= unusable <= 25  # one in 40 of 400 is 10
    assert respell_meta({"limit": 20, "offset": 0, "size": 2345}, seed)["size"] == "2345"


def test_detail_screens_are_the_same_in_every_spelling(cargos):
    seed, built = cargos
    for cargo in built[:120]:
        plain, drifted = answers(cargo, seed, detail=True)
        a, _ = read_detail({"data": plain}, str(cargo.id))
        b, report = read_detail({"data": drifted}, str(cargo.id))
        if is_unusable(seed, cargo.id):
            # No route, but everything else the driver needs is still there.
            assert b is not None and detail_view(b)["price"] == detail_view(a)["price"]
            continue
        assert detail_view(b) == detail_view(a)
        assert contacts_view(b.contacts) == contacts_view(a.contacts)
        assert report.count("dropped") == report.count("skipped") == 0


def test_dictionary_entries_read_alike():
    plain = {"data": [{"id": 77, "name": "Москва", "type": 2}, {"id": 78, "name": "Казань", "type": 2}]}
    drifted = {"data": [respell_entry(entry, 42) for entry in plain["data"]]}
    assert read_dictionary(plain, "points", DictionaryPoint)[0] == read_dictionary(drifted, "points", DictionaryPoint)[0]
