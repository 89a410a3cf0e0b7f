"""The memory probe's report: the largest live allocations by traceback, and growth since the
first snapshot naming the line that allocated."""

import tracemalloc

from services.infra.memory_probe import IGNORED, report

kept: list[bytes] = []


def grow(blocks: int) -> None:
    kept.extend(bytes(10_000) for _ in range(blocks))  # the line the report must name


def test_report_names_the_allocation_that_grew():
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start(5)
    try:
        first = tracemalloc.take_snapshot().filter_traces(IGNORED)
        grow(200)
        text = report(tracemalloc.take_snapshot().filter_traces(IGNORED), first, top=3)
    finally:
        if not was_tracing:
            tracemalloc.stop()
        kept.clear()
    assert text.startswith("traced: ")
    growth = text.split("== top 3 growth since the first dump ==", 1)[1]
    first_entry = growth.strip().split("\n\n", 1)[0]
    assert "+200 blocks" in first_entry.replace(",", "")
    assert "kept.extend(bytes(10_000)" in first_entry


def test_report_without_a_first_snapshot_has_no_growth_section():
    tracemalloc.start(1)
    try:
        text = report(tracemalloc.take_snapshot(), None)
    finally:
        tracemalloc.stop()
    assert "growth" not in text
