"""The feed sends the browser only what changed: its cards travel in fixed slots of SLOT_SIZE,
so «Показать ещё» re-sends one page of cards however deep the driver has scrolled, while a first
page or a new sort re-sends every slot whose cards it changed."""

from __future__ import annotations

import json

import pytest

from cargo_webapp.state.feed_state import SLOT_SIZE, SLOT_VARS, FeedState
from services.feed.sort import SORTS
from tests.integration.state_harness import run_handler, signed_in_tree, wire

DRIVER = 730000017


@pytest.fixture
async def feed_tree(make_runtime, sandbox, monkeypatch):
    sandbox.set_clock(0, frozen=True)
    await wire(make_runtime(list_cache_fresh_s=60), monkeypatch)
    root = await signed_in_tree(driver_id=DRIVER)
    return root, await root.get_state(FeedState)


async def _sent(root, name: str, payload: dict | None = None) -> dict:
    """Run one event and return the feed's part of the delta it sends to the browser."""
    root._clean()
    await run_handler(root, FeedState, name, payload or {})
    delta = (await root._get_resolved_delta()).get(FeedState.get_full_name(), {})
    return {key.removesuffix("_rx_state_"): value for key, value in delta.items()}


def _slots(sent: dict) -> set[str]:
    return {name for name in SLOT_VARS if name in sent}


def _shown(feed: FeedState) -> list[str]:
    return [card["id"] for name in SLOT_VARS for card in getattr(feed, name)]


async def test_each_load_more_sends_only_the_slot_it_fills(feed_tree):
    root, feed = feed_tree
    first = await _sent(root, "reload")
    assert _slots(first) == {"cards_0"}  # only slots whose cards changed are sent; the rest stay empty
    assert first["card_count"] == SLOT_SIZE and first["counter"].startswith(f"{SLOT_SIZE} из ")
    sizes = []
    for page in range(1, 6):
        sent = await _sent(root, "load_more")
        assert _slots(sent) == {f"cards_{page}"}, f"page {page + 1} re-sent {sorted(_slots(sent))}"
        assert 0 < len(sent[f"cards_{page}"]) <= SLOT_SIZE and sent["card_count"] == len(feed._cards)
        sizes.append(len(json.dumps(sent, ensure_ascii=False)))
    # The delta of the sixth page is no bigger than the second's (give or take card text).
    assert max(sizes) < 1.5 * min(sizes)
    assert _shown(feed) == [card["id"] for card in feed._cards] and len(feed._cards) > 5 * SLOT_SIZE


async def test_a_badge_sends_only_its_slot_and_a_sort_sends_all(feed_tree):
    root, feed = feed_tree
    await run_handler(root, FeedState, "reload", {})
    for _ in range(3):
        await run_handler(root, FeedState, "load_more", {})
    target = feed._cards[2 * SLOT_SIZE + 3]["id"]

    root._clean()
    feed._show_status(target, "Отклик отправлен")
    sent = await root._get_resolved_delta()
    assert _slots({k.removesuffix("_rx_state_"): v for k, v in sent[FeedState.get_full_name()].items()}) == {"cards_2"}
    assert next(c for c in feed.cards_2 if c["id"] == target)["status"] == "Отклик отправлен"

    other = next(key for key in SORTS if key != feed.sort)
    sent = await _sent(root, "set_sort", {"sort": other})
    assert _slots(sent) >= {"cards_0", "cards_1", "cards_2", "cards_3"}
    assert _shown(feed) == [card["id"] for card in feed._cards]


async def test_new_filters_empty_every_slot(feed_tree):
    root, feed = feed_tree
    await run_handler(root, FeedState, "reload", {})
    await run_handler(root, FeedState, "load_more", {})
    sent = await _sent(root, "set_weight", {"weight_class": "20"})
    assert _slots(sent) == {"cards_0", "cards_1"}  # both shown pages were replaced or emptied
    assert feed.cards_1 == [] and feed.card_count == len(feed._cards) == len(feed.cards_0)
