"""A loaded page joining the cards on screen (services.feed.merge.merge_page)."""

from __future__ import annotations

import json

from sandbox.generator import World, build_cargo, duplicate_of
from services.cargotech.models import CargoItem
from services.feed.cards import CardView, card_view
from services.feed.merge import merge_page

WORLD = World.build(11)


def _card(cargo) -> CardView:
    return card_view(CargoItem.model_validate(json.loads(cargo.encoded(detail=False, contacts=True))))


def _cards(start: int, count: int) -> list[CardView]:
    return [_card(build_cargo(WORLD, slot)) for slot in range(start, start + count)]


def _ids(cards: list[CardView]) -> list[str]:
    return [c["id"] for c in cards]


def test_a_first_page_replaces_what_was_shown():
    shown, page = _cards(100, 5), _cards(200, 3)
    assert _ids(merge_page(shown, page, 0, "new")) == _ids(page)


def test_a_deeper_page_appends_and_drops_cards_already_shown():
    shown, more = _cards(100, 5), _cards(105, 3)
    page = [shown[3], *more, shown[0]]  # the list moved under the driver: two cards come again
    merged = merge_page(shown, page, 20, "new")
    assert _ids(merged) == _ids(shown) + _ids(more)
    assert shown == _cards(100, 5)  # the cards on screen are not changed in place


def test_a_repost_of_a_shown_load_folds_into_its_card_and_is_not_shown_again():
    cargos = [build_cargo(WORLD, slot) for slot in range(300, 304)]
    shown = [_card(c) for c in cargos[:2]]
    repost = _card(duplicate_of(WORLD, cargos[1], 3_300_000_111))
    merged = merge_page(shown, [repost, _card(cargos[2])], 20, "new")
    assert _ids(merged) == [str(cargos[0].id), str(cargos[1].id), str(cargos[2].id)]
    assert merged[1]["dup_ids"] == "3300000111" and merged[1]["dup_hint"] == "+1 похожий"
    # The folded repost's id counts as shown: the next page does not bring it back.
    again = merge_page(merged, [repost, _card(cargos[3])], 40, "new")
    assert _ids(again) == _ids(merged) + [str(cargos[3].id)]


def test_the_drivers_sort_applies_to_the_merged_list():
    shown, more = _cards(400, 4), _cards(404, 4)
    merged = merge_page(shown, more, 20, "price")
    prices = [int(c["sort_price"]) for c in merged if c["sort_price"]]
    assert prices == sorted(prices, reverse=True) and len(merged) == 8
    assert [c for c in merged if not c["sort_price"]] == merged[len(prices) :]  # no price: last
