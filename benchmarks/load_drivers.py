"""Load harness: N simulated drivers over Reflex's real websocket protocol.

    .venv/bin/python -m benchmarks.load_drivers --drivers 100 --duration 120
    .venv/bin/python -m benchmarks.load_drivers --drivers 1000 --duration 180 --workers 2 --redis
    .venv/bin/python -m benchmarks.load_drivers --drivers 5 --duration 20          # smoke
    .venv/bin/python -m benchmarks.load_drivers --url http://127.0.0.1:3000 --sandbox-url http://127.0.0.1:8077

Without --url it starts its own stack on free 127.0.0.1 ports: the CargoTech sandbox, the fake
Telegram, optionally a private redis-server, and the app in production mode. Each driver
connects, hydrates, signs in with signed initData, then at a human pace pages the feed,
changes filters (Zipf-popular routes), opens details, sometimes responds, and sends a no-I/O
baseline event (FeedState.toggle_filters) so each action's overhead reads as a ratio.
Then, unless --no-floor, the same number of drivers at the same pace drive the bare-Reflex floor
(benchmarks/floor_app: one state, one no-I/O event) served the same way (production mode, same
workers, same Redis setting), and each action's p95 and the server CPU per event are reported as
multiples of the floor's (benchmarks/load/floor.py).
Prints Markdown tables and writes a JSON file. Targets 127.0.0.1 only; bounded by --duration
and --drivers (≤ 2,000).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

from benchmarks.load import floor as floor_cmp
from benchmarks.load.fills import upstream_fills
from benchmarks.load.floor_driver import FloorDriver
from benchmarks.load.output import write_result
from benchmarks.load.run import MAX_DRIVERS, make_shared, require_loopback, run_drivers
from benchmarks.load.sampler import Sampler, slope_mb_per_min, upstream_per_minute
from benchmarks.load.stack import Stack
from benchmarks.load.stats import action_table, error_kinds, percentile, summarize


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.load_drivers", description=__doc__.split("\n\n")[0])
    p.add_argument("--drivers", type=int, default=100, help=f"concurrent drivers, 1..{MAX_DRIVERS}")
    p.add_argument("--duration", type=float, default=120, help="seconds of load (the ramp included)")
    p.add_argument("--ramp", type=float, default=None, help="seconds over which drivers join (default: N/20, ≤ 60)")
    p.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(3.0, 12.0),
        metavar=("MIN", "MAX"),
        help="seconds between a driver's actions, uniform (default 3 12)",
    )
    p.add_argument("--respond-p", type=float, default=0.1, help="chance to respond after opening a detail")
    p.add_argument(
        "--max-cards",
        type=int,
        default=400,
        help="a driver pages the feed until this many cards are loaded (FeedState keeps ≤ 500)",
    )
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workers", type=int, default=1, help="app worker processes (GRANIAN_WORKERS)")
    p.add_argument("--redis", action="store_true", help="start a private redis-server (needed for workers > 1)")
    p.add_argument("--url", help="an already running app (127.0.0.1 only); else a stack is started")
    p.add_argument("--sandbox-url", help="with --url: the sandbox, for upstream call counts")
    p.add_argument("--sample-interval", type=float, default=10.0, help="seconds between CPU/RSS samples")
    p.add_argument(
        "--memory-dump",
        type=float,
        default=0,
        metavar="S",
        help="the app dumps tracemalloc top allocations every S s into the stack's log folder",
    )
    p.add_argument(
        "--app-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra environment variable for the app (repeatable), e.g. MALLOC_ARENA_MAX=2",
    )
    p.add_argument("--no-floor", action="store_true", help="skip the bare-Reflex floor run after the product's")
    p.add_argument(
        "--floor-duration",
        type=float,
        default=None,
        help="seconds of the floor run (default: the product's duration, at most 90)",
    )
    p.add_argument("--json", type=Path, default=None, help="result file (default benchmarks/results/load-*.json)")
    args = p.parse_args(argv)
    if args.workers > 1 and not args.redis and not args.url:
        p.error("more than one worker needs --redis (each worker would keep its own state)")
    if not 1 <= args.drivers <= MAX_DRIVERS:
        p.error(f"--drivers must be 1..{MAX_DRIVERS}")
    if args.ramp is None:
        args.ramp = min(60.0, args.drivers / 20)
    if args.floor_duration is None:
        args.floor_duration = min(args.duration, 90.0)
    return args


def machine() -> dict:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
    }


def per_minute(records, samples) -> list[dict]:
    """p95 per minute of the run (by start time): does latency drift as the run goes on?"""
    if not records:
        return []
    t0 = min(r.start for r in records)
    minutes: dict[int, list] = {}
    for r in records:
        minutes.setdefault(int((r.start - t0) // 60), []).append(r)
    out = []
    for minute, rs in sorted(minutes.items()):

        def p95(action, rs=rs):
            return percentile([r.latency_ms for r in rs if r.action == action and r.outcome != "error"], 95)

        rss = [s.app_rss_mb for s in samples if minute * 60 <= s.t < (minute + 1) * 60 and s.app_rss_mb > 0]
        out.append(
            {
                "minute": minute + 1,
                "actions": len(rs),
                "errors": sum(r.outcome == "error" for r in rs),
                "baseline_p95": p95("baseline"),
                "feed_page_p95": p95("feed_page"),
                "filter_change_p95": p95("filter_change"),
                "detail_p95": p95("detail"),
                "rss_mb": rss[-1] if rss else None,
            }
        )
    return out


def report(args, shared, sampler: Sampler, started_wall: float, mode: str, extra: dict | None = None) -> dict:
    summary = summarize(shared.records)
    avg_up, worst_up = upstream_per_minute(sampler.samples)
    samples = sampler.samples
    rss = [s.app_rss_mb for s in samples if s.app_rss_mb > 0]
    steady = [s for s in samples if s.t >= args.ramp]
    result = {
        "mode": mode,
        "drivers": args.drivers,
        "duration_s": args.duration,
        "ramp_s": args.ramp,
        "think_s": list(args.think),
        "seed": args.seed,
        "app_env": args.app_env,
        "max_cards": args.max_cards,
        "machine": machine(),
        "load1_during": [s.load1 for s in samples],
        "actions": summary,
        "errors": error_kinds(shared.records),
        "actions_total": len(shared.records),
        "upstream_per_min_avg": avg_up,
        "upstream_per_min_worst": worst_up,
        "upstream_total": (samples[-1].upstream_total - samples[0].upstream_total)
        if len(samples) > 1 and samples[0].upstream_total is not None and samples[-1].upstream_total is not None
        else None,
        "rate_limited_429": samples[-1].rate_limited if samples else None,
        "app_cpu_pct_avg_steady": round(sum(s.app_cpu_pct for s in steady) / len(steady), 1) if steady else None,
        "app_cpu_pct_max": max((s.app_cpu_pct for s in samples), default=None),
        "gen_cpu_pct_avg_steady": round(sum(s.gen_cpu_pct for s in steady) / len(steady), 1) if steady else None,
        "gen_cpu_pct_max": max((s.gen_cpu_pct for s in samples), default=None),
        "rss_mb_first": rss[0] if rss else None,
        "rss_mb_last": rss[-1] if rss else None,
        "rss_mb_max": max(rss) if rss else None,
        "rss_slope_mb_per_min_after_ramp": slope_mb_per_min(samples, args.ramp + 30),
        "samples": [asdict(s) for s in samples],
        "per_minute": per_minute(shared.records, samples),
        # every action, compact: [action, outcome, error, latency ms, start (s into the run), cached,
        # events sent, delta frames received]
        "records": [
            [r.action, r.outcome, r.error, round(r.latency_ms, 1), round(r.start - started_wall, 2), r.cached, r.sent, r.frames]
            for r in shared.records
        ],
        "responses_attempted": len(shared.responses_attempted),
        "responses_confirmed": len(shared.responses_confirmed),
        **(extra or {}),
    }
    return result


def fills_line(fills: dict | None) -> str:
    if not fills:
        return "—"
    scope = "whole deployment" if fills["deployment_wide"] else "one worker"
    return ", ".join(f"{purpose} {n:,}" for purpose, n in fills["by_purpose"].items()) + f" ({scope})"


def markdown(result: dict) -> str:
    m = result["machine"]
    loads = result["load1_during"]
    head = (
        f"**{result['mode']}, {result['drivers']:,} drivers, {result['duration_s']:.0f} s, "
        f"think {result['think_s'][0]:g}–{result['think_s'][1]:g} s, paging to {result.get('max_cards', 400)} cards** "
        f"({m['date_utc']} UTC, {m['nproc']} vCPU {m['cpu']}, {m['ram_gb']} GB; load average during the run "
        f"{min(loads, default=0):.1f}–{max(loads, default=0):.1f}; {result['actions_total']:,} actions)"
    )

    def f(v, unit=""):
        return "—" if v is None else f"{v:,.1f}{unit}"

    lines = [
        head,
        "",
        action_table(result["actions"]),
        "",
        "| resource | value |",
        "|---|---|",
        f"| upstream CargoTech calls | {result['upstream_total']} total, {f(result['upstream_per_min_avg'])}/min avg, "
        f"{f(result['upstream_per_min_worst'])} worst 60 s; 429s: {result['rate_limited_429']} |",
        f"| upstream calls by purpose (the app's /metrics) | {fills_line(result.get('upstream_fills'))} |",
        f"| app CPU (process tree, 100 % = 1 core) | {f(result['app_cpu_pct_avg_steady'], ' %')} avg after ramp, "
        f"{f(result['app_cpu_pct_max'], ' %')} max |",
        f"| app RSS | {f(result['rss_mb_first'], ' MB')} first → {f(result['rss_mb_last'], ' MB')} last, "
        f"max {f(result['rss_mb_max'], ' MB')}, "
        f"slope after ramp {f(result['rss_slope_mb_per_min_after_ramp'], ' MB/min')} |",
        f"| generator CPU | {f(result['gen_cpu_pct_avg_steady'], ' %')} avg, {f(result['gen_cpu_pct_max'], ' %')} max |",
        f"| responses | {result['responses_confirmed']} confirmed of {result['responses_attempted']} sent |",
        f"| errors | {sum(result['errors'].values())}: {result['errors'] or 'none'} |",
    ]
    if result.get("vs_floor"):
        lines += ["", floor_cmp.markdown(result["vs_floor"])]
    if result.get("per_minute"):
        lines += [
            "",
            "| minute | actions | errors | baseline p95 | feed page p95 | filter change p95 | detail p95 | app RSS MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for m in result["per_minute"]:
            lines.append(
                f"| {m['minute']} | {m['actions']:,} | {m['errors']} | {f(m['baseline_p95'])} | "
                f"{f(m['feed_page_p95'])} | {f(m['filter_change_p95'])} | {f(m['detail_p95'])} | {f(m['rss_mb'])} |"
            )
    return "\n".join(lines)


async def amain(args) -> dict:
    stack = None
    if args.url:
        app_url = require_loopback(args.url)
        sandbox_url = require_loopback(args.sandbox_url) if args.sandbox_url else ""
        app_pid = lambda: None  # noqa: E731 — unknown process: no CPU/RSS samples
        mode = f"external app {app_url}"
    else:
        stack = Stack(workers=args.workers, redis=args.redis)
        stack.app_extra_env = dict(item.split("=", 1) for item in args.app_env)
        if args.memory_dump:
            stack.app_extra_env |= {
                "MEMORY_DUMP_EVERY_S": str(args.memory_dump),
                "MEMORY_DUMP_DIR": str(stack.log_dir / "memory"),
            }
        print(f"starting the stack (logs in {stack.log_dir}) …", file=sys.stderr, flush=True)
        await asyncio.to_thread(stack.start)
        app_url, sandbox_url, app_pid = stack.app_url, stack.sandbox_url, stack.app_pid
        mode = f"{args.workers} worker{'s' if args.workers > 1 else ''}" + (
            " + Redis (oplock)" if args.redis else ", no Redis (disk state)"
        )
    try:
        shared = make_shared(app_url, seed=args.seed, think_s=tuple(args.think), respond_p=args.respond_p)
        shared.max_cards = args.max_cards
        sampler = Sampler(app_pid=app_pid, sandbox_url=sandbox_url or "http://127.0.0.1:9", interval_s=args.sample_interval)
        started_wall = time.time()
        print(f"{args.drivers} drivers for {args.duration:.0f} s against {app_url} …", file=sys.stderr, flush=True)
        await run_drivers(
            shared, drivers=args.drivers, duration_s=args.duration, ramp_s=args.ramp, seed=args.seed, sampler=sampler
        )
        result = report(args, shared, sampler, started_wall, mode)
        result["upstream_fills"] = await asyncio.to_thread(upstream_fills, app_url)
        product = floor_cmp.side(shared.records, sampler.app_cpu_seconds if stack else None, result["actions"])
        result["round_trips"] = product["round_trips"]
        result["app_cpu_s"] = product["cpu_s"]
        if stack is not None and not args.no_floor:
            result.update(await floor_run(args, stack, product))
        return result
    finally:
        if stack is not None:
            await asyncio.to_thread(stack.stop)


async def floor_run(args, stack: Stack, product: dict) -> dict:
    """The same drivers, pace and serving mode against the bare-Reflex floor, the product stopped."""
    await asyncio.to_thread(stack.stop_app)
    print("starting the bare-Reflex floor …", file=sys.stderr, flush=True)
    await asyncio.to_thread(stack.start_floor)
    shared = make_shared(stack.floor_url, seed=args.seed, think_s=tuple(args.think), respond_p=0)
    sampler = Sampler(app_pid=stack.floor_pid, sandbox_url="http://127.0.0.1:9", interval_s=args.sample_interval)
    print(
        f"{args.drivers} floor drivers for {args.floor_duration:.0f} s against {stack.floor_url} …", file=sys.stderr, flush=True
    )
    await run_drivers(
        shared,
        drivers=args.drivers,
        duration_s=args.floor_duration,
        ramp_s=args.ramp,
        seed=args.seed,
        sampler=sampler,
        driver_class=FloorDriver,
    )
    summary = summarize(shared.records)
    floor = floor_cmp.side(shared.records, sampler.app_cpu_seconds, summary)
    steady = [s for s in sampler.samples if s.t >= args.ramp]
    return {
        "floor": {
            "duration_s": args.floor_duration,
            "actions": summary,
            "errors": error_kinds(shared.records),
            "events": floor["events"],
            "app_cpu_s": floor["cpu_s"],
            "round_trips": floor["round_trips"],
            "app_cpu_pct_avg_steady": round(sum(s.app_cpu_pct for s in steady) / len(steady), 1) if steady else None,
            "load1_during": [s.load1 for s in sampler.samples],
        },
        "vs_floor": floor_cmp.compare(product, floor),
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    # A TERM (timeout, Ctrl-C in CI) must still stop the stack's process groups in amain's finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = asyncio.run(amain(args))
    out = args.json or Path(__file__).parent / "results" / (
        f"load-{args.drivers}-w{args.workers}{'-redis' if args.redis else ''}-{int(time.time())}.json"
    )
    write_result(out, result)
    print(markdown(result))
    print(f"\nJSON: {out}")
    errors = sum(result["errors"].values())
    sys.exit(1 if errors and args.drivers <= 5 else 0)  # the smoke mode fails on any error


if __name__ == "__main__":
    main()
