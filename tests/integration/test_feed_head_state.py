"""The feed screen looks at the head of its query again while the exchange moves: new cargos wait
behind the «N новых грузов» pill (the list does not move under the thumb), a tap merges them in
front; cards the fresh first page shows to be withdrawn, or whose detail answers 404, say «снят»."""

from __future__ import annotations

import httpx
import pytest
from reflex.istate.data import RouterData

from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from services.feed.filters import base_query
from services.feed.recovery import HEAD_CHECK_S
from tests.integration.state_harness import run_handler, signed_in_tree, wire
from tests.support.fakes import ManualClock

T0 = 1_800_000_000.0
SLOT_S = 12  # the sandbox publishes one cargo every 12 s


@pytest.fixture
async def moving(make_runtime, sandbox, monkeypatch):
    clock = ManualClock(T0)
    runtime = make_runtime(clock=clock, list_cache_fresh_s=60)
    await wire(runtime, monkeypatch)
    sandbox.set_clock(0, frozen=True)
    return runtime, clock


def _head(sandbox, depth: int = 20) -> list[str]:
    token = sandbox.login()
    with httpx.Client(base_url=sandbox.url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as http:
        data = http.get("/v2/cargos/views", params=base_query(offset=0, limit=depth)).json()["data"]
    return [str(item["id"]) for item in data]


async def _scrolled_feed(driver_id: int) -> tuple[object, FeedState]:
    root = await signed_in_tree(driver_id=driver_id)
    await run_handler(root, FeedState, "reload", {})
    await run_handler(root, FeedState, "load_more", {})
    feed = await root.get_state(FeedState)
    assert len(feed.cards) == 40
    return root, feed


async def test_new_cargos_wait_behind_the_pill_and_a_tap_merges_them_in_front(moving, sandbox):
    runtime, clock = moving
    root, feed = await _scrolled_feed(700001401)
    before = [c["id"] for c in feed.cards]
    assert feed.recheck_in == HEAD_CHECK_S and feed.new_count == 0  # a fresh page is looked at again later

    sandbox.set_clock(3 * SLOT_S, frozen=True)  # three new cargos at the head
    clock.now += 3 * 60  # past the window and the revalidation bound: the re-check waits for a fresh page
    await run_handler(root, FeedState, "recheck", {})
    assert [c["id"] for c in feed.cards] == before, "the list moved under the driver's thumb"
    head = _head(sandbox)
    arrived = head[: head.index(before[0])]  # the exchange's new head (three or four, by the slot phase)
    assert len(arrived) in (3, 4)
    assert feed.new_count == len(arrived) and feed.new_label == f"{len(arrived)} новых груза"
    assert feed.recheck_in == HEAD_CHECK_S

    await run_handler(root, FeedState, "show_new", {})
    shown = [c["id"] for c in feed.cards]
    assert shown == arrived + before
    assert len(shown) == len(set(shown))
    assert feed.new_count == 0 and feed.new_label == ""

    # Nothing new since: a second look finds nothing, and the pill stays away.
    await run_handler(root, FeedState, "recheck", {})
    assert feed.new_count == 0 and [c["id"] for c in feed.cards] == shown


async def test_a_card_withdrawn_from_the_head_is_marked_where_it_is(moving, sandbox):
    runtime, clock = moving
    root, feed = await _scrolled_feed(700001402)
    before = [c["id"] for c in feed.cards]
    victim = before[4]
    sandbox._control("POST", f"/cargo/{victim}/remove")
    clock.now += 3 * 60
    await run_handler(root, FeedState, "recheck", {})
    assert [c["id"] for c in feed.cards] == before  # stays in place
    marked = {c["id"] for c in feed.cards if c["gone"] is True}
    assert marked == {victim}
    assert feed.new_count == 0


async def test_a_card_pushed_off_the_first_page_is_not_taken_for_withdrawn(moving, sandbox):
    runtime, clock = moving
    root, feed = await _scrolled_feed(700001403)
    sandbox.set_clock(5 * SLOT_S, frozen=True)  # new cargos push the first page's last five or six down
    clock.now += 3 * 60
    await run_handler(root, FeedState, "recheck", {})
    head = _head(sandbox)
    assert feed.new_count == head.index(feed.cards[0]["id"]) >= 5
    assert not [c["id"] for c in feed.cards if c["gone"] is True]


async def test_a_detail_answering_withdrawn_marks_the_card_in_the_list(moving, sandbox):
    runtime, clock = moving
    root, feed = await _scrolled_feed(700001404)
    victim = feed.cards[30]["id"]
    sandbox._control("POST", f"/cargo/{victim}/remove")
    detail = await root.get_state(DetailState)
    path = f"/cargo/{victim}"
    detail.router = RouterData.from_router_data({"pathname": path, "asPath": path, "headers": {"origin": "http://localhost"}})
    await run_handler(root, DetailState, "load", {})
    assert detail.gone
    assert [c["id"] for c in feed.cards if c["gone"] is True] == [victim]
