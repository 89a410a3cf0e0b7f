"""A diagnostic for memory growth: with MEMORY_DUMP_EVERY_S set, each worker traces its
allocations (tracemalloc) and every that many seconds writes a text file of the largest live
allocations by traceback and of what grew since the first dump. Off by default: tracing slows
a worker down several times over (run it with few drivers) and pauses it for each dump.
Used by the load harness's soak runs (benchmarks/README.md)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import tracemalloc
from pathlib import Path

log = logging.getLogger(__name__)

FRAMES = 8
TOP = 25
# Allocations of the tracer itself and of module imports say nothing about a leak.
IGNORED = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    tracemalloc.Filter(False, "<unknown>"),
)


def report(snapshot: tracemalloc.Snapshot, first: tracemalloc.Snapshot | None, *, top: int = TOP) -> str:
    """Largest live allocations by traceback, then the largest growth since `first`."""
    stats = snapshot.statistics("traceback")
    total = sum(stat.size for stat in stats)
    lines = [f"traced: {total / 2**20:.1f} MiB in {sum(stat.count for stat in stats):,} blocks", "", f"== top {top} by size =="]
    for stat in stats[:top]:
        lines += [f"{stat.size / 2**20:8.2f} MiB {stat.count:9,} blocks", *stat.traceback.format(limit=FRAMES), ""]
    if first is not None:
        lines.append(f"== top {top} growth since the first dump ==")
        for diff in snapshot.compare_to(first, "traceback")[:top]:
            lines += [
                f"{diff.size_diff / 2**20:+8.2f} MiB {diff.count_diff:+9,} blocks (now {diff.size / 2**20:.2f} MiB)",
                *diff.traceback.format(limit=FRAMES),
                "",
            ]
    return "\n".join(lines)


async def run_memory_probe(every_s: float, directory: Path) -> None:
    """For the app's lifespan: trace, and dump every `every_s` seconds until cancelled."""
    directory.mkdir(parents=True, exist_ok=True)
    if not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
    pid, first, n = os.getpid(), None, 0
    log.warning("memory probe on: tracemalloc dumps every %.0f s in %s (slows this worker)", every_s, directory)
    while True:
        await asyncio.sleep(every_s)
        n += 1

        def dump(n: int = n, first: tracemalloc.Snapshot | None = first) -> tracemalloc.Snapshot:
            snapshot = tracemalloc.take_snapshot().filter_traces(IGNORED)
            text = report(snapshot, first)
            (directory / f"tracemalloc-{pid}-{n:03d}.txt").write_text(f"# {time.strftime('%H:%M:%S')}\n{text}")
            return snapshot

        # In the loop, not a thread: a busy loop starves a dumping thread of the GIL for minutes.
        # The pause (about a second) is the price of a diagnostic run.
        snapshot = dump()
        first = first or snapshot
