"""The head of the driver's query looked at again: new cargos counted and merged in front,
withdrawn cards found by the exchange's newest-first order, the pill's Russian plural."""

import pytest

from services.feed.head import merge_new, new_at_head, new_cargos_label, withdrawn_from_head


def _cards(*ids: str) -> list[dict[str, str]]:
    return [{"id": i, "route": f"route {i}"} for i in ids]


def test_new_cargos_are_the_ones_above_the_first_card_shown():
    assert new_at_head(["n2", "n1", "a", "b", "c"], {"a", "b", "c"}) == ["n2", "n1"]
    assert new_at_head(["a", "b", "c"], {"a", "b", "c"}) == []


def test_a_card_that_moved_up_below_the_shown_head_is_not_new():
    # "x" was just below the driver's first page and moved up when "b" was withdrawn.
    assert new_at_head(["n1", "a", "c", "x"], {"a", "b", "c"}) == ["n1"]


def test_a_head_that_moved_a_whole_page_counts_every_card_on_it():
    assert new_at_head(["n3", "n2", "n1"], {"a", "b"}) == ["n3", "n2", "n1"]
    assert new_at_head(["n1", "n1", "a"], {"a"}) == ["n1"]


def test_folded_reposts_count_as_shown():
    assert new_at_head(["dup-of-a", "a"], {"a", "dup-of-a"}) == []


def test_merge_puts_the_new_cards_in_front_newest_first_without_duplicates():
    shown = _cards("a", "b", "c", "d")
    head = _cards("n2", "n1", "a", "b")
    merged = merge_new(shown, head)
    assert [c["id"] for c in merged] == ["n2", "n1", "a", "b", "c", "d"]
    assert merged[2] is shown[0]  # the cards on screen are kept as they are (badges, marks)


def test_merge_takes_nothing_below_the_first_shown_card_and_respects_folded_ids():
    shown = _cards("a", "c")
    head = _cards("n1", "folded", "a", "x", "c")
    assert [c["id"] for c in merge_new(shown, head, shown={"folded"})] == ["n1", "a", "c"]
    assert [c["id"] for c in merge_new(shown, _cards("a", "c"))] == ["a", "c"]


def test_a_card_gone_while_a_card_below_it_stays_is_withdrawn():
    old = ["a", "b", "c", "d", "e"]
    assert withdrawn_from_head(old, ["n1", "a", "c", "d", "e"]) == ["b"]
    assert withdrawn_from_head(old, ["a", "d", "e", "f", "g"]) == ["b", "c"]


def test_cards_pushed_off_the_page_by_new_arrivals_are_not_withdrawn():
    old = ["a", "b", "c", "d", "e"]
    assert withdrawn_from_head(old, ["n3", "n2", "n1", "a", "b"]) == []
    assert withdrawn_from_head(old, ["n5", "n4", "n3", "n2", "n1"]) == []  # nothing to compare with
    # pushed down and one withdrawn above the survivors: only that one
    assert withdrawn_from_head(old, ["n2", "n1", "b", "c", "e"]) == ["a", "d"]


def test_the_deepest_old_card_going_away_alone_says_nothing():
    # "e" may have been pushed off the end or withdrawn: no card below it to tell which.
    assert withdrawn_from_head(["a", "b", "c", "d", "e"], ["n1", "a", "b", "c", "d"]) == []


@pytest.mark.parametrize(
    ("count", "label"),
    [
        (0, ""),
        (1, "1 новый груз"),
        (2, "2 новых груза"),
        (4, "4 новых груза"),
        (5, "5 новых грузов"),
        (11, "11 новых грузов"),
        (12, "12 новых грузов"),
        (14, "14 новых грузов"),
        (21, "21 новый груз"),
        (22, "22 новых груза"),
        (25, "25 новых грузов"),
        (101, "101 новый груз"),
        (111, "111 новых грузов"),
    ],
)
def test_the_pill_says_the_count_in_russian(count: int, label: str):
    assert new_cargos_label(count) == label
