"""The Redis client and the shared rule for what to do when Redis is down.

Redis only coordinates our workers (cache, login lock, request budget); it is never worth failing a
driver's request over. Every Redis-backed primitive therefore keeps a local fallback and a
`RedisHealth` that decides when to try Redis, when to go straight to the fallback, and when to warn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.exceptions
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from services.primitives.circuit_breaker import CircuitBreaker, CircuitOpen

# What "Redis is down" looks like; anything else (a script error, a wrong type) is a bug and propagates.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

T = TypeVar("T")
U = TypeVar("U")


def make_redis_client(url: str, *, timeout_s: float = 1.0) -> Redis:
    """A client that fails fast: an unreachable Redis costs one short timeout, not seconds of backoff.

    redis-py's default retries three times with exponential backoff of up to 10 s; one immediate
    retry is enough to replace a pooled connection that a Redis restart has closed.
    """
    return Redis.from_url(
        url,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), retries=1),
        decode_responses=False,  # the cache stores bytes
        health_check_interval=30,
    )


class RedisHealth:
    """Tracks one component's view of Redis: healthy, or degraded to its local fallback.

    After a failure, Redis is skipped for `retry_after_s` so that a blackholed Redis costs one
    connect timeout per interval instead of one per call; then a single call probes it. The warning
    is logged at most once per `warn_every_s`, however many calls fail meanwhile.
    """

    def __init__(
        self,
        component: str,
        logger: logging.Logger,
        *,
        retry_after_s: float = 1.0,
        warn_every_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._component = component
        self._log = logger
        self._warn_every_s = warn_every_s
        self._clock = clock
        self._breaker = CircuitBreaker(failure_threshold=1, reset_after_s=retry_after_s, clock=clock)
        self._warned_at: float | None = None

    @property
    def degraded(self) -> bool:
        return self._breaker.state != "closed"

    async def call(
        self, operation: Callable[[], Awaitable[T]], on_outage: U, *, outage: tuple[type[Exception], ...] = REDIS_DOWN
    ) -> T | U:
        """`operation()`'s result, or `on_outage` if Redis is (or was just found) unreachable."""
        try:
            self._breaker.before_call()
        except CircuitOpen:
            return on_outage
        try:
            result = await operation()
        except outage as exc:
            self._failed(exc)
            return on_outage
        if self.degraded:
            self._log.info("Redis is back: %s is shared across workers again", self._component)
        self._breaker.record_success()
        return result

    def _failed(self, exc: Exception) -> None:
        self._breaker.record_failure()
        now = self._clock()
        if self._warned_at is None or now - self._warned_at >= self._warn_every_s:
            self._warned_at = now
            self._log.warning("Redis unavailable (%r): %s falls back to this process only", exc, self._component)
