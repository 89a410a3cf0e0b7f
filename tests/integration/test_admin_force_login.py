"""The admin's forced login (services.cargotech.admin_actions): one per 30 s across admins, every attempt
in the token's audit trail. Against the CargoTech stand-in."""

from __future__ import annotations

import asyncio

from services.cargotech.admin_actions import FORCE_EVERY_S, ForceOutcome, force_login
from services.primitives.cache_backend import MemoryCache
from tests.support.fakes import ManualClock
from tests.support.redis_server import RedisServer


async def _force(runtime, cache, admin_id: int):
    return await force_login(runtime.tokens, cache, runtime.locks, admin_id)


async def _outcomes(runtime) -> list[str]:
    rows = await runtime.tokens.recent_audit(50)
    return [row.outcome for row in sorted(rows, key=lambda r: r.id) if row.event == "admin_force_login"]


async def test_one_forced_login_per_interval_across_admins(make_runtime):
    clock = ManualClock(1_800_000_000.0)
    runtime, cache = make_runtime(), MemoryCache(clock=clock)  # the shared cache, on a clock we move
    first = await _force(runtime, cache, 1)
    assert first.outcome is ForceOutcome.OK and first.token is not None
    assert (await _force(runtime, cache, 2)).outcome is ForceOutcome.THROTTLED  # another admin, same window
    clock.now += FORCE_EVERY_S + 1
    again = await _force(runtime, cache, 2)
    assert again.outcome is ForceOutcome.OK and again.token.token_id != first.token.token_id
    assert await _outcomes(runtime) == ["ok", "throttled", "ok"]


async def test_two_workers_pressing_at_once_make_one_login(make_runtime):
    """Two workers on one Redis: the check and the mark are one step, so only one login goes out."""
    with RedisServer() as redis_server:
        a, b = make_runtime(redis_url=redis_server.url), make_runtime(redis_url=redis_server.url)
        results = await asyncio.gather(_force(a, a.cache, 1), _force(b, b.cache, 2))
        assert sorted(r.outcome for r in results) == [ForceOutcome.OK, ForceOutcome.THROTTLED]
