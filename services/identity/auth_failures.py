"""Alert the operators when initData checks fail in bulk.

A driver's stale launch fails now and then; more than `threshold` failures in a sliding window means
someone is probing the sign-in, or the deployed bot token is wrong. With Redis the count is shared by
every worker (a sorted set of failure times); without it, or while Redis is down, each process
counts its own. Either way the alert goes out at most once per window.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis

from services.infra.notifier import Notifier
from services.primitives.redis_conn import RedisHealth

log = logging.getLogger(__name__)

ALERT_KEY = "initdata_failures"

T = TypeVar("T")


class AuthFailureMonitor:
    def __init__(
        self,
        notifier: Notifier,
        *,
        threshold: int = 10,
        window_s: float = 60,
        redis_client: Redis | None = None,
        # Wall time, not monotonic: the Redis window is compared across processes.
        clock: Callable[[], float] = time.time,
        prefix: str = "ct:authfail:",
    ) -> None:
        self._notifier = notifier
        self._threshold = threshold
        self._window_s = window_s
        self._redis = redis_client
        self._clock = clock
        self._events_key = prefix + "events"
        self._alerted_key = prefix + "alerted"
        self._health = RedisHealth("the initData failure counter", log)
        self._local_events: deque[float] = deque()
        self._local_alerted_at: float | None = None

    async def record(self, reason: str) -> None:
        """Count one failed check; alert if the window now holds more than `threshold`."""
        now = self._clock()
        count = await self._shared(lambda: self._count_in_redis(now))
        if count is None:
            count = self._count_locally(now)
        if count <= self._threshold:
            return
        claimed = await self._shared(self._claim_in_redis)
        if claimed is None:
            claimed = self._claim_locally(now)
        if claimed:
            await self._alert(count, reason)

    async def _shared(self, operation: Callable[[], Awaitable[T]]) -> T | None:
        """`operation()`'s result, or None without Redis or while it is down."""
        if self._redis is None:
            return None
        return await self._health.call(operation, None)

    async def _count_in_redis(self, now: float) -> int:
        assert self._redis is not None
        # A random suffix keeps two failures in the same instant two members.
        member = f"{now!r}:{secrets.token_hex(4)}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self._events_key, {member: now})
            pipe.zremrangebyscore(self._events_key, "-inf", now - self._window_s)
            pipe.zcard(self._events_key)
            pipe.pexpire(self._events_key, self._window_ms)
            _, _, count, _ = await pipe.execute()
        return int(count)

    async def _claim_in_redis(self) -> bool:
        assert self._redis is not None
        # Whichever worker sets the key first sends the alert; the key's TTL is the quiet period.
        return bool(await self._redis.set(self._alerted_key, b"1", nx=True, px=self._window_ms))

    def _count_locally(self, now: float) -> int:
        self._local_events.append(now)
        while self._local_events and self._local_events[0] <= now - self._window_s:
            self._local_events.popleft()
        return len(self._local_events)

    def _claim_locally(self, now: float) -> bool:
        if self._local_alerted_at is not None and now - self._local_alerted_at < self._window_s:
            return False
        self._local_alerted_at = now
        return True

    @property
    def _window_ms(self) -> int:
        return math.ceil(self._window_s * 1000)

    async def _alert(self, count: int, reason: str) -> None:
        text = (
            f"Вход водителей: {count} неудачных проверок initData за последние {self._window_s:g} сек. "
            f"(порог {self._threshold}), последняя причина: {reason}. "
            "Возможен перебор подписи или неверный токен бота в настройках."
        )
        try:
            await self._notifier.alert("warning", ALERT_KEY, text)
        except Exception:
            # The caller is answering a failed sign-in; a broken alert channel must not change that answer.
            log.exception("could not send the initData failure alert")
