"""A withdrawn cargo (detail 404 in the sandbox): similar offers from the feed's query machinery,
through the shared list cache, from the route the feed remembered."""

from __future__ import annotations

import httpx
import pytest

from sandbox.cities import CITIES, CITY_BY_ID, city_ids_within
from services.cargotech.errors import CargoNotFound
from services.feed.filters import WEIGHT_CLASSES
from services.feed.loading import load_feed_page
from services.feed.marks import FeedMarks
from services.feed.similar_offers import ROUTE_RADIUS_KM, similar_offers, weight_class_for

pytestmark = pytest.mark.both_spellings  # plain and drifted sandbox answers
DRIVER = 6161
CITY_BY_NAME = {city.name: city.id for city in CITIES}


def _control(sandbox, path: str) -> dict:
    answer = httpx.post(f"{sandbox.url}/__control{path}", json={}, timeout=10)
    answer.raise_for_status()
    return answer.json()


async def test_withdrawn_cargo_gets_offers_on_its_route_of_similar_weight(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime()
    marks = FeedMarks(runtime.cache, runtime.drivers)
    page = await load_feed_page(runtime.cargos, marks=marks, driver_id=DRIVER)
    gone = page.cards[0]
    repost = str(_control(sandbox, f"/cargo/{gone['id']}/duplicate")["id"])  # a sure match on the route
    _control(sandbox, f"/cargo/{gone['id']}/remove")

    with pytest.raises(CargoNotFound):
        await runtime.cargos.detail(gone["id"])
    route, offers = await similar_offers(runtime.cargos, marks, gone["id"])

    assert route == gone["route"]
    ids = [card["id"] for card in offers]
    assert gone["id"] not in ids and repost in ids and len(ids) == len(set(ids)) <= 5
    match = offers[ids.index(repost)]
    assert match["route"] == gone["route"] and match["weight"] == gone["weight"]
    # Same route first, each group ordered by closeness in weight (the repost weighs the same).
    same_route = [card for card in offers if card["route"] == gone["route"]]
    assert offers[: len(same_route)] == same_route
    gaps = [abs(int(card["sort_weight"]) - int(gone["sort_weight"])) for card in same_route]
    assert gaps == sorted(gaps) and gaps[0] == 0
    # Every offer leaves from within the route radius of the same place, and fits the same truck class.
    seen = await marks.sighting(gone["id"])
    start = CITY_BY_ID[seen.from_id]
    near_start = city_ids_within(start, ROUTE_RADIUS_KM)
    truck_class = WEIGHT_CLASSES[weight_class_for(seen.weight, seen.volume)]
    max_tonnes = float(truck_class.split("-")[0]) if truck_class else float("inf")
    for card in offers:
        assert CITY_BY_NAME[card["from_city"]] in near_start, card["route"]
        assert int(card["sort_weight"]) <= max_tonnes * 1000, card["weight"]


async def test_unknown_cargo_has_no_similar_offers(make_runtime):
    runtime = make_runtime()
    assert await similar_offers(runtime.cargos, FeedMarks(runtime.cache, runtime.drivers), "123") == ("", [])


def test_weight_class_is_the_smallest_truck_that_takes_the_load():
    assert weight_class_for(2_500, 10) == "1_3"
    assert weight_class_for(2_500, 30) == "3_5"
    assert weight_class_for(20_000, 82) == "15_20"
    assert weight_class_for(20_000, 100) == "20"
    assert weight_class_for(None, None) == "any"
