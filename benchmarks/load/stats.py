"""Percentiles and Markdown tables over driver Records."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

ACTION_ORDER = [
    "hydrate",
    "sign_in",
    "feed_first",
    "feed_page",
    "filter_change",
    "detail",
    "back_to_feed",
    "respond",
    "reconnect",
    "baseline",
]


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def groups(records) -> dict[str, list]:
    """By action; feed pages and filter changes also split by whether the cache likely served them."""
    out: dict[str, list] = defaultdict(list)
    for r in records:
        out[r.action].append(r)
        if r.action in ("feed_page", "filter_change", "feed_first") and r.cached is not None:
            out[f"{r.action} ({'cached' if r.cached else 'uncached'})"].append(r)
    return out


def summarize(records) -> dict[str, dict]:
    summary = {}
    for name, rs in groups(records).items():
        ok = [r.latency_ms for r in rs if r.outcome != "error"]
        summary[name] = {
            "count": len(rs),
            "errors": sum(r.outcome == "error" for r in rs),
            "stale": sum(r.outcome == "stale" for r in rs),
            "p50_ms": percentile(ok, 50),
            "p95_ms": percentile(ok, 95),
            "p99_ms": percentile(ok, 99),
            "max_ms": max(ok) if ok else None,
        }
    base = summary.get("baseline", {}).get("p95_ms")
    for s in summary.values():
        s["p95_over_baseline"] = (s["p95_ms"] / base) if base and s["p95_ms"] is not None else None
    return summary


def ordered_names(summary: dict) -> list[str]:
    def key(name: str):
        base = name.split(" (")[0]
        return (ACTION_ORDER.index(base) if base in ACTION_ORDER else 99, name)

    return sorted(summary, key=key)


def action_table(summary: dict) -> str:
    lines = [
        "| action | count | errors | stale | p50 ms | p95 ms | p99 ms | p95 ÷ baseline p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ordered_names(summary):
        s = summary[name]
        ratio = "—" if s["p95_over_baseline"] is None else f"{s['p95_over_baseline']:.1f}×"
        lines.append(
            f"| {name} | {s['count']:,} | {s['errors']:,} | {s['stale']:,} | {_fmt(s['p50_ms'])} | "
            f"{_fmt(s['p95_ms'])} | {_fmt(s['p99_ms'])} | {ratio} |"
        )
    return "\n".join(lines)


def error_kinds(records) -> dict[str, int]:
    return dict(Counter(f"{r.action}: {r.error}" for r in records if r.outcome == "error").most_common())
