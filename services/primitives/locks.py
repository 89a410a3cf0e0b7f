"""Named mutual exclusion, e.g. "exactly one CargoTech login at a time across all workers".

`ProcessLocks` serves a single process (the embedded default); `RedisLocks` spans every process
that shares the Redis. If Redis is down, `RedisLocks` degrades to excluding within this process only,
with a warning: a duplicate login during an outage is better than drivers waiting on Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from redis.asyncio import Redis

from services.primitives.redis_conn import RedisHealth

log = logging.getLogger(__name__)

# Delete the key only if it still holds our token: after our TTL ran out it may belong to someone else.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class LockTimeout(Exception):
    """The lock was not free within `wait_s`."""


class LockFactory(Protocol):
    def hold(self, name: str, *, ttl_s: float, wait_s: float) -> AbstractAsyncContextManager[None]:
        """Hold lock `name` for the block; raise LockTimeout if it isn't ours within `wait_s`.

        `ttl_s` bounds how long a holder that died keeps the lock (where the lock outlives processes).
        """
        ...


class ProcessLocks:
    """One asyncio.Lock per name, for tasks of one event loop.

    `ttl_s` is not needed here: a holder cannot outlive the process, and a cancelled or failing
    task leaves the `async with` block, which releases the lock.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def hold(self, name: str, *, ttl_s: float, wait_s: float) -> AsyncIterator[None]:
        lock = self._locks.setdefault(name, asyncio.Lock())
        try:
            # asyncio.timeout, unlike wait_for on Python 3.11, cannot leave the lock acquired on timeout.
            async with asyncio.timeout(wait_s):
                await lock.acquire()
        except TimeoutError:
            raise LockTimeout(f"lock {name!r} still held after {wait_s} s") from None
        try:
            yield
        finally:
            lock.release()


class RedisLocks:
    """SET NX PX with a random token, polled every `poll_s`; released by a compare-and-delete script.

    Like the client it wraps, an instance belongs to one event loop.
    """

    def __init__(self, client: Redis, *, prefix: str = "ct:lock:", poll_s: float = 0.05, retry_after_s: float = 1.0) -> None:
        self._client = client
        self._prefix = prefix
        self._poll_s = poll_s
        self._release = client.register_script(_RELEASE)
        # Tasks of this process queue here before touching Redis: only one of them polls Redis, and
        # they stay mutually exclusive while Redis is down.
        self._local = ProcessLocks()
        self._health = RedisHealth("the login lock", log, retry_after_s=retry_after_s)

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    @contextlib.asynccontextmanager
    async def hold(self, name: str, *, ttl_s: float, wait_s: float) -> AsyncIterator[None]:
        deadline = time.monotonic() + wait_s
        key = self._prefix + name
        async with self._local.hold(name, ttl_s=ttl_s, wait_s=wait_s):
            token = await self._acquire(key, ttl_s=ttl_s, deadline=deadline)
            try:
                yield
            finally:
                if token is not None:
                    await self._release_key(key, token)

    async def _acquire(self, key: str, *, ttl_s: float, deadline: float) -> str | None:
        """Our token once the Redis lock is ours; None if Redis is down (the local lock must do)."""
        token = secrets.token_hex(16)

        async def try_set() -> bool:
            return bool(await self._client.set(key, token, nx=True, px=math.ceil(ttl_s * 1000)))

        while True:
            acquired = await self._health.call(try_set, None)
            if acquired is None:
                return None
            if acquired:
                return token
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeout(f"lock {key!r} held by another worker")
            await asyncio.sleep(min(self._poll_s, remaining))

    async def _release_key(self, key: str, token: str) -> None:
        # If Redis is down the key simply expires after its TTL.
        released = await self._health.call(lambda: self._release(keys=[key], args=[token]), None)
        if released == 0:
            log.warning("lock %r expired before its holder finished; raise its ttl_s", key)


def make_locks(redis_client: Redis | None) -> LockFactory:
    return RedisLocks(redis_client) if redis_client is not None else ProcessLocks()
