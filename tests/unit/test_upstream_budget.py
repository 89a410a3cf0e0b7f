"""The per-driver and per-purpose budget in front of CargoTech (fixed clocks, no network)."""

import pytest

from services.cargotech.upstream_budget import OVER_BUDGET, Caller, DriverOverBudget, Purpose, UpstreamBudget
from services.primitives.rate_bucket import MemoryRateBucket
from tests.support.fakes import ManualClock, RecordingAlerts


async def spend(budget: UpstreamBudget, caller: Caller, times: int) -> tuple[int, int]:
    served = refused = 0
    for _ in range(times):
        try:
            await budget.admit(caller)
            served += 1
        except DriverOverBudget as exc:
            assert exc.user_message == OVER_BUDGET
            refused += 1
    return served, refused


async def test_a_driver_gets_30_lookups_a_minute_then_a_russian_refusal():
    clock = ManualClock(1000.0)
    budget = UpstreamBudget(clock=clock)
    assert await spend(budget, Caller.lookup(1), 45) == (30, 15)
    assert await spend(budget, Caller.lookup(2), 5) == (5, 0)  # another driver is not affected
    clock.now += 60
    assert await spend(budget, Caller.lookup(1), 1) == (1, 0)  # the window slides
    assert "Подождите" in OVER_BUDGET


async def test_scrolled_feed_pages_are_not_charged_to_the_lookup_budget():
    budget = UpstreamBudget(clock=ManualClock(1000.0))
    assert await spend(budget, Caller(1, Purpose.FEED, charged=True), 35) == (30, 5)  # new filters
    assert await spend(budget, Caller(1, Purpose.FEED), 20) == (20, 0)  # pages after them


async def test_past_a_fifth_of_the_account_a_driver_is_refused_and_the_admins_told_once():
    clock, alerts = ManualClock(1000.0), RecordingAlerts()
    budget = UpstreamBudget(account_limit=600, driver_share=0.2, notifier=alerts, clock=clock)
    assert budget.driver_ceiling == 120
    assert await spend(budget, Caller(7, Purpose.FEED), 150) == (120, 30)
    assert len(alerts.sent) == 1
    level, key, text = alerts.sent[0]
    assert key == "driver_budget:7" and "7" in text and "20 %" in text and "CargoTech" in text
    clock.now += 61
    assert await spend(budget, Caller(7, Purpose.FEED), 1) == (1, 0)
    assert len(alerts.sent) == 1  # not again within ten minutes


async def test_all_lookups_together_take_at_most_their_share_and_the_feed_the_rest():
    clock = ManualClock(1000.0)
    lookups = MemoryRateBucket(limit=300, burst=15, clock=clock)
    budget = UpstreamBudget(lookup_bucket=lookups, per_driver_lookups=1000, driver_share=1.0, clock=clock)
    served = 0
    for driver in range(100):
        served += (await spend(budget, Caller.lookup(driver), 1))[0]
    assert served == 15  # the lookup bucket's burst; the feed's share stays untouched
    assert await spend(budget, Caller(500, Purpose.FEED, charged=True), 10) == (10, 0)


async def test_loads_back_together_take_at_most_their_share_and_leave_the_feed_and_lookups_alone():
    clock = ManualClock(1000.0)
    returns = MemoryRateBucket(limit=120, burst=6, clock=clock)
    budget = UpstreamBudget(return_loads_bucket=returns, per_driver_lookups=1000, driver_share=1.0, clock=clock)
    served = 0
    for driver in range(50):
        served += (await spend(budget, Caller(driver, Purpose.RETURN_LOADS, charged=True), 3))[0]
    assert served == 6  # the bucket's burst for everyone together
    assert await spend(budget, Caller(500, Purpose.FEED), 10) == (10, 0)
    assert await spend(budget, Caller.lookup(501), 10) == (10, 0)
    clock.now += 1.1  # (120 - 6) / 60 = 1.9 a second come back: two
    assert await spend(budget, Caller(502, Purpose.RETURN_LOADS, charged=True), 3) == (2, 1)


async def test_the_services_own_calls_are_never_refused():
    budget = UpstreamBudget(per_driver_lookups=1, clock=ManualClock(1000.0))
    for _ in range(1000):
        await budget.admit(None)


@pytest.mark.parametrize("share", [0.2, 0.5])
async def test_memory_stays_bounded_with_many_drivers(share):
    budget = UpstreamBudget(clock=ManualClock(1000.0), max_drivers=100, driver_share=share)
    for driver in range(1000):
        await budget.admit(Caller.lookup(driver))
    assert len(budget._charged) == 100 and len(budget._caused) == 100
