"""Run N drivers against an app for a bounded time, with the sampler alongside."""

from __future__ import annotations

import asyncio
import math
import random
import time
from urllib.parse import urlparse

from benchmarks.load.driver import Driver, Shared, build_routes
from benchmarks.load.sampler import Sampler

MAX_DRIVERS = 2000


def require_loopback(url: str) -> str:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load {url}: only 127.0.0.1 is allowed")
    return url.rstrip("/")


def make_shared(
    app_url: str, *, seed: int, think_s: tuple[float, float], respond_p: float, routes: int = 24, zipf_s: float = 1.1
) -> Shared:
    rng = random.Random(seed)
    table = build_routes(routes, rng)
    weights = [1 / math.pow(rank, zipf_s) for rank in range(1, len(table) + 1)]
    return Shared(app_url=app_url, think_s=think_s, respond_p=respond_p, routes=table, zipf=weights)


async def run_drivers(
    shared: Shared,
    *,
    drivers: int,
    duration_s: float,
    ramp_s: float,
    seed: int,
    sampler: Sampler | None,
    during=None,
    driver_class=Driver,
) -> float:
    """Drivers join evenly over ramp_s, all stop at duration_s; returns the run's start (monotonic).

    `during(started)` is an optional coroutine run alongside (the chaos schedule)."""
    if not 1 <= drivers <= MAX_DRIVERS:
        raise SystemExit(f"--drivers must be 1..{MAX_DRIVERS}")
    started = time.monotonic()
    shared.stop_at = started + duration_s
    stop = asyncio.Event()
    sampler_task = asyncio.create_task(sampler.run(started, stop)) if sampler else None
    crowd = [driver_class(i, shared, seed) for i in range(drivers)]
    tasks = [asyncio.create_task(d.run(ramp_s * i / drivers)) for i, d in enumerate(crowd)]
    extra = asyncio.create_task(during(started)) if during else None
    try:
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), duration_s + 60)
    except TimeoutError:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if extra is not None:
        await extra
    stop.set()
    if sampler_task:
        await sampler_task
    return started
