"""«Загрузки обратно» and lane rates against the CargoTech sandbox over HTTP: the loads back come
through the feed's list queries and shared cache, fit the window, radius and truck class, and
every listed cargo lands in the lane table."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest
from sqlmodel import Session, select

from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.rates_state import CHOOSE_DIRECTION, RatesState
from cargo_webapp.state.return_loads_state import ReturnLoadsState
from sandbox.cities import CITIES, CITY_BY_ID, city_ids_within
from sandbox.testing import TEST_EPOCH
from services.cargotech.models import CargoItem
from services.cargotech.upstream_budget import Purpose
from services.feed.cache import CargoService
from services.feed.cards import price_per_km
from services.feed.filters import PAGE_SIZE, build_query, validate_filters
from services.feed.loading import load_feed_page
from services.market.lane_rates import LaneObservation, loading_day, moscow_day, truck_class_of
from services.market.return_loads import FRESH_S, RADIUS_KM, ReturnLoads, ReturnQuery, find_return_loads, return_query_for
from tests.integration.state_harness import run_handler, signed_in_tree

pytestmark = pytest.mark.both_spellings  # plain and drifted sandbox answers
DRIVER = 7171
CITY_BY_NAME = {city.name: city.id for city in CITIES}
TODAY = moscow_day(TEST_EPOCH)


async def with_loads_back(
    cargos: CargoService, *, min_days: int = 1
) -> AsyncIterator[tuple[CargoItem, ReturnQuery, ReturnLoads]]:
    """The first 100 cargos with at least `min_days` loading days ahead for loads back, each with its query and answer."""
    page = await cargos.list_page(
        {"include": "contacts", "limit": "100", "offset": "0", "filter[mode]": "all", "filter[user_id]": "0"}
    )
    for item in page.value.data:
        detail = (await cargos.detail(item.id)).value
        query = return_query_for(detail)
        if query is not None and len(query.days(TODAY)) >= min_days:
            yield detail, query, await find_return_loads(cargos, detail, driver_id=DRIVER, today=TODAY)


async def test_loads_back_fit_the_window_radius_and_class_and_come_from_the_shared_cache(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime()
    found = None
    async for detail, query, answer in with_loads_back(runtime.cargos):
        if len(answer.items) >= 2:
            found = (detail, query, answer)
            break
    assert found is not None, "no cargo in the sandbox's first 100 has two loads back"
    detail, query, answer = found

    assert not answer.unavailable and len(answer.items) <= 4
    assert detail.id not in [i.id for i in answer.items]
    near = city_ids_within(CITY_BY_ID[query.city_id], RADIUS_KM)
    for item in answer.items:
        assert CITY_BY_NAME[item.points.start.city.name] in near, item.points.start.city.name
        day = loading_day(item)
        assert day is not None and query.day <= day <= query.day + dt.timedelta(days=2)
        assert truck_class_of(item) == query.truck_class
    rates = [price_per_km(i) or 0 for i in answer.items]
    assert rates == sorted(rates, reverse=True)
    assert runtime.cargos.budget is not None
    assert runtime.cargos.budget.stats.by_purpose[Purpose.RETURN_LOADS] >= 1  # charged as loads back

    # A second driver unloading in the same place on the same day costs CargoTech nothing.
    before = sandbox.stats()["total"]
    again = await find_return_loads(runtime.cargos, detail, driver_id=DRIVER + 1, today=TODAY)
    assert [i.id for i in again.items] == [i.id for i in answer.items]
    assert sandbox.stats()["total"] == before


async def test_a_day_cargotech_refused_marks_the_loads_back_partial_until_it_answers(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    probe, runtime = make_runtime(), make_runtime()  # two caches: the probe's reads do not serve the other
    detail = None
    async for candidate, _query, complete in with_loads_back(probe.cargos, min_days=2):
        if not complete.partial and not complete.unavailable:  # every day's page usable as it stands
            detail = candidate
            break
    assert detail is not None

    sandbox.fault(kind="status", status=400, count=1, path_prefix="/v2/cargos/views")  # one day's page
    answer = await find_return_loads(runtime.cargos, detail, driver_id=DRIVER, today=TODAY)
    assert answer.partial and not answer.unavailable
    shown = ReturnLoadsState(_reflex_internal_init=True)
    shown._show(answer, TODAY)
    assert shown.note == "Не все дни загрузились — список может быть неполным, откройте груз позже."

    again = await find_return_loads(runtime.cargos, detail, driver_id=DRIVER, today=TODAY)
    assert not again.partial and [i.id for i in again.items] == [i.id for i in complete.items]
    shown = ReturnLoadsState(_reflex_internal_init=True)
    shown._show(again, TODAY)
    assert not shown.note.startswith("Не все дни")


async def test_loads_back_accept_an_older_shared_page_than_the_feed_does(sandbox, make_runtime):
    """Past the feed's window (and its revalidation) but within FRESH_S, loads back are served
    from the shared pages without a call; the feed reading the same query waits for a fresh one.
    The cache counts each call it made, by purpose. (With the drifted spelling a day's page can
    be all unusable items: that answer is a failure, not cached, and asked again every time.)"""
    sandbox.set_clock(0, frozen=True)
    clock = [time.time()]
    runtime = make_runtime(clock=lambda: clock[0])
    page = await runtime.cargos.list_page(
        {"include": "contacts", "limit": "100", "offset": "0", "filter[mode]": "all", "filter[user_id]": "0"}
    )
    detail = query = None
    for item in page.value.data:
        detail = (await runtime.cargos.detail(item.id)).value
        query = return_query_for(detail)
        if query is not None and query.days(TODAY):
            break
    assert detail is not None and query is not None and query.days(TODAY)
    fills = runtime.cargos.stats.fills

    async def calls_for_loads_back(driver_id: int) -> tuple[int, list[str]]:
        before = sandbox.stats()["list"]  # list calls only: the token's own calls follow the clock too
        answer = await find_return_loads(runtime.cargos, detail, driver_id=driver_id, today=TODAY)
        await runtime.cargos.settle()
        return sandbox.stats()["list"] - before, [i.id for i in answer.items]

    asked = len(query.days(TODAY))
    made, first = await calls_for_loads_back(DRIVER)
    assert made == asked == fills[("list", "return_loads")]
    failing, _ = await calls_for_loads_back(DRIVER + 1)  # at once: only failed days are asked again
    assert failing < asked

    clock[0] += 3 * 60  # three feed windows on
    assert 3 * 60 < FRESH_S
    made, again = await calls_for_loads_back(DRIVER + 2)
    assert made == failing and again == first
    assert fills[("list", "return_loads")] == asked + 2 * failing and fills[("list", "refresh")] == 0

    day = next(d for d in query.days(TODAY))
    before = sandbox.stats()["list"]
    served = await runtime.cargos.list_page(build_query(validate_filters(query.raw_filters(day), today=TODAY)))
    assert not served.refreshing and served.fetched_at == clock[0]  # the feed's own window holds
    assert sandbox.stats()["list"] == before + 1 and fills[("list", "service")] == 2


async def test_every_listed_cargo_is_recorded_once_a_day(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime()
    first = await load_feed_page(runtime.cargos, rates=runtime.lane_rates)
    await load_feed_page(runtime.cargos, rates=runtime.lane_rates)  # the same page again: a cache hit
    await runtime.lane_recorder.flush()
    with Session(runtime.lane_recorder._engine) as session:
        rows = list(session.exec(select(LaneObservation)))
    ids = [row.cargo_id for row in rows]
    assert len(ids) == len(set(ids)) > PAGE_SIZE // 2
    assert set(ids) <= {card["id"] for card in first.cards}
    assert all(row.per_km > 0 and row.from_city_id and row.to_city_id for row in rows)
    # The badge needs five cargos on a lane in the window: a fresh database has too few.
    assert all(card["market"] == "" for card in first.cards)


async def test_the_states_load_save_and_open_loads_back(sandbox, wired):
    """ReturnLoadsState as Reflex calls it: the cards, an alerting search named the driver's way,
    and «Все» leaving the feed's filters on the unloading city; RatesState asks for a direction.
    The exchange runs on today's date: saving checks the loading date against the real today."""
    sandbox.set_clock(0.0 if sandbox.pinned_at is None else time.time() - sandbox.pinned_at, frozen=True)
    runtime, _requests = wired
    page = await runtime.cargos.list_page(
        {"include": "contacts", "limit": "100", "offset": "0", "filter[mode]": "all", "filter[user_id]": "0"}
    )
    root = await signed_in_tree(DRIVER)
    state = await root.get_state(ReturnLoadsState)
    for item in page.value.data:
        await run_handler(root, ReturnLoadsState, "load_for", {"cargo_id": item.id})
        if state.cards:
            break
    assert state.cards and state.title.startswith("из ") and not state.loading
    query = return_query_for((await runtime.cargos.detail(state.for_cargo)).value)
    assert query is not None

    await run_handler(root, ReturnLoadsState, "save_search", {})
    [saved] = await runtime.searches.list_for(DRIVER)
    assert saved.name == query.search_name() and saved.alerts_on
    assert saved.filters["from_id"] == str(query.city_id) and saved.filters["from_radius"] == str(RADIUS_KM)

    await run_handler(root, ReturnLoadsState, "open_all", {})
    feed = await root.get_state(FeedState)
    assert feed.form["from_id"] == str(query.city_id) and feed.form["weight_class"] == query.truck_class

    await run_handler(root, RatesState, "load", {})
    rates = await root.get_state(RatesState)
    assert rates.note == CHOOSE_DIRECTION and rates.bars == []  # «Куда» is not set yet
