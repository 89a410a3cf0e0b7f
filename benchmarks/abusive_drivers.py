"""Abusive drivers benchmark: what three drivers sending cache misses at full speed do to a
fourth driver's uncached feed, with the per-driver budget and without it.

Each abuser sends new autocomplete texts and unknown cargo ids as fast as answers come back.
Meanwhile an honest driver opens `--loads` new filter combinations (every one a cache miss),
one every `--interval` seconds (24 a minute by default: busy, yet within the 30 a minute a
driver may open), and each load is timed. The real CargoService, rate bucket and client run
against a real CargoTech sandbox over HTTP (600 requests a minute, like the account).

    python -m benchmarks.abusive_drivers [--loads 40] [--interval 2.5] [--abusers 3]

Results go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sandbox.testing import SandboxServer
from services.cargotech.errors import CargoNotFound, CargoTechError
from services.cargotech.upstream_budget import Caller, DriverOverBudget, Purpose
from services.feed.filters import validate_filters
from services.feed.loading import load_feed_page
from services.infra.runtime import build_runtime
from services.infra.settings import load_settings

HONEST = 9_000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else 0.0)


async def abuser(runtime, driver_id: int, stop: asyncio.Event, tally: dict[str, int]) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        calls = (
            lambda n=n: runtime.cargos.points(f"Абв{driver_id}x{n}", caller=Caller.lookup(driver_id)),
            lambda n=n: runtime.cargos.detail(str(8_000_000_000 + driver_id * 100_000 + n), caller=Caller.lookup(driver_id)),
        )
        for call in calls:
            try:
                await call()
                tally["served"] += 1
            except CargoNotFound:
                tally["served"] += 1
            except DriverOverBudget:
                tally["refused"] += 1
                await asyncio.sleep(0.01)  # a client retrying at once, as fast as the socket allows
            except CargoTechError:
                tally["failed"] += 1


async def honest(runtime, loads: int, interval_s: float, price_base: int) -> tuple[list[float], int]:
    latencies, errors = [], 0
    for i in range(loads):
        filters = validate_filters({"price_min": str(price_base + i)})
        started = time.perf_counter()
        try:
            await load_feed_page(runtime.cargos, filters, caller=Caller(HONEST, Purpose.FEED, charged=True))
            latencies.append((time.perf_counter() - started) * 1000)
        except CargoTechError:
            errors += 1
        await asyncio.sleep(interval_s)
    return latencies, errors


async def scenario(
    sandbox: SandboxServer, db: Path, *, abusers: int, loads: int, interval_s: float, budget: bool, price_base: int
):
    settings = load_settings(
        cargotech_base_url=sandbox.url,
        cargotech_phone=sandbox.phone,
        cargotech_password=sandbox.password,
        database_url=f"sqlite:///{db}",
        cargotech_login_interval_s=0.0,
    )
    runtime = build_runtime(settings)
    if not budget:
        runtime.cargos.budget = None
    before = sandbox.stats()
    stop = asyncio.Event()
    tallies = [{"served": 0, "refused": 0, "failed": 0} for _ in range(abusers)]
    tasks = [asyncio.create_task(abuser(runtime, 7_000 + i, stop, tallies[i])) for i in range(abusers)]
    started = time.monotonic()
    latencies, errors = await honest(runtime, loads, interval_s, price_base)
    elapsed_min = (time.monotonic() - started) / 60
    stop.set()
    await asyncio.gather(*tasks)
    after = sandbox.stats()
    await runtime.aclose()
    upstream = after["total"] - before["total"]
    abuser_upstream = sum(t["served"] for t in tallies)
    return {
        "honest p50 ms": statistics.median(latencies) if latencies else 0.0,
        "honest p95 ms": p95(latencies),
        "honest errors": errors,
        "abuser calls served": abuser_upstream,
        "abuser calls refused": sum(t["refused"] for t in tallies),
        "upstream calls / min": upstream / elapsed_min,
        "abusers' share of 600/min": abuser_upstream / elapsed_min / 600,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=40)
    parser.add_argument("--interval", type=float, default=2.5)
    parser.add_argument("--abusers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SandboxServer() as sandbox:
        results = {}
        for name, abusers, budget, base in (
            ("no abusers", 0, True, 1000),
            ("abusers, budget on", args.abusers, True, 3000),
            ("abusers, budget off", args.abusers, False, 5000),
        ):
            results[name] = await scenario(
                sandbox,
                Path(tmp) / f"{base}.db",
                abusers=abusers,
                loads=args.loads,
                interval_s=args.interval,
                budget=budget,
                price_base=base,
            )
            print(name, {k: round(v, 3) if isinstance(v, float) else v for k, v in results[name].items()}, flush=True)
    print(f"\n{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    names = list(results)
    print("| metric | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for metric in results[names[0]]:
        cells = [f"{results[n][metric]:.2f}" if isinstance(results[n][metric], float) else str(results[n][metric]) for n in names]
        print(f"| {metric} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    asyncio.run(main())
