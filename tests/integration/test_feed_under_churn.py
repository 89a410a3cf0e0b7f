"""A driver scrolls the feed while the exchange moves under it: new cargos arrive at the head and
cargos are withdrawn, and another driver's scrolling left deeper pages in the shared cache from an
older moment. The cards shown have no duplicates, no gaps against the exchange at the time of
the first page, the exchange's newest-first order, and every «Показать ещё» adds something."""

import random

import httpx
import pytest

from services.feed.filters import DriverFilters, base_query
from services.feed.loading import load_feed_page, load_next_feed_page
from tests.support.fakes import ManualClock

T0 = 1_800_000_000.0
SLOT_S = 12  # the sandbox publishes one cargo every 12 s


def _exchange(sandbox, depth: int, token: str | None = None) -> list[str]:
    """The exchange's list as it is now (the sandbox's clock is frozen), newest first."""
    token = token or sandbox.login()
    ids: list[str] = []
    with httpx.Client(base_url=sandbox.url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as http:
        for offset in range(0, depth, 100):
            query = base_query(offset=offset, limit=100)
            ids += [str(item["id"]) for item in http.get("/v2/cargos/views", params=query).json()["data"]]
    return ids


def _remove(sandbox, cargo_id: str) -> None:
    sandbox._control("POST", f"/cargo/{cargo_id}/remove")


@pytest.fixture
def churn(make_runtime, sandbox):
    clock = ManualClock(T0)
    runtime = make_runtime(clock=clock, list_cache_fresh_s=60)
    return runtime, clock


async def test_scrolling_under_churn_has_no_duplicates_no_gaps_and_no_stall(churn, sandbox):
    runtime, clock = churn
    rng = random.Random(14)
    sandbox_offset = 0.0
    sandbox.set_clock(sandbox_offset, frozen=True)
    # Another driver scrolled ten pages a while ago: those deeper pages sit in the shared cache.
    for offset in range(20, 220, 20):
        await runtime.cargos.list_page(base_query(offset=offset))
    # Ten minutes of the exchange: fifty new cargos at the head; some withdrawn further down.
    sandbox_offset += 600
    sandbox.set_clock(sandbox_offset, frozen=True)
    for cargo_id in rng.sample(_exchange(sandbox, 200)[20:200], 8):
        _remove(sandbox, cargo_id)
    clock.now += 40  # the other driver's pages are still inside their freshness window

    reference = _exchange(sandbox, 400)  # the exchange when our driver opens the feed
    first = await load_feed_page(runtime.cargos, DriverFilters())
    shown = [c["id"] for c in first.cards]
    assert shown == reference[:20]
    generation, offset = first.fetched_at, first.next_offset
    removed: set[str] = set()
    for _ in range(12):
        # Between two scrolls: new cargos arrive (faster than one in 30 s, as on the real
        # exchange), and a cargo may be withdrawn above or below the driver's position.
        sandbox_offset += 3 * SLOT_S
        sandbox.set_clock(sandbox_offset, frozen=True)
        victim = rng.choice(reference[:300])
        if victim not in removed:
            _remove(sandbox, victim)
            removed.add(victim)
        clock.now += 5
        assert offset is not None
        page = await load_next_feed_page(runtime.cargos, DriverFilters(), offset=offset, shown=set(shown), generation=generation)
        assert page.cards, "a «Показать ещё» that adds nothing: the feed would stall"
        shown += [c["id"] for c in page.cards]
        offset = page.next_offset

    assert len(shown) == len(set(shown)), "a cargo shown twice"
    assert len(shown) >= 200  # new arrivals push each page down by about three cards
    final = _exchange(sandbox, 500)
    # No gaps: every cargo of the exchange at first-page time, down to the deepest one shown,
    # is on screen unless it was withdrawn (or expired) since.
    deepest = max(reference.index(i) for i in shown if i in reference)
    missing = [i for i in reference[: deepest + 1] if i not in shown and i in final]
    assert missing == []
    # Newest first: the cards keep the exchange's order.
    position = {cargo_id: n for n, cargo_id in enumerate(final)}
    still_listed = [i for i in shown if i in position]
    assert still_listed == sorted(still_listed, key=position.__getitem__)
    # Nothing from a newer moment slipped in between: what the driver sees beyond the first
    # page is exactly the reference list (minus withdrawals), in order.
    assert [i for i in shown if i in reference] == [i for i in reference[: deepest + 1] if i in shown]


async def test_a_page_holding_only_shown_cards_continues_to_the_next_by_itself(churn, sandbox):
    runtime, clock = churn
    sandbox.set_clock(0, frozen=True)
    first = await load_feed_page(runtime.cargos, DriverFilters())
    shown = [c["id"] for c in first.cards]
    # 25 new cargos at the head: the page at offset 20 now holds only cards already shown.
    sandbox.set_clock(25 * SLOT_S, frozen=True)
    clock.now += 61
    calls = sandbox.stats()["list"]
    page = await load_next_feed_page(
        runtime.cargos, DriverFilters(), offset=first.next_offset, shown=set(shown), generation=first.fetched_at
    )
    assert page.cards and not set(c["id"] for c in page.cards) & set(shown)
    assert sandbox.stats()["list"] - calls == 2  # the page of repeats, then the next one
    reference = _exchange(sandbox, 100)
    assert [c["id"] for c in page.cards] == reference[reference.index(shown[-1]) + 1 :][: len(page.cards)]


async def test_a_list_that_moved_up_by_more_than_a_page_leaves_no_gap(churn, sandbox):
    """Withdrawals above the driver can outpace arrivals between two scrolls (a page fetched
    while the exchange was mid-change, then thirty withdrawn above): the list moves up by more
    than a page, and the next page still continues right after the last card shown."""
    runtime, clock = churn
    sandbox.set_clock(0, frozen=True)
    reference = _exchange(sandbox, 200)
    first = await load_feed_page(runtime.cargos, DriverFilters())
    shown = [c["id"] for c in first.cards]
    generation, offset = first.fetched_at, first.next_offset
    for _ in range(3):
        page = await load_next_feed_page(runtime.cargos, DriverFilters(), offset=offset, shown=set(shown), generation=generation)
        shown += [c["id"] for c in page.cards]
        offset = page.next_offset
    assert shown == reference[:80]
    for cargo_id in shown[10:40]:  # thirty withdrawn above the driver's position
        _remove(sandbox, cargo_id)
    clock.now += 5
    calls = sandbox.stats()["list"]
    page = await load_next_feed_page(runtime.cargos, DriverFilters(), offset=offset, shown=set(shown), generation=generation)
    assert [c["id"] for c in page.cards] == reference[80 : 80 + len(page.cards)]
    assert page.cards, "the next page added nothing"
    assert sandbox.stats()["list"] - calls <= 4  # a bounded walk back, through the cache


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_scrolling_with_reads_landing_mid_change_keeps_one_list(churn, sandbox, seed):
    """The browser's scroll presses «Показать ещё» whenever it is in view, so a read can land
    between the arrivals and the withdrawals of one moment of the exchange. Thirty new and thirty
    withdrawn anywhere in the top 300 between two scrolls (2 % of the list), eight times."""
    runtime, clock = churn
    rng = random.Random(seed)
    token = sandbox.login()  # one login: the sandbox limits logins as CargoTech does
    moved = 0.0
    sandbox.set_clock(moved, frozen=True)
    reference = _exchange(sandbox, 600, token)
    first = await load_feed_page(runtime.cargos, DriverFilters())
    shown = [c["id"] for c in first.cards]
    generation, offset = first.fetched_at, first.next_offset

    async def scroll() -> None:
        nonlocal offset
        assert offset is not None
        page = await load_next_feed_page(runtime.cargos, DriverFilters(), offset=offset, shown=set(shown), generation=generation)
        shown.extend(c["id"] for c in page.cards)
        offset = page.next_offset

    for _ in range(8):
        moved += 30 * SLOT_S
        sandbox.set_clock(moved, frozen=True)
        clock.now += 2
        await scroll()  # mid-change: the arrivals are in, the withdrawals not yet
        for cargo_id in rng.sample(_exchange(sandbox, 300, token), 30):
            _remove(sandbox, cargo_id)
        clock.now += 2
        before = len(shown)
        await scroll()
        assert len(shown) > before, "the feed stalled"

    assert len(shown) == len(set(shown)), "a cargo shown twice"
    final = _exchange(sandbox, 1200, token)
    deepest = max(reference.index(i) for i in shown if i in reference)
    missing = [i for i in reference[: deepest + 1] if i not in shown and i in final]
    assert missing == [], "cargos listed the whole time were skipped"
    position = {cargo_id: n for n, cargo_id in enumerate(final)}
    still_listed = [i for i in shown if i in position]
    assert still_listed == sorted(still_listed, key=position.__getitem__), "the exchange's order broken"
