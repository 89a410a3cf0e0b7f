"""New-cargo detection: a baseline first, then only ids that appear above the known ones."""

from __future__ import annotations

from services.alerts.detection import SEEN_KEEP, SeenStore
from services.primitives.cache_backend import MemoryCache


async def test_first_poll_is_a_baseline_then_new_ids_on_top_are_new():
    seen = SeenStore(MemoryCache())
    assert await seen.observe("q", ["5", "4", "3"], now=100.0) == {}
    assert await seen.observe("q", ["7", "6", "5", "4"], now=160.0) == {"7": 160.0, "6": 160.0}
    assert await seen.observe("q", ["7", "6", "5", "4"], now=220.0) == {}  # a repeat poll
    assert await seen.observe("other", ["7"], now=220.0) == {}  # queries are independent


async def test_an_older_cargo_moving_up_into_the_page_is_not_new():
    seen = SeenStore(MemoryCache())
    await seen.observe("q", ["5", "4", "3"], now=100.0)
    # "5" expired and "2" (older than "3") moved up into the page; "8" is really new.
    assert await seen.observe("q", ["8", "4", "3", "2"], now=160.0) == {"8": 160.0}
    assert await seen.observe("q", ["8", "4", "3", "2"], now=220.0) == {}


async def test_memory_stays_bounded_and_keeps_the_current_page():
    seen = SeenStore(MemoryCache())
    await seen.observe("q", ["0"], now=1.0)
    for n in range(1, SEEN_KEEP + 50):
        page = [str(n), str(n - 1)]
        assert await seen.observe("q", page, now=float(n)) == {str(n): float(n)}
    stored = await seen._load("alerts:seen:q")
    assert stored is not None and len(stored) <= SEEN_KEEP
    assert str(SEEN_KEEP + 48) in stored
