"""«Новый» since the driver's previous visit, «цена изменилась» with the old price, and the
sighting memory a withdrawn cargo's «похожие» page starts from (services.feed.marks)."""

from __future__ import annotations

import json

from sandbox.generator import World, build_cargo, with_price
from services.cargotech.models import CargoDetail, CargoItem
from services.drivers.store import DriverStore
from services.feed.cards import card_view
from services.feed.marks import PRICE_NOTE_S, SEEN_TTL_S, VISIT_GAP_S, FeedMarks
from services.primitives.cache_backend import MemoryCache
from tests.support.fakes import ManualClock

WORLD = World.build(3)
DRIVER, OTHER = 111, 222


def _item(cargo) -> CargoItem:
    return CargoItem.model_validate(json.loads(cargo.encoded(detail=False, contacts=True)))


def _setup():
    clock = ManualClock(1_800_000_000.0)
    cache = MemoryCache(clock=clock)
    return clock, FeedMarks(cache, DriverStore(cache), clock=clock), cache


async def _page(marks: FeedMarks, items: list[CargoItem], driver: int = DRIVER) -> list[dict[str, str]]:
    cards = [card_view(item) for item in items]
    since = await marks.visit_since(driver)
    marks.mark(cards, await marks.observe(items), since)
    return cards


def _new(cards) -> list[str]:
    return [c["id"] for c in cards if c["new"]]


async def test_new_marks_cargos_first_seen_after_the_previous_visit():
    clock, marks, _ = _setup()
    old = [_item(build_cargo(WORLD, slot)) for slot in range(100, 110)]
    fresh = [_item(build_cargo(WORLD, slot)) for slot in range(110, 113)]

    assert _new(await _page(marks, old)) == []  # the first visit ever: nothing to compare with

    clock.now += VISIT_GAP_S + 60  # the driver comes back later
    cards = await _page(marks, fresh + old)
    assert _new(cards) == [item.id for item in fresh]

    # Paging and reloading within the visit keep the marks.
    clock.now += 300
    assert _new(await _page(marks, fresh + old)) == [item.id for item in fresh]
    clock.now += 300
    assert _new(await _page(marks, fresh)) == [item.id for item in fresh]

    # The next visit: what was new last time is not any more.
    clock.now += VISIT_GAP_S + 1
    assert _new(await _page(marks, fresh + old)) == []


async def test_visits_are_per_driver():
    clock, marks, _ = _setup()
    old = [_item(build_cargo(WORLD, slot)) for slot in range(200, 205)]
    fresh = _item(build_cargo(WORLD, 205))
    await _page(marks, old, DRIVER)
    clock.now += VISIT_GAP_S + 10
    await _page(marks, [fresh, *old], OTHER)  # another driver's first visit sees it first
    assert _new(await _page(marks, [fresh, *old], OTHER)) == []
    assert _new(await _page(marks, [fresh, *old], DRIVER)) == [fresh.id]


async def test_price_change_shows_the_old_price_for_a_day():
    clock, marks, _ = _setup()
    cargo = build_cargo(WORLD, 300)
    before = _item(cargo)
    cards = await _page(marks, [before])
    assert cards[0]["old_price"] == ""

    clock.now += 60
    after = _item(with_price(cargo, 12_000_000))
    cards = await _page(marks, [after])
    old_rub = f"{before.shown_price // 100:,}".replace(",", "\u00a0")
    assert cards[0]["old_price"] == f"{old_rub}\u00a0₽"
    assert cards[0]["price"] == "120\u00a0000\u00a0₽"
    # Every driver sees it, and it stays while the price stays.
    assert (await _page(marks, [after], OTHER))[0]["old_price"] == cards[0]["old_price"]
    clock.now += PRICE_NOTE_S + 1
    assert (await _page(marks, [after]))[0]["old_price"] == ""


async def test_unchanged_pages_write_nothing_and_sightings_expire():
    clock, marks, cache = _setup()
    items = [_item(build_cargo(WORLD, slot)) for slot in range(400, 405)]
    await marks.observe(items)
    first = await marks.sighting(items[0].id)
    clock.now += 10
    await marks.observe(items)
    assert await marks.sighting(items[0].id) == first  # same record, not rewritten
    assert first.from_id == items[0].points.start.city.id and first.weight == items[0].weight
    clock.now += SEEN_TTL_S + 1
    assert await marks.sighting(items[0].id) is None


async def test_a_detail_is_remembered_but_its_price_never_counts_as_a_change():
    clock, marks, _ = _setup()
    cargo = build_cargo(WORLD, 500)
    detail = CargoDetail.model_validate(json.loads(cargo.encoded(detail=True, contacts=True)))
    await marks.remember(detail)
    seen = await marks.sighting(detail.id)
    assert seen.to_name == detail.points.finish.city.name and seen.old_price is None
    clock.now += 60
    await marks.remember(CargoDetail.model_validate(json.loads(with_price(cargo, 100_000).encoded(detail=True, contacts=True))))
    assert (await marks.sighting(detail.id)).price == detail.shown_price


def _detail(cargo) -> CargoDetail:
    return CargoDetail.model_validate(json.loads(cargo.encoded(detail=True, contacts=True)))


async def test_a_detail_shows_the_feeds_old_price_only_at_the_price_the_feed_saw():
    clock, marks, _ = _setup()
    cargo = build_cargo(WORLD, 600)
    await _page(marks, [_item(cargo)])
    clock.now += 60
    repriced = with_price(cargo, 12_000_000)
    await _page(marks, [_item(repriced)])  # the feed saw the change
    seen = await marks.sighting(str(cargo.id))
    note = await marks.detail_price_note(seen, _detail(repriced))
    assert note and note == seen.price_note(clock.now)
    # A detail cached at another price than the feed's last: no note, and the sighting stays.
    assert await marks.detail_price_note(seen, _detail(with_price(cargo, 9_000_000))) == ""
    assert (await marks.sighting(str(cargo.id))).price == 12_000_000
    clock.now += PRICE_NOTE_S + 1
    assert await marks.detail_price_note(seen, _detail(repriced)) == ""  # a day later, the note is gone


async def test_a_detail_the_feed_never_showed_gets_no_note_but_is_remembered():
    _clock, marks, _ = _setup()
    detail = _detail(build_cargo(WORLD, 700))
    assert await marks.sighting(detail.id) is None
    assert await marks.detail_price_note(None, detail) == ""
    assert (await marks.sighting(detail.id)).to_name == detail.points.finish.city.name
