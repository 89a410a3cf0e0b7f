"""Upstream budget benchmark: 1,000 drivers, ~50 filter sets (Zipf), 10 simulated minutes.

It drives the real CargoService (shared cache, stale-while-revalidate, coalescing) against a
real CargoTech sandbox over HTTP, and in the same run replays the same driver requests through
a per-driver cache as first designed (key = driver + filters, 5 min TTL) to count the upstream
calls that design would make. Time runs `--speed` times faster than the wall clock for the
cache's freshness decisions; upstream calls and the rate limit are real.

    python -m benchmarks.upstream_budget [--drivers 1000] [--filter-sets 50] [--minutes 10] [--speed 5]
                                         [--no-generations]

Deeper pages are asked for as the feed asks for them: no older than the driver's first page of
the same filters (`not_before`), so a page cached before that first page is fetched again.
`--no-generations` drops that rule, to measure what the consistent feed costs.

Targets: upstream calls ≤ 1.05 × distinct queries per freshness window, and zero
self-caused 429s. Results go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import platform
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from sandbox.testing import SandboxServer
from services.feed.filters import PAGE_SIZE, build_query, validate_filters
from services.feed.paging import window_query
from services.infra.runtime import build_runtime
from services.infra.settings import load_settings

FRESH_S = 60.0  # our list freshness window (simulated seconds)
SEED_TTL_S = 300.0  # the per-user cache TTL as first designed
WEIGHT_CLASSES = ["any", "1_3", "3_5", "5_10", "10_15", "15_20", "20"]


class SimClock:
    """Simulated seconds that run `speed` times faster than the wall clock."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._start = time.monotonic()
        self.origin = time.time()

    def now(self) -> float:
        return self.origin + (time.monotonic() - self._start) * self.speed

    def elapsed(self) -> float:
        return (time.monotonic() - self._start) * self.speed

    async def sleep_until(self, sim_elapsed: float) -> None:
        delay = (sim_elapsed - self.elapsed()) / self.speed
        if delay > 0:
            await asyncio.sleep(delay)


def filter_sets(count: int, rng: random.Random, city_ids: list[int]) -> list[dict]:
    sets = []
    while len(sets) < count:
        raw: dict = {"weight_class": rng.choice(WEIGHT_CLASSES)}
        if rng.random() < 0.8:
            raw["from_id"] = str(rng.choice(city_ids))
        if rng.random() < 0.4:
            raw["to_id"] = str(rng.choice(city_ids))
        if raw not in sets:
            sets.append(raw)
    return sets


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


async def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    clock = SimClock(args.speed)
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            cargotech_base_url=sandbox.url,
            cargotech_phone=sandbox.phone,
            cargotech_password=sandbox.password,
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
            list_cache_fresh_s=FRESH_S,
        )
        # Freshness runs in simulated time; HTTP, the rate limit and the bucket are real.
        runtime = build_runtime(settings, clock=clock.now)
        cities = [p.id for p in await runtime.cargos.client.search_points("", limit=100) if p.type == 2]
        sets = filter_sets(args.filter_sets, rng, cities or [1])
        weights = zipf_weights(len(sets))
        sandbox.reset()  # count only the browsing, not the set-up
        await runtime.tokens.force_login()
        before = sandbox.stats()

        # Each driver sticks to a filter set, now and then switches, and pages 1–3 at a human pace.
        drivers = [rng.choices(range(len(sets)), weights)[0] for _ in range(args.drivers)]
        events = [(rng.uniform(0, 30), d) for d in range(args.drivers)]
        heapq.heapify(events)
        seed_cache: dict[tuple[int, str], float] = {}
        seed_calls: Counter = Counter()
        distinct: dict[int, set[str]] = {}
        served = stale = requests = errors = 0
        horizon = args.minutes * 60
        pending: set[asyncio.Task] = set()

        error_kinds: Counter = Counter()
        error_minutes: Counter = Counter()  # simulated minute → errors, to tell a cold start from later
        generation: dict[tuple[int, int], float] = {}  # (driver, filter set) → first page's fetch time

        async def browse(query: dict, who: tuple[int, int], page: int) -> None:
            nonlocal served, stale, errors
            try:
                not_before = generation.get(who, 0.0) if page and args.generations else 0.0
                result = await runtime.cargos.list_page(query, not_before=not_before)
                if page == 0:
                    generation[who] = result.fetched_at
                served += 1
                stale += result.stale
            except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
                errors += 1
                error_kinds[f"{type(exc).__name__}: {str(exc)[:60]}"] += 1
                error_minutes[int(clock.elapsed()) // 60] += 1

        ours_per_min: list[int] = []
        last_list_count = before["list"]
        while events and events[0][0] < horizon:
            at, driver = heapq.heappop(events)
            await clock.sleep_until(at)
            if int(at // 60) > len(ours_per_min):  # a simulated minute ended: read the upstream counter
                now_count = sandbox.stats()["list"]
                ours_per_min.append(now_count - last_list_count)
                last_list_count = now_count
            if rng.random() < 0.05:
                drivers[driver] = rng.choices(range(len(sets)), weights)[0]
            page = rng.choices([0, 1, 2], [0.7, 0.2, 0.1])[0]
            filters = validate_filters(sets[drivers[driver]])
            # Deeper pages are read as the feed reads them: a window of the page before and this one.
            query = window_query(filters, page * PAGE_SIZE) if page else build_query(filters)
            key = "&".join(f"{k}={v}" for k, v in sorted(query.items()))
            window = int(at // FRESH_S)
            distinct.setdefault(window, set()).add(key)
            # As first designed: a private cache per driver, 5 minutes.
            cached_at = seed_cache.get((driver, key))
            if cached_at is None or at - cached_at >= SEED_TTL_S:
                seed_cache[(driver, key)] = at
                seed_calls[int(at // 60)] += 1
            requests += 1
            task = asyncio.create_task(browse(query, (driver, drivers[driver]), page))
            pending.add(task)
            task.add_done_callback(pending.discard)
            heapq.heappush(events, (at + rng.uniform(15, 45), driver))
        await asyncio.gather(*pending)
        await asyncio.sleep(1)  # let background refreshes land
        after = sandbox.stats()
        bucket = await runtime.bucket.snapshot()
        await runtime.aclose()

    upstream = after["list"] - before["list"]
    windows = len(distinct)
    distinct_total = sum(len(keys) for keys in distinct.values())
    seed_total = sum(seed_calls.values())
    return {
        "drivers": args.drivers,
        "generations": args.generations,
        "filter_sets": args.filter_sets,
        "minutes": args.minutes,
        "requests": requests,
        "served": served,
        "errors": errors,
        "error_kinds": dict(error_kinds.most_common(5)),
        "errors_by_minute": dict(sorted(error_minutes.items())),
        "stale_serves": stale,
        "upstream_list_calls": upstream,
        "upstream_per_min": upstream / args.minutes,
        "upstream_peak_min": max(ours_per_min, default=upstream),
        "distinct_queries_per_window": distinct_total / windows,
        "ratio_to_distinct": upstream / distinct_total,
        "hit_ratio": 1 - upstream / max(requests, 1),
        "upstream_over_budget_min": sum(1 for n in ours_per_min if n > 600),
        "upstream_429": after["rate_limited"] - before["rate_limited"],
        "bucket_throttled": bucket["throttled_total"],
        "seed_calls_per_min": seed_total / args.minutes,
        "seed_peak_min": max(seed_calls.values()),
        "seed_over_budget_min": sum(1 for n in seed_calls.values() if n > 600),
        "seed_hit_ratio": 1 - seed_total / max(requests, 1),
    }


def report(result: dict) -> str:
    rows = [
        ("driver requests", f"{result['requests']:,}", f"{result['requests']:,}"),
        ("upstream list calls / min", f"{result['upstream_per_min']:.1f}", f"{result['seed_calls_per_min']:.1f}"),
        ("peak upstream calls in one minute", f"{result['upstream_peak_min']:,}", f"{result['seed_peak_min']:,}"),
        ("minutes over the 600/min budget", str(result["upstream_over_budget_min"]), str(result["seed_over_budget_min"])),
        ("cache hit ratio", f"{result['hit_ratio']:.1%}", f"{result['seed_hit_ratio']:.1%}"),
        ("upstream calls ÷ distinct queries per 60 s window", f"{result['ratio_to_distinct']:.3f}", "—"),
        ("429s from CargoTech", str(result["upstream_429"]), "—"),
        ("errors shown to drivers", str(result["errors"]), "—"),
    ]
    lines = ["| metric | shared cache (ours) | per-driver cache (seed) |", "|---|---|---|"]
    lines += [f"| {name} | {ours} | {seed} |" for name, ours, seed in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=1000)
    parser.add_argument("--filter-sets", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--speed", type=float, default=5, help="simulated seconds per wall-clock second")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-generations",
        dest="generations",
        action="store_false",
        help="deeper pages of any age (the feed before it kept one consistent list)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    result = asyncio.run(run(args))
    print(f"machine: {platform.node()} · {platform.machine()} · Python {platform.python_version()}")
    print(f"wall time: {time.monotonic() - started:.0f} s")
    print({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()})
    print(report(result))


if __name__ == "__main__":
    main()
