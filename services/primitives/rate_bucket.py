"""One CargoTech request budget (600 requests a minute) shared by every worker process.

Why capacity `burst` and refill `(limit - burst) / 60` per second: CargoTech counts requests in a
rolling minute. A classic bucket of capacity `limit` refilling `limit / 60` per second allows
`limit` at once plus `limit` more during the next minute, nearly twice the budget in one window.
Here any 60-second window holds at most the `burst` tokens that were stored at its start plus
`(limit - burst) / 60 * 60` refilled during it: `limit` in total. `burst` trades how many requests a
quiet bucket may fire at once against the steady rate.

`MemoryRateBucket` serves one process; `RedisRateBucket` keeps the bucket in Redis behind one atomic
script that reads Redis's own `TIME`, so every process agrees on the clock. If Redis is down it falls
back to an in-process bucket with a warning: each process then spends the full budget on its own,
which risks an upstream 429 but never blocks a driver on Redis.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from services.primitives.redis_conn import RedisHealth

log = logging.getLogger(__name__)

WINDOW_S = 60


class RateBudgetExceeded(Exception):
    """No token within the caller's timeout; `retry_in_s` is when the next one is due."""

    def __init__(self, retry_in_s: float) -> None:
        super().__init__(f"CargoTech request budget exhausted, retry in {retry_in_s:.2f} s")
        self.retry_in_s = retry_in_s


class RateBucket(Protocol):
    async def acquire(self, *, timeout_s: float | None = None) -> None:
        """Take one token, waiting as needed; raise RateBudgetExceeded at once if that takes over timeout_s."""
        ...

    async def penalise(self, seconds: float) -> None:
        """After an upstream 429 with Retry-After: nobody acquires for `seconds`."""
        ...

    async def try_take(self, first_attempt: bool = True) -> float:
        """One attempt without waiting: 0.0 if a token was taken, else the seconds until one is due."""
        ...

    async def snapshot(self) -> dict[str, int]:
        """{"limit", "available", "acquired_last_minute", "throttled_total"}.

        `throttled_total` counts acquire calls that found no token at once (and waited or gave up).
        """
        ...


def _refill_per_s(limit: int, burst: int) -> float:
    if not 1 <= burst < limit:
        raise ValueError(f"need 1 <= burst < limit, got burst={burst}, limit={limit}")
    return (limit - burst) / WINDOW_S


async def _acquire(try_take: Callable[[bool], Awaitable[float]], timeout_s: float | None) -> None:
    """Poll `try_take`, sleeping until the next token is due, so a penalty set meanwhile is honoured.

    Waiters are not queued: whoever polls first after a refill wins. Fine for a budget that is
    rarely exhausted; a FIFO would need reservations, which a later penalty could not revoke.
    """
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    first_attempt = True
    while True:
        wait = await try_take(first_attempt)
        if wait <= 0:
            return
        first_attempt = False
        if deadline is not None and time.monotonic() + wait > deadline:
            raise RateBudgetExceeded(wait)
        await asyncio.sleep(wait)


class MemoryRateBucket:
    """The bucket for one process. `clock` is injectable for tests; waits always sleep real time."""

    def __init__(self, limit: int = 600, burst: int = 30, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._burst = burst
        self._rate = _refill_per_s(limit, burst)
        self._clock = clock
        self._tokens = float(burst)
        self._updated_at = clock()
        self._blocked_until = -math.inf
        self._per_second: deque[list[int]] = deque()  # [whole second, acquisitions], oldest first
        self._throttled_total = 0

    async def acquire(self, *, timeout_s: float | None = None) -> None:
        await _acquire(self.try_take, timeout_s)

    async def penalise(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    async def snapshot(self) -> dict[str, int]:
        now = self._clock()
        self._refill(now)
        self._forget_before(int(now) - WINDOW_S + 1)
        return {
            "limit": self.limit,
            "available": 0 if self._blocked_until > now else math.floor(self._tokens),
            "acquired_last_minute": sum(count for _, count in self._per_second),
            "throttled_total": self._throttled_total,
        }

    async def try_take(self, first_attempt: bool = True) -> float:
        """One attempt without waiting: 0.0 if a token was taken, else the seconds until one is due.

        `first_attempt` is False when `acquire` retries after sleeping, so a call is throttled once.
        """
        now = self._clock()
        self._refill(now)
        wait = max(0.0, self._blocked_until - now)
        if wait == 0 and self._tokens < 1:
            wait = (1 - self._tokens) / self._rate
        if wait > 0:
            if first_attempt:
                self._throttled_total += 1
            return wait
        self._tokens -= 1
        second = int(now)
        if self._per_second and self._per_second[-1][0] == second:
            self._per_second[-1][1] += 1
        else:
            self._per_second.append([second, 1])
            self._forget_before(second - WINDOW_S + 1)
        return 0.0

    def _refill(self, now: float) -> None:
        self._tokens = min(self._burst, self._tokens + max(0.0, now - self._updated_at) * self._rate)
        self._updated_at = now

    def _forget_before(self, second: int) -> None:
        while self._per_second and self._per_second[0][0] < second:
            self._per_second.popleft()


# Every script: KEYS[1] hash {tokens, ts, blocked_until, throttled_total}, KEYS[2] hash
# {unix second: acquisitions}; ARGV[1] limit, ARGV[2] burst, ARGV[3] script-specific. The prelude
# reads Redis's clock and the bucket refilled up to now. Floats are stored with explicit formats:
# Lua's default %.14g would cut a Unix time to 0.1 ms.
_PRELUDE = """
local t = redis.call('TIME')
local second = tonumber(t[1])
local now = second + tonumber(t[2]) / 1000000
local limit, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local rate = (limit - burst) / 60
local s = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'blocked_until')
local tokens = math.min(burst, (tonumber(s[1]) or burst) + math.max(0, now - (tonumber(s[2]) or now)) * rate)
local blocked_until = tonumber(s[3]) or 0
"""

# ARGV[3]: 1 on a call's first attempt. Returns 0 if a token was taken, else microseconds to wait.
_ACQUIRE = (
    _PRELUDE
    + """
local wait = math.max(0, blocked_until - now)
if wait == 0 and tokens < 1 then wait = (1 - tokens) / rate end
if wait > 0 then
    if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[1], 'throttled_total', 1) end
    return math.ceil(wait * 1000000)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.9f', tokens - 1), 'ts', string.format('%.6f', now))
if redis.call('HINCRBY', KEYS[2], second, 1) == 1 then
    -- First acquisition this second: drop the seconds that left the window.
    for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
        if tonumber(field) <= second - 60 then redis.call('HDEL', KEYS[2], field) end
    end
end
return 0
"""
)

# ARGV[3]: seconds. Extends, never shortens, a penalty already in force.
_PENALISE = (
    _PRELUDE
    + """
local penalty_end = now + tonumber(ARGV[3])
if penalty_end > blocked_until then
    redis.call('HSET', KEYS[1], 'blocked_until', string.format('%.6f', penalty_end))
end
return 0
"""
)

# Returns {available, acquired_last_minute, throttled_total}.
_SNAPSHOT = (
    _PRELUDE
    + """
local acquired = 0
local counts = redis.call('HGETALL', KEYS[2])
for i = 1, #counts, 2 do
    if tonumber(counts[i]) > second - 60 then acquired = acquired + tonumber(counts[i + 1]) end
end
local available = 0
if blocked_until <= now then available = math.floor(tokens) end
return {available, acquired, tonumber(redis.call('HGET', KEYS[1], 'throttled_total')) or 0}
"""
)


class RedisRateBucket:
    """The bucket every process shares through Redis; an in-process bucket stands in while Redis is down."""

    def __init__(
        self, client: Redis, key: str = "ct:bucket", limit: int = 600, burst: int = 30, *, retry_after_s: float = 1.0
    ) -> None:
        self.limit = limit
        self._fallback = MemoryRateBucket(limit, burst)  # also validates limit and burst
        self._keys = [key, key + ":per_second"]
        self._args = [limit, burst]
        self._acquire_script = client.register_script(_ACQUIRE)
        self._penalise_script = client.register_script(_PENALISE)
        self._snapshot_script = client.register_script(_SNAPSHOT)
        self._health = RedisHealth("the CargoTech request budget", log, retry_after_s=retry_after_s)

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    async def acquire(self, *, timeout_s: float | None = None) -> None:
        await _acquire(self.try_take, timeout_s)

    async def penalise(self, seconds: float) -> None:
        # The fallback learns it too, so a Redis outage right after a 429 still honours it.
        await self._fallback.penalise(seconds)
        await self._shared(self._penalise_script, seconds)

    async def snapshot(self) -> dict[str, int]:
        result = await self._shared(self._snapshot_script, 0)
        if result is None:
            return await self._fallback.snapshot()
        available, acquired, throttled = result
        return {
            "limit": self.limit,
            "available": available,
            "acquired_last_minute": acquired,
            "throttled_total": throttled,
        }

    async def try_take(self, first_attempt: bool = True) -> float:
        """As MemoryRateBucket.try_take, against the shared bucket."""
        wait_us = await self._shared(self._acquire_script, int(first_attempt))
        if wait_us is None:
            return await self._fallback.try_take(first_attempt)
        return float(wait_us) / 1_000_000

    async def _shared(self, script: AsyncScript, arg: float) -> Any:
        """The script's result, or None while Redis is unreachable."""
        return await self._health.call(lambda: script(keys=self._keys, args=[*self._args, arg]), None)


def make_rate_bucket(redis_client: Redis | None, limit: int = 600, burst: int = 30, *, key: str = "ct:bucket") -> RateBucket:
    if redis_client is None:
        return MemoryRateBucket(limit, burst)
    return RedisRateBucket(redis_client, key=key, limit=limit, burst=burst)
