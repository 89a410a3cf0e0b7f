"""Figures that add up across worker processes and instances: the CargoTech call counters and
latency window, and the cargo cache's hit/miss counts, as /metrics and the admin page show them.

Each worker keeps counting in its own memory (services.infra.metrics, CacheStats): that stays the
cheapest place to count, with no I/O on a driver's request. With Redis configured, every worker
adds what it counted since its last send to one Redis hash (HINCRBYFLOAT, one pipelined round
trip a second, which also marks the process alive) and appends its CargoTech calls to per-minute lists that expire
after the window. A reader sends its own pending counts first, then reads the hash and the lists:
every worker of every instance answers with the whole deployment, at most a second behind for
the others' counts. Without Redis there is one worker (see services.infra.settings.web_workers) and
its own memory is the whole deployment.

Why not prometheus_client's multiprocess mode: it adds up the workers of one host through
files in a shared folder, not several instances, and it covers only the Prometheus series,
not the admin page's latency window or chart; Redis is already every instance's shared store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from redis.asyncio import Redis

from services.infra.metrics import WINDOW_S, UpstreamMetrics, window_snapshot
from services.primitives.redis_conn import REDIS_DOWN

log = logging.getLogger(__name__)

TOTALS_KEY = "figures:totals"
CALLS_KEY = "figures:calls:{minute}"
SEEN_KEY = "figures:seen"  # instance name → last send (epoch s)
FLUSH_EVERY_S = 1.0
SEEN_FOR_S = 60.0  # a process that sent within this long counts as reporting
FORGET_AFTER_S = 3600.0
Call = tuple[float, float, int | None]


def instance_name(configured: str = "") -> str:
    """INSTANCE_NAME when set, else host:pid: names the process that served a page."""
    return configured or f"{socket.gethostname()}:{os.getpid()}"


def cache_totals(snapshot: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """CacheStats.snapshot() as flat totals: "cache|<kind>|<hits|misses|stale>"."""
    return {f"cache|{kind}|{outcome}": float(count) for kind, counts in snapshot.items() for outcome, count in counts.items()}


def cache_snapshot(totals: Mapping[str, float]) -> dict[str, dict[str, int]]:
    """The inverse of cache_totals, in CacheStats.snapshot()'s shape (kinds sorted)."""
    out: dict[str, dict[str, int]] = {}
    for key, value in totals.items():
        parts = key.split("|")
        if len(parts) == 3 and parts[0] == "cache":
            out.setdefault(parts[1], {"hits": 0, "misses": 0, "stale": 0})[parts[2]] = int(value)
    return dict(sorted(out.items()))


def deltas(now: Mapping[str, float], sent: Mapping[str, float]) -> dict[str, float]:
    """What grew since the last send (counters only grow within a process)."""
    return {key: value - sent.get(key, 0.0) for key, value in now.items() if value != sent.get(key, 0.0)}


class SharedFigures:
    def __init__(
        self,
        metrics: UpstreamMetrics,
        cache_stats: Callable[[], Mapping[str, Mapping[str, int]]],
        redis: Redis | None,
        *,
        instance: str,
        clock: Callable[[], float] = time.time,
        fills: Callable[[], Mapping[str, float]] = dict,
    ) -> None:
        self._metrics = metrics
        self._cache_stats = cache_stats
        self._fills = fills
        self._redis = redis
        self.instance = instance
        self._clock = clock
        self._sent: dict[str, float] = {}
        self._lock = asyncio.Lock()
        metrics.keep_new = redis is not None

    @property
    def shared(self) -> bool:
        return self._redis is not None

    def local_totals(self) -> dict[str, float]:
        return {**self._metrics.totals(), **cache_totals(self._cache_stats()), **self._fills()}

    async def flush(self) -> bool:
        """Send this process's counts since the last send; False when Redis did not take them."""
        if self._redis is None:
            return True
        async with self._lock:  # a reader's flush and the periodic one must not send a delta twice
            totals = self.local_totals()
            grown = deltas(totals, self._sent)
            calls = self._metrics.drain_new()
            now = self._clock()
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for key, amount in grown.items():
                        pipe.hincrbyfloat(TOTALS_KEY, key, amount)
                    by_minute: dict[int, list[str]] = {}
                    for at, latency, status in calls:
                        by_minute.setdefault(int(at // 60) * 60, []).append(f"{at:.3f} {latency:.6f} {status or ''}")
                    for minute, rows in by_minute.items():
                        key = CALLS_KEY.format(minute=minute)
                        pipe.rpush(key, *rows)
                        pipe.expire(key, WINDOW_S + 120)
                    pipe.hset(SEEN_KEY, self.instance, f"{now:.0f}")
                    await pipe.execute()
            except REDIS_DOWN as exc:
                self._metrics.put_back(calls)
                log.warning("shared figures: Redis unavailable (%s); showing this process's own", type(exc).__name__)
                return False
            self._sent = totals
            return True

    async def totals(self) -> tuple[dict[str, float], bool]:
        """(the deployment's counters, True) — or this process's own and False without Redis."""
        if self._redis is None or not await self.flush():
            return self.local_totals(), False
        try:
            raw = await cast("Awaitable[dict[bytes, bytes]]", self._redis.hgetall(TOTALS_KEY))
        except REDIS_DOWN:
            return self.local_totals(), False
        return {_text(key): float(value) for key, value in raw.items()}, True

    async def window(self) -> tuple[dict[str, Any], bool]:
        """(the admin's five-minute latency window over every process, True), as UpstreamMetrics.snapshot."""
        if self._redis is None or not await self.flush():
            return self._metrics.snapshot(), False
        now = self._clock()
        current = int(now // 60) * 60
        minutes = range(current - WINDOW_S, current + 1, 60)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for minute in minutes:
                    pipe.lrange(CALLS_KEY.format(minute=minute), 0, -1)
                lists = await pipe.execute()
        except REDIS_DOWN:
            return self._metrics.snapshot(), False
        calls: list[Call] = []
        for rows in lists:
            for row in rows:
                at, latency, status = _text(row).split(" ")
                calls.append((float(at), float(latency), int(status) if status else None))
        return window_snapshot(calls, now), True

    async def reporting(self) -> list[str]:
        """Processes that sent figures within the last minute (this one alone without Redis)."""
        if self._redis is None:
            return [self.instance]
        try:
            seen = await cast("Awaitable[dict[bytes, bytes]]", self._redis.hgetall(SEEN_KEY))
            now = self._clock()
            gone = [_text(name) for name, at in seen.items() if now - float(at) > FORGET_AFTER_S]
            if gone:  # restarted processes (new pids) must not pile up
                await cast("Awaitable[int]", self._redis.hdel(SEEN_KEY, *gone))
        except REDIS_DOWN:
            return [self.instance]
        return sorted(_text(name) for name, at in seen.items() if now - float(at) <= SEEN_FOR_S)

    async def run(self, every_s: float = FLUSH_EVERY_S) -> None:
        """The periodic send, for the app's lifespan; idle processes still say they are alive."""
        while True:
            await asyncio.sleep(every_s)
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - figures must never take the worker down
                log.exception("shared figures: send failed")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
