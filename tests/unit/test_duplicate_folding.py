"""Folding reposts of one load (same route, dates, weight, price) into one card with «+N похожих»."""

from __future__ import annotations

import json

from sandbox.generator import World, build_cargo, duplicate_of, with_price
from services.cargotech.models import CargoItem
from services.feed.cards import card_view
from services.feed.folding import fold_duplicates, fold_key, folded_ids, similar_hint

WORLD = World.build(7)


def _card(cargo) -> dict[str, str]:
    """A card exactly as the feed builds it from the sandbox's list answer."""
    return card_view(CargoItem.model_validate(json.loads(cargo.encoded(detail=False, contacts=True))))


def _cargos(count: int, start: int = 1000):
    return [build_cargo(WORLD, slot) for slot in range(start, start + count)]


def test_reposts_from_other_companies_fold_into_the_first_card():
    cargos = _cargos(6)
    first_dup = duplicate_of(WORLD, cargos[1], 3_300_000_001)
    second_dup = duplicate_of(WORLD, cargos[1], 3_300_000_002)
    cards = [_card(c) for c in (cargos[0], cargos[1], first_dup, cargos[2], second_dup, *cargos[3:])]

    folded = fold_duplicates(cards)

    assert [c["id"] for c in folded] == [str(c.id) for c in cargos]
    head = folded[1]
    assert head["dup_hint"] == "+2 похожих"
    assert head["dup_ids"] == "3300000001,3300000002"
    assert head["dup_sources"].split(" · ") == [first_dup.item["company"]["name"], second_dup.item["company"]["name"]]
    assert all(c["dup_hint"] == "" for i, c in enumerate(folded) if i != 1)
    assert cards[1]["dup_hint"] == ""  # the input cards are left as they were


def test_different_price_weight_or_route_does_not_fold():
    original = _cargos(1)[0]
    cheaper = with_price(duplicate_of(WORLD, original, 3_300_000_010), original.shown_price - 50_000)
    cards = [_card(original), _card(cheaper)]
    assert len(fold_duplicates(cards)) == 2

    heavier = _card(duplicate_of(WORLD, original, 3_300_000_011))
    heavier["sort_weight"] = str(int(heavier["sort_weight"]) + 500)
    other_way = _card(duplicate_of(WORLD, original, 3_300_000_012))
    other_way["to_city"] = other_way["from_city"]
    assert len(fold_duplicates([_card(original), heavier, other_way])) == 3


def test_generated_feed_without_reposts_stays_as_it_is():
    cards = [_card(c) for c in _cargos(300)]
    assert fold_duplicates(cards) == cards


def test_folding_is_deterministic_idempotent_and_works_across_pages():
    cargos = _cargos(40)
    dup_a = duplicate_of(WORLD, cargos[5], 3_300_000_020)
    dup_b = duplicate_of(WORLD, cargos[5], 3_300_000_021)
    page_one = [_card(c) for c in cargos[:20]] + [_card(dup_a)]
    page_two = [_card(dup_b)] + [_card(c) for c in cargos[20:]]

    shown = fold_duplicates(page_one)
    assert shown[5]["dup_hint"] == "+1 похожий"
    # The next page: drop what is already shown (the feed's id check), fold the rest in.
    known = folded_ids(shown)
    assert str(dup_a.id) in known
    both = fold_duplicates(shown + [c for c in page_two if c["id"] not in known])
    assert len(both) == 40
    assert both[5]["id"] == str(cargos[5].id)
    assert both[5]["dup_ids"] == f"{dup_a.id},{dup_b.id}" and both[5]["dup_hint"] == "+2 похожих"
    assert fold_duplicates(both) == both  # idempotent
    assert fold_duplicates(page_one + page_two) == both  # the same as folding everything at once
    # A page repeating an absorbed repost does not count it twice.
    assert fold_duplicates(both + [_card(dup_a)])[5]["dup_hint"] == "+2 похожих"


def test_cards_that_say_too_little_never_fold():
    bare = {"id": "1", "from_city": "", "to_city": "Казань", "dates": "28 нояб.", "sort_weight": "", "sort_price": ""}
    assert fold_key(bare) is None
    assert len(fold_duplicates([bare, {**bare, "id": "2"}])) == 2


def test_a_new_repost_marks_the_group_new():
    original = _cargos(1)[0]
    head, dup = _card(original), _card(duplicate_of(WORLD, original, 3_300_000_030))
    dup["new"] = True
    assert fold_duplicates([head, dup])[0]["new"] is True


def test_hint_wording():
    assert [similar_hint(n) for n in (0, 1, 2, 5, 11, 21)] == [
        "",
        "+1 похожий",
        "+2 похожих",
        "+5 похожих",
        "+11 похожих",
        "+21 похожий",
    ]
