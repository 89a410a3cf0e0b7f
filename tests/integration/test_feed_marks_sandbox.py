"""The smarter feed against the CargoTech sandbox over HTTP: «новый» after a new visit, «цена
изменилась» when the sandbox changes a price, reposts folded into one card, ₽/км sort."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from services.drivers.store import DriverStore
from services.feed.folding import fold_duplicates, fold_key, folded_ids
from services.feed.loading import FeedPage, load_feed_page
from services.feed.marks import VISIT_GAP_S, FeedMarks
from services.feed.sort import sort_cards
from tests.support.fakes import ManualClock

pytestmark = pytest.mark.both_spellings  # plain and drifted sandbox answers
DRIVER = 5151


def _control(sandbox, path: str, body: dict | None = None) -> dict:
    answer = httpx.post(f"{sandbox.url}/__control{path}", json=body or {}, timeout=10)
    answer.raise_for_status()
    return answer.json()


async def _until(load, check, timeout_s: float = 10.0) -> FeedPage:
    """Load until `check(page)`: the shared list cache serves its entry while it refreshes."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        page = await load()
        if check(page) or asyncio.get_running_loop().time() > deadline:
            return page
        await asyncio.sleep(0.05)


def _marks(runtime, clock: ManualClock) -> FeedMarks:
    cache = runtime.cache
    return FeedMarks(cache, DriverStore(cache), clock=clock)


async def test_new_since_the_previous_visit(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime(list_cache_fresh_s=0.01)
    clock = ManualClock(1_800_000_000.0)
    marks = _marks(runtime, clock)

    def load():
        return load_feed_page(runtime.cargos, marks=marks, driver_id=DRIVER)

    first = await load()
    seen_before = {card["id"] for card in first.cards}
    assert not [c for c in first.cards if c["new"]]  # the first visit marks nothing

    sandbox.set_clock(150, frozen=True)  # about a dozen cargos are published meanwhile
    clock.now += VISIT_GAP_S + 60  # and the driver opens the feed again later
    second = await _until(load, lambda page: page.cards[0]["id"] not in seen_before)
    new = [c["id"] for c in second.cards if c["new"]]
    assert new and new == [c["id"] for c in second.cards if c["id"] not in seen_before]
    assert new == [c["id"] for c in second.cards[: len(new)]]  # the newest come first

    clock.now += 120  # scrolling on within the visit keeps the marks
    again = await load()
    assert [c["id"] for c in again.cards if c["new"]] == new


async def test_price_change_in_the_sandbox_shows_the_old_price(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime(list_cache_fresh_s=0.01)
    marks = _marks(runtime, ManualClock(1_800_000_000.0))

    def load():
        return load_feed_page(runtime.cargos, marks=marks, driver_id=DRIVER)

    first = await load()
    target = first.cards[2]
    old_price = target["price"]
    new_rub = int(target["sort_price"]) // 100 + 7_700
    _control(sandbox, f"/cargo/{target['id']}/price", {"price_rub": new_rub})

    changed = await _until(load, lambda page: any(c["id"] == target["id"] and c["price"] != old_price for c in page.cards))
    card = next(c for c in changed.cards if c["id"] == target["id"])
    assert card["old_price"] == old_price
    assert card["sort_price"] == str(new_rub * 100)
    assert [c["id"] for c in changed.cards if c["old_price"]] == [target["id"]]


async def test_reposts_in_the_sandbox_fold_into_one_card(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime(list_cache_fresh_s=0.01)

    def load():
        return load_feed_page(runtime.cargos)

    first = await load()
    original = first.cards[4]
    dup_ids = [str(_control(sandbox, f"/cargo/{original['id']}/duplicate")["id"]) for _ in range(2)]

    page = await _until(load, lambda page: dup_ids[-1] in {c["id"] for c in page.cards})
    raw_ids = [c["id"] for c in page.cards]
    assert raw_ids[raw_ids.index(original["id"]) + 1 : raw_ids.index(original["id"]) + 3] == dup_ids
    folded = fold_duplicates(page.cards)
    assert len(folded) == len(page.cards) - 2
    card = next(c for c in folded if c["id"] == original["id"])
    assert card["dup_hint"] == "+2 похожих" and card["dup_ids"] == ",".join(dup_ids)
    sources = [c["company"] for c in page.cards if c["id"] in dup_ids]
    assert card["dup_sources"].split(" · ") == [s for s in dict.fromkeys(sources) if s != original["company"]]
    assert not set(dup_ids) & {c["id"] for c in folded}


async def test_price_per_km_is_shown_and_sorts_dearest_first(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    runtime = make_runtime()
    page = await load_feed_page(runtime.cargos)
    assert all(c["price_per_km"].endswith("₽/км") for c in page.cards if c["sort_price_per_km"])
    ranked = sort_cards(page.cards, "price_per_km")
    values = [float(c["sort_price_per_km"]) for c in ranked if c["sort_price_per_km"]]
    assert values == sorted(values, reverse=True) and len(set(values)) > 5
    assert sorted(c["id"] for c in ranked) == sorted(c["id"] for c in page.cards)


async def test_generated_reposts_fold_across_loaded_pages(sandbox, make_runtime):
    sandbox.set_clock(0, frozen=True)
    _control(sandbox, "/reposts", {"share": 0.3})
    runtime = make_runtime()
    shown: list[dict[str, str]] = []
    loaded: list[str] = []
    offset = 0
    for _ in range(4):  # what FeedState does on «Показать ещё»: skip known ids, fold the rest in
        page = await load_feed_page(runtime.cargos, offset=offset)
        loaded += [c["id"] for c in page.cards]
        known = folded_ids(shown)
        shown = fold_duplicates(shown + [c for c in page.cards if c["id"] not in known])
        offset = page.next_offset
    keys = [fold_key(c) for c in shown]
    assert len(keys) == len(set(keys))  # one card per load
    assert folded_ids(shown) == set(loaded)  # nothing lost
    # The original stays, its reposts fold in; a repost heads its group only when the original was
    # not usable (the drifted spelling serves about one item in 40 without a route).
    assert all(
        int(c["id"]) < 4_000_000_000 or not any(int(d) < 4_000_000_000 for d in c["dup_ids"].split(",") if d) for c in shown
    )
    assert sum(int(c["id"]) < 4_000_000_000 for c in shown) >= len(shown) * 0.9
    assert sum(bool(c["dup_hint"]) for c in shown) >= 5
