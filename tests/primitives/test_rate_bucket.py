"""Rate buckets: never more than `limit` in any 60 s window, timeouts, penalties, snapshots, Redis outages."""

from __future__ import annotations

import asyncio
import logging
import random
import time

import pytest

from services.primitives.rate_bucket import (
    MemoryRateBucket,
    RateBudgetExceeded,
    RedisRateBucket,
    make_rate_bucket,
)
from services.primitives.redis_conn import make_redis_client
from tests.primitives.budget_checks import assert_bucket_shape, max_in_window


async def test_memory_bucket_never_exceeds_the_limit_in_any_minute(clock):
    """Busy spells of demand far above the budget, then idle spells that let the bucket fill up."""
    bucket = MemoryRateBucket(limit=60, burst=5, clock=clock)
    rng = random.Random(1)
    granted: list[float] = []
    for _ in range(10):
        busy_until = clock.now + rng.uniform(30, 200)
        while clock.now < busy_until:
            for _ in range(rng.randint(1, 4)):
                try:
                    await bucket.acquire(timeout_s=0)
                except RateBudgetExceeded:
                    continue
                granted.append(clock.now)
            clock.advance(rng.uniform(0, 0.3))
        clock.advance(rng.uniform(0, 90))
    # Never more than the budget, yet nearly all of it is usable (demand comes in discrete steps).
    assert 58 <= max_in_window(granted, 60) <= 60
    assert_bucket_shape(granted, limit=60, burst=5, slack_tokens=1e-6)


async def test_memory_bucket_timeout_reports_when_the_next_token_is_due(clock):
    bucket = MemoryRateBucket(limit=61, burst=1, clock=clock)  # one token a second
    await bucket.acquire(timeout_s=0)
    clock.advance(0.25)
    with pytest.raises(RateBudgetExceeded) as raised:
        await bucket.acquire(timeout_s=0.5)
    assert raised.value.retry_in_s == pytest.approx(0.75)
    clock.advance(0.75)
    await bucket.acquire(timeout_s=0)


async def test_memory_bucket_waits_for_tokens_in_real_time():
    bucket = MemoryRateBucket(limit=6001, burst=1)  # one token every 10 ms
    started = time.monotonic()
    for _ in range(11):
        await bucket.acquire()
    assert time.monotonic() - started >= 0.1 - 0.005
    assert (await bucket.snapshot())["throttled_total"] == 10


async def test_memory_bucket_penalty_blocks_everyone(clock):
    bucket = MemoryRateBucket(limit=600, burst=30, clock=clock)
    await bucket.penalise(10)
    await bucket.penalise(2)  # never shortens a penalty in force
    with pytest.raises(RateBudgetExceeded) as raised:
        await bucket.acquire(timeout_s=5)
    assert raised.value.retry_in_s == pytest.approx(10)
    assert (await bucket.snapshot())["available"] == 0
    clock.advance(10)
    await bucket.acquire(timeout_s=0)


async def test_memory_bucket_snapshot(clock):
    bucket = MemoryRateBucket(limit=65, burst=5, clock=clock)  # refills one token a second
    for _ in range(5):
        await bucket.acquire(timeout_s=0)
    with pytest.raises(RateBudgetExceeded):
        await bucket.acquire(timeout_s=0)
    assert await bucket.snapshot() == {"limit": 65, "available": 0, "acquired_last_minute": 5, "throttled_total": 1}
    clock.advance(30)
    await bucket.acquire(timeout_s=0)
    snap = await bucket.snapshot()
    assert (snap["available"], snap["acquired_last_minute"]) == (4, 6)
    clock.advance(31)  # the first five are now more than a minute old
    assert (await bucket.snapshot())["acquired_last_minute"] == 1
    clock.advance(60)
    assert await bucket.snapshot() == {"limit": 65, "available": 5, "acquired_last_minute": 0, "throttled_total": 1}


@pytest.mark.parametrize(("limit", "burst"), [(10, 0), (10, 10), (10, 11)])
def test_bucket_rejects_a_burst_that_leaves_no_refill(limit, burst):
    with pytest.raises(ValueError):
        MemoryRateBucket(limit=limit, burst=burst)


async def test_redis_bucket_is_shared_by_independent_clients(redis_server, unique):
    """Two "workers" (own client, own bucket object) hammer one budget for 1.5 s."""
    limit, burst = 600, 5  # refills ~9.9 tokens/s
    clients = [make_redis_client(redis_server.url) for _ in range(2)]
    buckets = [RedisRateBucket(c, key=unique + "bucket", limit=limit, burst=burst) for c in clients]
    granted: list[float] = []
    deadline = time.monotonic() + 1.5

    async def hammer(bucket: RedisRateBucket) -> None:
        while True:
            try:
                await bucket.acquire(timeout_s=deadline - time.monotonic())
            except RateBudgetExceeded:
                return
            granted.append(time.monotonic())

    try:
        await asyncio.gather(*(hammer(buckets[i % 2]) for i in range(6)))
    finally:
        for client in clients:
            await client.aclose()
    assert burst < len(granted) <= limit
    # One token of slack for the delay between Redis granting a token and the task noting the time.
    assert_bucket_shape(granted, limit=limit, burst=burst, slack_tokens=1)


async def test_redis_bucket_timeout(redis_client, unique):
    bucket = RedisRateBucket(redis_client, key=unique + "bucket", limit=61, burst=1)  # one token a second
    await bucket.acquire(timeout_s=0)
    started = time.monotonic()
    with pytest.raises(RateBudgetExceeded) as raised:
        await bucket.acquire(timeout_s=0.3)
    assert time.monotonic() - started < 0.3  # gives up at once rather than sleeping in vain
    assert 0.8 < raised.value.retry_in_s <= 1.0


async def test_redis_penalty_is_seen_by_every_worker(redis_server, redis_client, unique):
    other_client = make_redis_client(redis_server.url)
    try:
        hit_429 = RedisRateBucket(redis_client, key=unique + "bucket")
        other = RedisRateBucket(other_client, key=unique + "bucket")
        await hit_429.penalise(0.4)
        with pytest.raises(RateBudgetExceeded) as raised:
            await other.acquire(timeout_s=0)
        assert 0.3 < raised.value.retry_in_s <= 0.4
        started = time.monotonic()
        await other.acquire()
        assert time.monotonic() - started >= 0.3
    finally:
        await other_client.aclose()


async def test_redis_bucket_snapshot(redis_client, unique):
    bucket = RedisRateBucket(redis_client, key=unique + "bucket", limit=65, burst=5)
    assert await bucket.snapshot() == {"limit": 65, "available": 5, "acquired_last_minute": 0, "throttled_total": 0}
    for _ in range(5):
        await bucket.acquire(timeout_s=0)
    with pytest.raises(RateBudgetExceeded):
        await bucket.acquire(timeout_s=0)
    assert await bucket.snapshot() == {"limit": 65, "available": 0, "acquired_last_minute": 5, "throttled_total": 1}
    await bucket.penalise(30)
    assert (await bucket.snapshot())["available"] == 0


async def test_redis_bucket_falls_back_to_this_process_while_redis_is_down(flaky_redis, flaky_client, caplog):
    bucket = RedisRateBucket(flaky_client, limit=65, burst=5, retry_after_s=0)
    await bucket.acquire(timeout_s=0)
    flaky_redis.stop()
    for _ in range(5):  # the local bucket is full: no driver waits on the outage
        await bucket.acquire(timeout_s=0)
    with pytest.raises(RateBudgetExceeded):
        await bucket.acquire(timeout_s=0)
    await bucket.penalise(1)
    assert (await bucket.snapshot())["acquired_last_minute"] == 5
    assert bucket.degraded
    warnings = [r for r in caplog.records if r.name == "services.primitives.rate_bucket" and r.levelno == logging.WARNING]
    assert len(warnings) == 1

    flaky_redis.start()  # empty: a fresh shared bucket
    await bucket.acquire(timeout_s=0)
    assert not bucket.degraded
    assert (await bucket.snapshot())["acquired_last_minute"] == 1


async def test_make_rate_bucket_picks_the_backend(redis_client):
    assert isinstance(make_rate_bucket(None), MemoryRateBucket)
    bucket = make_rate_bucket(redis_client, limit=120, burst=10)
    assert isinstance(bucket, RedisRateBucket)
    assert bucket.limit == 120
