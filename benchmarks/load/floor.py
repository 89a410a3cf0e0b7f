"""The product against the bare-Reflex floor measured in the same invocation.

A noisy shared machine moves absolute figures between runs; a ratio to a floor measured minutes
apart under the same conditions moves much less. Two figures per run:

- server CPU per event: the app's process-tree CPU seconds over the run divided by the events its
  clients sent (actions, chained events the client followed, script answers, hydrations);
- each action's p95 as a multiple of the floor's one-event p95, and the events it needed.
"""

from __future__ import annotations

from benchmarks.load.stats import ordered_names, percentile


def round_trips(records) -> dict[str, dict]:
    """Per action: how many events the client sent and how many delta frames came back (ok actions)."""
    by_action: dict[str, list] = {}
    for r in records:
        if r.outcome != "error":
            by_action.setdefault(r.action, []).append(r)
    out = {}
    for action, rs in by_action.items():
        sent = [r.sent for r in rs]
        out[action] = {
            "count": len(rs),
            "events_mean": round(sum(sent) / len(rs), 2),
            "events_max": max(sent),
            "events_p95": percentile(sent, 95),
            "frames_mean": round(sum(r.frames for r in rs) / len(rs), 2),
        }
    return out


def cpu_ms_per_event(cpu_s: float | None, events: int) -> float | None:
    if cpu_s is None or events <= 0:
        return None
    return cpu_s * 1000 / events


def side(records, cpu_s: float | None, summary: dict) -> dict:
    """What one run contributes to the comparison."""
    events = sum(r.sent for r in records)
    return {
        "events": events,
        "cpu_s": None if cpu_s is None else round(cpu_s, 2),
        "cpu_ms_per_event": _round(cpu_ms_per_event(cpu_s, events), 3),
        "round_trips": round_trips(records),
        "summary": summary,
    }


def compare(product: dict, floor: dict, floor_action: str = "floor") -> dict:
    """Ratios of the product's figures to the floor's (see `side`)."""
    floor_p95 = (floor["summary"].get(floor_action) or {}).get("p95_ms")
    cpu_ratio = (
        product["cpu_ms_per_event"] / floor["cpu_ms_per_event"]
        if product["cpu_ms_per_event"] is not None and floor["cpu_ms_per_event"]
        else None
    )
    actions = {}
    for name, s in product["summary"].items():
        trips = product["round_trips"].get(name.split(" (")[0], {})
        events = trips.get("events_mean")
        ratio = s["p95_ms"] / floor_p95 if floor_p95 and s.get("p95_ms") is not None else None
        actions[name] = {
            "p95_ms": s.get("p95_ms"),
            "p95_x_floor": _round(ratio, 2),
            "events_mean": events,
            "events_max": trips.get("events_max"),
            "frames_mean": trips.get("frames_mean"),
            # sign-in and first page ride on the hydrate's events: count them as one
            "p95_x_floor_per_event": _round(ratio / max(events, 1.0), 2) if ratio is not None and events is not None else None,
        }
    return {
        "floor_p95_ms": floor_p95,
        "floor_cpu_ms_per_event": floor["cpu_ms_per_event"],
        "product_cpu_ms_per_event": product["cpu_ms_per_event"],
        "cpu_per_event_x_floor": _round(cpu_ratio, 2),
        "product_events": product["events"],
        "floor_events": floor["events"],
        "actions": actions,
    }


def markdown(comparison: dict) -> str:
    def f(v, unit="", digits=1):
        return "—" if v is None else f"{v:,.{digits}f}{unit}"

    c = comparison
    lines = [
        f"Floor (bare Reflex, one no-I/O event): p95 {f(c['floor_p95_ms'], ' ms')}, "
        f"server CPU {f(c['floor_cpu_ms_per_event'], ' ms', 2)} per event over {c['floor_events']:,} events. "
        f"Product: server CPU {f(c['product_cpu_ms_per_event'], ' ms', 2)} per event over "
        f"{c['product_events']:,} events = **{f(c['cpu_per_event_x_floor'], '×', 2)} the floor**.",
        "",
        "| action | p95 ms | p95 ÷ floor p95 | events sent (mean / max) | delta frames (mean) | p95 ÷ floor ÷ events |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ordered_names(c["actions"]):
        a = c["actions"][name]
        events = "—" if a["events_mean"] is None else f"{a['events_mean']:.2f} / {a['events_max']}"
        lines.append(
            f"| {name} | {f(a['p95_ms'], '', 0)} | {f(a['p95_x_floor'], '×')} | {events} | "
            f"{f(a['frames_mean'], '', 2)} | {f(a['p95_x_floor_per_event'], '×')} |"
        )
    return "\n".join(lines)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
