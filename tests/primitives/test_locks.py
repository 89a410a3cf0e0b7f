"""Locks: one holder at a time, LockTimeout, TTL expiry of a dead holder, process-local fallback."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from services.primitives.locks import LockFactory, LockTimeout, ProcessLocks, RedisLocks, make_locks


async def max_concurrent_holders(factories: list[LockFactory], tasks: int = 20) -> int:
    """Run `tasks` tasks over the factories (round robin), each holding "login" briefly."""
    holders = peak = entered = 0

    async def worker(locks: LockFactory) -> None:
        nonlocal holders, peak, entered
        async with locks.hold("login", ttl_s=5, wait_s=10):
            holders += 1
            entered += 1
            peak = max(peak, holders)
            await asyncio.sleep(0.005)
            holders -= 1

    await asyncio.gather(*(worker(factories[i % len(factories)]) for i in range(tasks)))
    assert entered == tasks
    return peak


async def test_process_locks_admit_one_holder_at_a_time():
    assert await max_concurrent_holders([ProcessLocks()]) == 1


async def test_redis_locks_admit_one_holder_at_a_time(redis_client, unique):
    # One RedisLocks per task, as if each were its own worker: only Redis keeps them apart.
    factories = [RedisLocks(redis_client, prefix=unique, poll_s=0.005) for _ in range(20)]
    assert await max_concurrent_holders(factories) == 1


async def test_process_locks_time_out():
    locks = ProcessLocks()
    async with locks.hold("login", ttl_s=5, wait_s=1):
        with pytest.raises(LockTimeout):
            async with locks.hold("login", ttl_s=5, wait_s=0.05):
                pass
        async with locks.hold("other", ttl_s=5, wait_s=0):  # names are independent
            pass
    async with locks.hold("login", ttl_s=5, wait_s=0):  # released, also after the timeout
        pass


async def test_redis_locks_time_out(redis_client, unique):
    first, second = RedisLocks(redis_client, prefix=unique), RedisLocks(redis_client, prefix=unique)
    async with first.hold("login", ttl_s=5, wait_s=1):
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            async with second.hold("login", ttl_s=5, wait_s=0.2):
                pass
        assert time.monotonic() - started >= 0.2
    async with second.hold("login", ttl_s=5, wait_s=0):
        pass


async def test_redis_lock_of_a_dead_holder_expires_after_its_ttl(redis_client, unique, caplog):
    dead, alive = RedisLocks(redis_client, prefix=unique), RedisLocks(redis_client, prefix=unique)
    held = dead.hold("login", ttl_s=0.3, wait_s=1)
    await held.__aenter__()  # the holder "dies": it never leaves the block in time
    started = time.monotonic()
    async with alive.hold("login", ttl_s=5, wait_s=3):
        assert time.monotonic() - started >= 0.2
        # The late holder finally exits: it must not release the lock that is now someone else's.
        await held.__aexit__(None, None, None)
        assert await redis_client.exists(unique + "login")
    assert not await redis_client.exists(unique + "login")
    assert any("expired before its holder finished" in r.message for r in caplog.records)


async def test_redis_locks_fall_back_to_process_locks_when_redis_is_down(flaky_redis, flaky_client, caplog):
    locks = RedisLocks(flaky_client, poll_s=0.005)
    flaky_redis.stop()
    assert await max_concurrent_holders([locks]) == 1
    assert locks.degraded
    warnings = [r for r in caplog.records if r.name == "services.primitives.locks" and r.levelno == logging.WARNING]
    assert len(warnings) == 1


async def test_make_locks_picks_the_backend(redis_client):
    assert isinstance(make_locks(None), ProcessLocks)
    assert isinstance(make_locks(redis_client), RedisLocks)
