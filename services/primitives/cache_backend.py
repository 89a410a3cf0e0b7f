"""Byte caches with a TTL: in-process by default, Redis when several workers should share one.

A cache only saves upstream calls, so a Redis outage must never reach a driver: `make_cache` wraps
the Redis cache in `FallthroughCache`, which turns the outage into misses and lets callers go to the
upstream directly until Redis returns.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from redis.asyncio import Redis

from services.primitives.redis_conn import REDIS_DOWN, RedisHealth

log = logging.getLogger(__name__)

T = TypeVar("T")


class CacheUnavailable(Exception):
    """The cache's store cannot be reached; treat it as a miss."""


class CacheBackend(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        """Store `value` for `ttl_s` seconds; a TTL <= 0 stores nothing (and drops any old value)."""
        ...

    async def delete(self, key: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryCache:
    """TTL + LRU in one OrderedDict: every operation is O(1) and memory stays bounded.

    Expired entries are dropped when read or when they reach the LRU end; no sweeper is needed.
    """

    def __init__(self, max_entries: int = 10_000, *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()  # key -> (expires_at, value)

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        if ttl_s <= 0:
            self._entries.pop(key, None)
            return
        self._entries[key] = (self._clock() + ttl_s, value)
        self._entries.move_to_end(key)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    async def aclose(self) -> None:
        self._entries.clear()


class RedisCache:
    """Keys live under `prefix` with a native Redis TTL. The client must not decode responses."""

    def __init__(self, client: Redis, prefix: str = "ct:") -> None:
        self._client = client
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        return await self._call(self._client.get(self._prefix + key))

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        if ttl_s <= 0:
            await self.delete(key)
            return
        # PX takes whole milliseconds; round up, as Redis refuses a TTL of 0.
        await self._call(self._client.set(self._prefix + key, value, px=math.ceil(ttl_s * 1000)))

    async def delete(self, key: str) -> None:
        await self._call(self._client.delete(self._prefix + key))

    async def aclose(self) -> None:
        # The client is shared with the locks and the rate bucket; whoever created it closes it.
        pass

    @staticmethod
    async def _call(command: Awaitable[T]) -> T:
        try:
            return await command
        except REDIS_DOWN as exc:
            raise CacheUnavailable(str(exc)) from exc


class FallthroughCache:
    """Serves `primary` while it works; while it is unavailable every get misses and writes are dropped.

    A dropped delete leaves the old value in Redis until its TTL runs out: keep TTLs short for data
    that gets invalidated.
    """

    def __init__(self, primary: CacheBackend, *, retry_after_s: float = 1.0) -> None:
        self._primary = primary
        self._health = RedisHealth("the cache", log, retry_after_s=retry_after_s)

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    async def get(self, key: str) -> bytes | None:
        return await self._guarded(lambda: self._primary.get(key))

    async def set(self, key: str, value: bytes, ttl_s: float) -> None:
        await self._guarded(lambda: self._primary.set(key, value, ttl_s))

    async def delete(self, key: str) -> None:
        await self._guarded(lambda: self._primary.delete(key))

    async def aclose(self) -> None:
        await self._primary.aclose()

    async def _guarded(self, operation: Callable[[], Awaitable[T]]) -> T | None:
        return await self._health.call(operation, None, outage=(CacheUnavailable,))


def make_cache(redis_client: Redis | None) -> CacheBackend:
    return FallthroughCache(RedisCache(redis_client)) if redis_client is not None else MemoryCache()


def make_lookup_cache(redis_client: Redis | None, max_entries: int = 2_000) -> CacheBackend:
    """The cache for miss-prone entries (autocomplete texts, details of ids no list showed). In
    process it is its own bounded LRU, so these cannot evict the shared pages. Redis has one
    memory pool: there the per-driver budget and shorter TTLs bound how much they take."""
    if redis_client is not None:
        return FallthroughCache(RedisCache(redis_client, prefix="ct:lookup:"))
    return MemoryCache(max_entries)


async def read_json_object(cache: CacheBackend, key: str) -> dict[str, Any] | None:
    """A JSON object stored under `key`, or None when it is missing or not a JSON object
    (a corrupt or foreign entry reads as a miss, never as an error)."""
    raw = await cache.get(key)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
