"""Three drivers sending autocomplete texts and random cargo ids (always cache misses) against
the sandbox, while a fourth opens an uncached feed: the fourth is served, the three are held to
their own budget, and the feed keeps its share of the account's minute. Counts, not latency."""

from __future__ import annotations

import asyncio

from services.cargotech.errors import CargoNotFound, CargoTechError
from services.cargotech.upstream_budget import Caller, DriverOverBudget, Purpose, UpstreamBudget
from services.feed.cache import CargoService
from services.feed.filters import validate_filters
from services.feed.loading import load_feed_page
from services.primitives.cache_backend import MemoryCache
from services.primitives.rate_bucket import MemoryRateBucket

ABUSERS = (701, 702, 703)
HONEST = 704
ATTEMPTS = 120  # per abuser: 60 autocomplete texts, 60 unknown cargo ids
ACCOUNT = 600


def one_minute_budget(runtime, **limits) -> UpstreamBudget:
    """The runtime's budget with its clock stopped: everything below happens within one minute,
    so the counts do not depend on how fast this machine runs the test."""

    def frozen() -> float:
        return 1000.0

    lookup_share = ACCOUNT // 2
    budget = UpstreamBudget(
        account_limit=ACCOUNT,
        clock=frozen,
        notifier=runtime.notifier,
        lookup_bucket=MemoryRateBucket(lookup_share, lookup_share - 1, clock=frozen),
        **limits,
    )
    runtime.cargos.budget = budget
    return budget


async def abuse(runtime, driver_id: int, tally: dict[str, int], attempts: int = ATTEMPTS) -> None:
    for n in range(attempts // 2):
        for call in (
            lambda n=n: runtime.cargos.points(f"Город{driver_id}x{n}", caller=Caller.lookup(driver_id)),
            lambda n=n: runtime.cargos.detail(str(9_000_000_000 + driver_id * 1000 + n), caller=Caller.lookup(driver_id)),
        ):
            try:
                await call()
                tally["served"] += 1
            except DriverOverBudget:
                tally["refused"] += 1
            except CargoNotFound:
                tally["served"] += 1  # CargoTech was asked and answered «снят»
            await asyncio.sleep(0)


async def honest_feed(runtime, tally: dict[str, int]) -> None:
    """A driver opening new filters (uncached) and scrolling: every page must come back."""
    for price_min in (1000, 2000, 3000):
        filters = validate_filters({"price_min": str(price_min)})
        offset = 0
        for _page in range(3):
            try:
                page = await load_feed_page(
                    runtime.cargos, filters, offset=offset, caller=Caller(HONEST, Purpose.FEED, charged=offset == 0)
                )
            except CargoTechError as exc:
                tally["refused"] += 1
                tally["errors"].append(repr(exc))
                break
            tally["served"] += 1
            if page.next_offset is None:
                break
            offset = page.next_offset
            await asyncio.sleep(0)


async def test_three_abusive_drivers_cannot_starve_a_fourths_uncached_feed(make_runtime, sandbox):
    # The client's own bucket is raised so no call waits on it (how long the account's bucket
    # makes a call wait depends on this machine's speed; benchmarks/abusive_drivers.py measures
    # that). The budget under test counts against the account's 600 a minute.
    runtime = make_runtime(cargotech_rate_limit_per_min=100_000)
    stats = one_minute_budget(runtime).stats
    before = sandbox.stats()
    tallies = {d: {"served": 0, "refused": 0} for d in ABUSERS}
    honest = {"served": 0, "refused": 0, "errors": []}
    await asyncio.gather(*(abuse(runtime, d, tallies[d]) for d in ABUSERS), honest_feed(runtime, honest))
    after = sandbox.stats()

    # The fourth driver: every page served, nothing refused.
    assert honest["refused"] == 0, honest["errors"]
    assert honest["served"] >= 3
    # Each abuser: its own 30 lookups a minute, the rest refused with the Russian notice.
    for driver in ABUSERS:
        assert tallies[driver] == {"served": 30, "refused": ATTEMPTS - 30}, (driver, tallies[driver])
    # Upstream: what the abusers cost is bounded by their budgets, 90 of the account's 600.
    abusers_share = sum(stats.served[d] for d in ABUSERS) / ACCOUNT
    assert abusers_share <= 0.15
    assert sum(stats.refused[d] for d in ABUSERS) == 3 * (ATTEMPTS - 30)
    upstream_lookups = (after["points"] - before["points"]) + (after["detail"] - before["detail"])
    assert upstream_lookups == 3 * 30
    assert stats.refused[HONEST] == 0


async def test_many_abusers_together_get_at_most_the_lookup_share_and_the_feed_is_still_served(make_runtime, sandbox):
    runtime = make_runtime(cargotech_rate_limit_per_min=100_000)  # as above
    stats = one_minute_budget(runtime).stats
    abusers = range(801, 821)  # 20 drivers × 30 lookups would be 600: the whole minute
    tallies = {d: {"served": 0, "refused": 0} for d in abusers}
    honest = {"served": 0, "refused": 0, "errors": []}
    before = sandbox.stats()
    await asyncio.gather(*(abuse(runtime, d, tallies[d], attempts=40) for d in abusers), honest_feed(runtime, honest))
    after = sandbox.stats()
    assert honest["refused"] == 0 and honest["served"] >= 3, honest["errors"]
    assert all(t["served"] <= 30 for t in tallies.values())
    assert stats.by_purpose[Purpose.LOOKUP] == ACCOUNT // 2 - 1  # the lookup share, and no more
    assert (after["points"] - before["points"]) + (after["detail"] - before["detail"]) == ACCOUNT // 2 - 1
    assert stats.by_purpose[Purpose.FEED] >= 3


async def test_lookups_cannot_evict_the_shared_pages(make_runtime):
    runtime = make_runtime(cargotech_rate_limit_per_min=100_000)  # this test is about the cache, not the budget
    query = {"limit": "20", "offset": "0"}

    async def evicted(service: CargoService) -> bool:
        await service.list_page(query)
        for n in range(60):
            await service.points(f"Посёлок{n}")
        misses = service.stats.misses["list"]
        await service.list_page(query)
        return service.stats.misses["list"] > misses

    shared = MemoryCache(max_entries=40)
    one_pool = CargoService(runtime.cargos.client, shared, runtime.locks)
    assert await evicted(one_pool)  # without a separate cache, 60 texts push the page out
    separate = CargoService(
        runtime.cargos.client, MemoryCache(max_entries=40), runtime.locks, lookup_cache=MemoryCache(max_entries=20)
    )
    assert not await evicted(separate)
