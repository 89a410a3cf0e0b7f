"""Caches: in-memory TTL + LRU, Redis round trip, and falling through to misses while Redis is down."""

from __future__ import annotations

import asyncio
import logging

import pytest

from services.primitives.cache_backend import CacheUnavailable, FallthroughCache, MemoryCache, RedisCache, make_cache


def warnings_from(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


async def test_memory_cache_expires_entries_after_their_ttl(clock):
    cache = MemoryCache(clock=clock)
    await cache.set("a", b"1", ttl_s=10)
    clock.advance(9.9)
    assert await cache.get("a") == b"1"
    clock.advance(0.1)
    assert await cache.get("a") is None
    assert len(cache) == 0


async def test_memory_cache_evicts_the_least_recently_used(clock):
    cache = MemoryCache(max_entries=3, clock=clock)
    for key in "abc":
        await cache.set(key, key.encode(), ttl_s=60)
    await cache.get("a")  # a is now the most recently used; b is the oldest
    await cache.set("d", b"d", ttl_s=60)
    assert len(cache) == 3
    assert await cache.get("b") is None
    assert [await cache.get(k) for k in "acd"] == [b"a", b"c", b"d"]


async def test_memory_cache_overwrite_delete_and_non_positive_ttl(clock):
    cache = MemoryCache(clock=clock)
    await cache.set("a", b"1", ttl_s=5)
    await cache.set("a", b"2", ttl_s=50)
    clock.advance(10)
    assert await cache.get("a") == b"2"
    await cache.set("a", b"3", ttl_s=0)
    assert await cache.get("a") is None
    await cache.set("b", b"1", ttl_s=5)
    await cache.delete("b")
    await cache.delete("never-set")
    assert await cache.get("b") is None


async def test_redis_cache_round_trip_with_ttl(redis_client, unique):
    cache = RedisCache(redis_client, prefix=unique)
    await cache.set("k", b"\x00binary\xff", ttl_s=0.3)
    assert await cache.get("k") == b"\x00binary\xff"
    assert 0 < await redis_client.pttl(unique + "k") <= 300
    await asyncio.sleep(0.4)
    assert await cache.get("k") is None
    await cache.set("k", b"v", ttl_s=60)
    await cache.delete("k")
    assert await cache.get("k") is None
    assert await cache.get("missing") is None


async def test_redis_cache_raises_cache_unavailable_when_redis_is_down(flaky_redis, flaky_client):
    cache = RedisCache(flaky_client)
    flaky_redis.stop()
    for operation in (lambda: cache.get("k"), lambda: cache.set("k", b"v", 10), lambda: cache.delete("k")):
        with pytest.raises(CacheUnavailable):
            await operation()


async def test_fallthrough_cache_misses_quietly_while_redis_is_down_and_resumes(flaky_redis, flaky_client, caplog):
    # retry_after_s=0: try Redis on every call, the worst case for log spam.
    cache = FallthroughCache(RedisCache(flaky_client), retry_after_s=0)
    await cache.set("k", b"v", ttl_s=60)
    assert await cache.get("k") == b"v"
    assert not cache.degraded

    flaky_redis.stop()
    for _ in range(50):
        assert await cache.get("k") is None
        await cache.set("k", b"other", ttl_s=60)
        await cache.delete("k")
    assert cache.degraded
    assert len(warnings_from(caplog, "services.primitives.cache_backend")) == 1

    flaky_redis.start()  # empty again: nothing was persisted
    assert await cache.get("k") is None
    await cache.set("k", b"back", ttl_s=60)
    assert await cache.get("k") == b"back"
    assert not cache.degraded
    assert len(warnings_from(caplog, "services.primitives.cache_backend")) == 1


async def test_fallthrough_cache_skips_redis_between_probes(flaky_redis, flaky_client):
    cache = FallthroughCache(RedisCache(flaky_client), retry_after_s=60)
    flaky_redis.stop()
    assert await cache.get("k") is None  # finds Redis down
    flaky_redis.start()
    await flaky_client.set("ct:k", b"v")
    assert await cache.get("k") is None  # not asked again before retry_after_s
    assert cache.degraded


async def test_make_cache_picks_the_backend(redis_client):
    assert isinstance(make_cache(None), MemoryCache)
    assert isinstance(make_cache(redis_client), FallthroughCache)
