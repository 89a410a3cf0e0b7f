"""Honest freshness of the shared list cache, on a fixed clock the test moves by hand: while
CargoTech is healthy nothing older than the window is served unmarked, and nothing older than
two windows is served at all; when CargoTech fails, old pages are served flagged stale."""

import pytest

from services.feed.filters import base_query
from services.feed.loading import load_feed_page
from tests.support.fakes import ManualClock

WINDOW = 60.0
T0 = 1_800_000_000.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def runtime(make_runtime, clock):
    return make_runtime(clock=clock, list_cache_fresh_s=WINDOW)


async def test_inside_the_window_the_page_is_served_as_it_is(runtime, sandbox, clock):
    first = await runtime.cargos.list_page(base_query())
    clock.now += WINDOW - 1
    again = await runtime.cargos.list_page(base_query())
    assert again.fetched_at == first.fetched_at == T0
    assert not again.stale and not again.refreshing
    assert sandbox.stats()["list"] == 1


async def test_past_the_window_the_page_is_flagged_refreshing_and_the_refresh_lands(runtime, sandbox, clock):
    await runtime.cargos.list_page(base_query())
    clock.now += WINDOW + 10
    served = await runtime.cargos.list_page(base_query())
    assert served.fetched_at == T0 and served.refreshing and not served.stale
    await runtime.cargos.settle()
    assert sandbox.stats()["list"] == 2
    landed = await runtime.cargos.list_page(base_query())
    assert landed.fetched_at == clock.now and not landed.refreshing and not landed.stale


async def test_past_two_windows_a_healthy_cargotech_is_asked_before_anything_is_shown(runtime, sandbox, clock):
    await runtime.cargos.list_page(base_query())
    clock.now += 2 * WINDOW + 1
    served = await runtime.cargos.list_page(base_query())
    assert served.fetched_at == clock.now
    assert not served.stale and not served.refreshing
    assert sandbox.stats()["list"] == 2


async def test_past_two_windows_a_failing_cargotech_gets_the_old_page_flagged_stale(runtime, sandbox, clock):
    await runtime.cargos.list_page(base_query())
    clock.now += 4 * WINDOW
    sandbox.fault(kind="status", status=500, count=1, path_prefix="/v2/cargos")
    served = await runtime.cargos.list_page(base_query())
    assert served.fetched_at == T0 and served.stale
    # The key is known to fail now: the next read inside the keep time is flagged at once, and
    # a refresh goes out behind it; once it lands the page is fresh and the flag is gone.
    again = await runtime.cargos.list_page(base_query())
    assert again.stale
    await runtime.cargos.settle()
    healed = await runtime.cargos.list_page(base_query())
    assert healed.fetched_at == clock.now and not healed.stale


async def test_with_the_breaker_open_a_page_past_its_window_is_flagged_stale(make_runtime, sandbox, clock):
    runtime = make_runtime(clock=clock, list_cache_fresh_s=WINDOW, breaker_failure_threshold=1)
    await runtime.cargos.list_page(base_query())
    runtime.breaker.record_failure()
    assert runtime.breaker.state == "open"
    clock.now += WINDOW + 5
    served = await runtime.cargos.list_page(base_query())
    assert served.stale and served.fetched_at == T0


async def test_the_feed_page_carries_the_refreshing_flag_for_the_screen(runtime, clock):
    await load_feed_page(runtime.cargos)
    clock.now += WINDOW + 1
    page = await load_feed_page(runtime.cargos)
    assert page.refreshing and not page.stale and page.fetched_at == T0
    await runtime.cargos.settle()
    page = await load_feed_page(runtime.cargos)
    assert not page.refreshing and page.fetched_at == clock.now
