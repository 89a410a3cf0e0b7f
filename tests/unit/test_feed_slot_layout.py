"""How the feed cuts its cards into the slots the browser holds: shown cards keep their slots, an
appended page takes the next empty one whatever its length, a shorter list is packed afresh."""

from __future__ import annotations

from cargo_webapp.state.feed_state import MAX_LOADED, SLOT_SIZE, SLOTS, _slot_layout

CARDS = [{"id": str(n)} for n in range(MAX_LOADED)]


def _sizes(slots) -> list[int]:
    return [len(slot) for slot in slots]


def test_an_appended_page_of_any_length_takes_the_next_empty_slot():
    first = _slot_layout([0] * SLOTS, CARDS[:20])
    second = _slot_layout(_sizes(first), CARDS[:39])  # 19: one duplicate folded away
    third = _slot_layout(_sizes(second), CARDS[:58])
    assert _sizes(third)[:4] == [20, 19, 19, 0]
    assert third[:2] == second[:2] and second[0] == first[0]  # what was shown stays in place
    assert sum(third, []) == CARDS[:58]


def test_a_list_that_no_longer_fits_its_slots_is_packed_afresh():
    slots = _slot_layout([19] * (SLOTS - 1) + [0], CARDS[: 19 * (SLOTS - 1) + SLOT_SIZE + 1])
    assert _sizes(slots)[0] == SLOT_SIZE and sum(slots, []) == CARDS[: 19 * (SLOTS - 1) + SLOT_SIZE + 1]


def test_a_shorter_list_is_packed_from_the_first_slot():
    slots = _slot_layout([20, 19, 19] + [0] * (SLOTS - 3), CARDS[:10])
    assert _sizes(slots)[:2] == [10, 0] and sum(slots, []) == CARDS[:10]
