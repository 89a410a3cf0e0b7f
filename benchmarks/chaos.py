"""Chaos run: a load run during which faults are injected in sequence, recording what every
driver saw (fresh data, stale data, or an error) per fault window, then auditing that every
driver response produced exactly one dispatcher message and one database row.

    .venv/bin/python -m benchmarks.chaos                      # 250 drivers, 2 workers + Redis, ~10 min
    .venv/bin/python -m benchmarks.chaos --drivers 5 --scale 0.2   # smoke: every fault, short windows

Windows, in order: baseline; CargoTech 503 for 60 s; recovery; token revocation; 429 storm
(30 s); recovery; Redis restart (stop and start the private redis-server on the same port);
Telegram outage (every Bot API call 502 for 120 s); app restart (kill the app's process tree,
start it again on the same port; clients reconnect); final recovery. Then the outbox drains
and the audit compares the drivers' confirmed responses, the app's SQLite rows and the fake
Telegram's recorded sendMessage calls. Loopback only; bounded by the schedule (≤ 12 min).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import sqlite3
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

from benchmarks.load.output import write_result
from benchmarks.load.run import make_shared, run_drivers
from benchmarks.load.sampler import Sampler
from benchmarks.load.stack import DISPATCHERS, Stack
from benchmarks.load.stats import percentile
from benchmarks.load_drivers import machine

DATA_ACTIONS = ("feed_first", "feed_page", "filter_change", "detail")
CARGO_RE = re.compile(r"Груз №(\d+)")
DRIVER_RE = re.compile(r"tg://user\?id=(\d+)")


def schedule(stack: Stack, scale: float):
    """(window name, seconds, injection coroutine factory or None)."""

    async def sandbox_fault(spec: dict) -> str:
        async with httpx.AsyncClient(timeout=10) as http:
            (await http.post(f"{stack.sandbox_url}/__control/faults", json=spec)).raise_for_status()
        return json.dumps(spec)

    async def revoke() -> str:
        async with httpx.AsyncClient(timeout=10) as http:
            answer = (await http.post(f"{stack.sandbox_url}/__control/revoke_tokens")).json()
        return f"revoked {answer.get('revoked')} token(s)"

    async def redis_restart() -> str:
        started = time.monotonic()
        await asyncio.to_thread(stack.stop_redis)
        await asyncio.sleep(3 * scale)
        await asyncio.to_thread(stack.start_redis)
        return f"redis down {time.monotonic() - started:.1f} s (data lost: no persistence)"

    async def telegram_outage(seconds: float) -> str:
        async with httpx.AsyncClient(timeout=10) as http:
            spec = {"kind": "status", "status": 502, "duration_s": seconds}
            (await http.post(f"{stack.telegram_url}/__control/faults", json=spec)).raise_for_status()
        return f"every Bot API call answers 502 for {seconds:.0f} s"

    async def app_restart() -> str:
        started = time.monotonic()
        await asyncio.to_thread(stack.stop_app)
        down = time.monotonic()
        await asyncio.to_thread(stack.start_app)
        return f"app stopped in {down - started:.1f} s, back (compile + build + serve) after {time.monotonic() - down:.1f} s"

    s = scale
    return [
        ("baseline", 45 * s, None),
        ("cargotech 503 (60 s)", 60 * s, lambda: sandbox_fault({"kind": "status", "status": 503, "duration_s": 60 * s})),
        ("recovery 1", 30 * s, None),
        ("token revoked", 30 * s, revoke),
        (
            "429 storm (30 s)",
            30 * s,
            lambda: sandbox_fault({"kind": "status", "status": 429, "retry_after": 2, "duration_s": 30 * s}),
        ),
        ("recovery 2", 30 * s, None),
        ("redis restart", 45 * s, redis_restart),
        ("telegram outage (120 s)", 120 * s, lambda: telegram_outage(120 * s)),
        ("app restart", 90 * s, app_restart),
        ("final recovery", 60 * s, None),
    ]


async def run_schedule(shared, windows, log: list) -> None:
    for name, seconds, inject in windows:
        shared.phase = name
        began = time.monotonic()
        note = ""
        if inject is not None:
            try:
                note = await inject()
            except Exception as exc:  # noqa: BLE001 — report a failed injection, keep going
                note = f"INJECTION FAILED: {exc!r}"
        log.append({"window": name, "planned_s": seconds, "note": note})
        print(f"[{time.strftime('%H:%M:%S')}] {name}: {note}", file=sys.stderr, flush=True)
        await asyncio.sleep(max(0.0, seconds - (time.monotonic() - began)))
    shared.phase = "after"


def window_table(records, windows) -> tuple[str, list]:
    by_window = defaultdict(list)
    for r in records:
        by_window[r.phase].append(r)
    rows, lines = (
        [],
        [
            "| window | actions | fresh % | stale % | error % | p95 ms (data) | p95 ms (all ok) | what failed (top) |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ],
    )
    for name, _, _ in windows:
        rs = by_window.get(name, [])
        if not rs:
            lines.append(f"| {name} | 0 | — | — | — | — | — | — |")
            continue
        data = [r for r in rs if r.action in DATA_ACTIONS]
        fresh = sum(r.outcome == "fresh" for r in data)
        stale = sum(r.outcome == "stale" for r in data)
        errors = [r for r in rs if r.outcome == "error"]
        p95_data = percentile([r.latency_ms for r in data if r.outcome != "error"], 95)
        p95_all = percentile([r.latency_ms for r in rs if r.outcome != "error"], 95)
        top = Counter(f"{r.action}: {r.error}" for r in errors).most_common(3)
        row = {
            "window": name,
            "actions": len(rs),
            "data_actions": len(data),
            "fresh_pct": 100 * fresh / len(data) if data else None,
            "stale_pct": 100 * stale / len(data) if data else None,
            "error_pct": 100 * len(errors) / len(rs),
            "p95_data_ms": p95_data,
            "p95_all_ms": p95_all,
            "errors": dict(Counter(f"{r.action}: {r.error}" for r in errors)),
        }
        rows.append(row)

        def pct(v):
            return "—" if v is None else f"{v:.1f}"

        def ms(v):
            return "—" if v is None else f"{v:,.0f}"

        lines.append(
            f"| {name} | {len(rs):,} | {pct(row['fresh_pct'])} | {pct(row['stale_pct'])} | "
            f"{pct(row['error_pct'])} | {ms(p95_data)} | {ms(p95_all)} | "
            f"{'; '.join(f'{k} ×{v}' for k, v in top) or '—'} |"
        )
    return "\n".join(lines), rows


def db_rows(db_path: Path) -> tuple[dict, Counter]:
    with sqlite3.connect(db_path) as db:
        rows = {
            (int(d), str(c)): (status, mid)
            for d, c, status, mid in db.execute("select driver_id, cargo_id, status, dispatcher_message_id from driver_response")
        }
        outbox = Counter(f"{kind}:{status}" for kind, status in db.execute("select kind, status from outbox_message"))
    return rows, outbox


async def drain(stack: Stack, timeout_s: float) -> float:
    """Wait until the outbox holds no undelivered dispatcher message; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        _, outbox = await asyncio.to_thread(db_rows, stack.db_path)
        if not any(k.startswith("dispatcher:") and not k.endswith(":sent") for k in outbox):
            break
        await asyncio.sleep(2)
    return time.monotonic() - started


async def audit(stack: Stack, shared) -> dict:
    rows, outbox = await asyncio.to_thread(db_rows, stack.db_path)
    async with httpx.AsyncClient(timeout=30) as http:
        calls = (await http.get(f"{stack.telegram_url}/__control/calls", params={"method": "sendMessage"})).json()
    delivered = Counter()
    failed_attempts = 0
    for call in calls:
        params = call.get("params") or {}
        if str(params.get("chat_id")) != str(DISPATCHERS):
            continue
        text = str(params.get("text", ""))
        cargo, driver = CARGO_RE.search(text), DRIVER_RE.search(text)
        if not (cargo and driver):
            continue
        if call.get("ok"):
            delivered[(int(driver.group(1)), cargo.group(1))] += 1
        else:
            failed_attempts += 1
    confirmed, attempted = shared.responses_confirmed, shared.responses_attempted
    unconfirmed = attempted - confirmed
    ours = {key for key in rows if key[0] >= 5_000_000_000}
    return {
        "responses_attempted": len(attempted),
        "responses_confirmed_to_driver": len(confirmed),
        "confirmed_missing_in_db": sorted(map(list, confirmed - set(rows))),
        "unconfirmed_but_recorded": len(unconfirmed & set(rows)),
        "unconfirmed_not_recorded": len(unconfirmed - set(rows)),
        "db_rows": len(ours),
        "db_rows_not_attempted_by_drivers": len(ours - attempted),
        "db_rows_with_exactly_one_message": sum(delivered[key] == 1 for key in ours),
        "db_rows_with_no_message": sorted(map(list, [k for k in ours if delivered[k] == 0])),
        "db_rows_with_duplicate_messages": {f"{k[0]}/{k[1]}": delivered[k] for k in ours if delivered[k] > 1},
        "messages_without_db_row": sorted(map(list, set(delivered) - set(rows))),
        "failed_send_attempts_seen_by_telegram": failed_attempts,
        "db_status": dict(Counter(status for status, _ in rows.values())),
        "outbox": dict(outbox),
    }


def audit_markdown(a: dict) -> str:
    ok = (
        not a["confirmed_missing_in_db"]
        and not a["db_rows_with_no_message"]
        and not a["db_rows_with_duplicate_messages"]
        and not a["messages_without_db_row"]
    )
    return "\n".join(
        [
            "| delivery audit | value |",
            "|---|---|",
            f"| responses sent by drivers | {a['responses_attempted']} "
            f"({a['responses_confirmed_to_driver']} confirmed on screen) |",
            f"| confirmed but missing in the DB | {len(a['confirmed_missing_in_db'])} |",
            f"| not confirmed (driver saw an error) | {a['unconfirmed_but_recorded']} recorded anyway, "
            f"{a['unconfirmed_not_recorded']} not recorded |",
            f"| DB rows | {a['db_rows']}; with exactly one dispatcher message: {a['db_rows_with_exactly_one_message']} |",
            f"| rows with no message (lost) | {len(a['db_rows_with_no_message'])} |",
            f"| rows with duplicate messages | {len(a['db_rows_with_duplicate_messages'])} |",
            f"| dispatcher messages without a row | {len(a['messages_without_db_row'])} |",
            f"| failed sendMessage attempts (retried by the outbox) | {a['failed_send_attempts_seen_by_telegram']} |",
            f"| outbox after drain | {a['outbox']} |",
            f"| verdict | {'every response: exactly one dispatcher message and one row' if ok else 'PROBLEMS, see the JSON'} |",
        ]
    )


async def amain(args) -> dict:
    stack = Stack(workers=args.workers, redis=args.workers > 1 or args.redis)
    print(f"starting the stack (logs in {stack.log_dir}) …", file=sys.stderr, flush=True)
    await asyncio.to_thread(stack.start)
    try:
        windows = schedule(stack, args.scale)
        total = sum(seconds for _, seconds, _ in windows)
        shared = make_shared(stack.app_url, seed=args.seed, think_s=tuple(args.think), respond_p=args.respond_p)
        shared.phase = "ramp"
        sampler = Sampler(app_pid=stack.app_pid, sandbox_url=stack.sandbox_url, interval_s=10)
        log: list = []
        ramp = min(30.0, args.drivers / 20)

        async def during(_started):
            await asyncio.sleep(ramp)
            await run_schedule(shared, windows, log)

        await run_drivers(
            shared, drivers=args.drivers, duration_s=ramp + total, ramp_s=ramp, seed=args.seed, sampler=sampler, during=during
        )
        drained = await drain(stack, args.drain)
        audit_result = await audit(stack, shared)
        table, rows = window_table(shared.records, windows)
        return {
            "machine": machine(),
            "drivers": args.drivers,
            "workers": args.workers,
            "scale": args.scale,
            "think_s": list(args.think),
            "respond_p": args.respond_p,
            "windows": log,
            "table": rows,
            "table_md": table,
            "drain_s": round(drained, 1),
            "audit": audit_result,
            "audit_md": audit_markdown(audit_result),
            "load1_during": [s.load1 for s in sampler.samples],
            "rss_mb": [s.app_rss_mb for s in sampler.samples],
            "upstream_total": [s.upstream_total for s in sampler.samples],
            "rate_limited": sampler.samples[-1].rate_limited if sampler.samples else None,
            "logs": str(stack.log_dir),
            # every action, compact: [window, action, outcome, error, latency ms, start (s into the run)]
            "records": [
                [r.phase, r.action, r.outcome, r.error, round(r.latency_ms, 1), round(r.start - shared.records[0].start, 2)]
                for r in shared.records
            ],
        }
    finally:
        await asyncio.to_thread(stack.stop)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.chaos", description=__doc__.split("\n\n")[0])
    p.add_argument("--drivers", type=int, default=250)
    p.add_argument("--workers", type=int, default=2, help="app workers; > 1 implies a private Redis")
    p.add_argument("--redis", action="store_true", help="use Redis even with one worker")
    p.add_argument("--scale", type=float, default=1.0, help="multiply every window's length (0.2 for a smoke run)")
    p.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0), metavar=("MIN", "MAX"))
    p.add_argument("--respond-p", type=float, default=0.35, help="chance to respond after opening a detail")
    p.add_argument("--drain", type=float, default=150, help="max seconds to wait for the outbox afterwards")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "chaos.json")
    args = p.parse_args(argv)
    if not 1 <= args.drivers <= 2000 or not 0.05 <= args.scale <= 2:
        p.error("--drivers must be 1..2000 and --scale 0.05..2")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = asyncio.run(amain(args))
    write_result(args.json, result)
    print(result["table_md"])
    print()
    print(result["audit_md"])
    print(f"\nwindows: {json.dumps(result['windows'], ensure_ascii=False)}\nJSON: {args.json}")


if __name__ == "__main__":
    main()
