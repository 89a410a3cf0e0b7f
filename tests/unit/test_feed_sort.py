"""Sorting the loaded feed: each sort, cards without the key last, "new" and unknown sorts keep order."""

from __future__ import annotations

import pytest

from services.cargotech.models import CargoItem
from services.feed.cards import card_view
from services.feed.sort import SORTS, sort_cards


def card(card_id: str, *, price="", per_km="", distance="", date="") -> dict[str, str]:
    return {"id": card_id, "sort_price": price, "sort_price_per_km": per_km, "sort_distance": distance, "sort_date": date}


def ids(cards: list[dict[str, str]]) -> list[str]:
    return [c["id"] for c in cards]


CARDS = [
    card("a", price="4500000", per_km="5000", distance="900", date="2026-11-29T10:00:00+03:00"),
    card("b", price="", per_km="", distance="", date=""),
    card("c", price="12000000", per_km="12500", distance="960", date="2026-11-28T08:00:00+03:00"),
    card("d", price="900000", per_km="30000", distance="30", date="2026-12-01T09:00:00+03:00"),
    card("e", price="4500000", per_km="4000", distance="1125", date="2026-11-28T18:30:00+03:00"),
]


def test_the_sorts_offered():
    assert list(SORTS) == ["date", "price", "price_per_km", "distance", "new"]
    assert all(label for label, _, _ in SORTS.values())


def test_price_dearest_first_missing_last():
    # 45 000 ₽ twice: equal keys keep the exchange's order (a before e).
    assert ids(sort_cards(CARDS, "price")) == ["c", "a", "e", "d", "b"]


def test_price_is_compared_as_a_number_not_as_text():
    cards = [card("ten", price="1000000"), card("nine", price="900000"), card("hundred", price="10000000")]
    assert ids(sort_cards(cards, "price")) == ["hundred", "ten", "nine"]


def test_price_per_km_dearest_first():
    assert ids(sort_cards(CARDS, "price_per_km")) == ["d", "c", "a", "e", "b"]


def test_distance_nearest_first():
    cards = [*CARDS, card("f", distance="95")]
    assert ids(sort_cards(cards, "distance")) == ["d", "f", "a", "c", "e", "b"]


def test_date_earliest_first():
    assert ids(sort_cards(CARDS, "date")) == ["c", "e", "a", "d", "b"]


def test_date_compares_moments_when_offsets_differ():
    # docs/cargotech-api.md: dates sometimes end in Z. 09:00Z is 12:00 Moscow time, after a 10:00+03:00 loading.
    cards = [
        card("utc-noon-msk", date="2026-11-28T09:00:00.000000Z"),
        card("msk-10", date="2026-11-28T10:00:00+03:00"),
        card("msk-11", date="2026-11-28T11:00:00+03:00"),
        card("utc-previous-evening", date="2026-11-27T22:00:00.000000Z"),  # 28 Nov 01:00 in Moscow
    ]
    assert ids(sort_cards(cards, "date")) == ["utc-previous-evening", "msk-10", "msk-11", "utc-noon-msk"]


def test_date_without_offset_and_unreadable_dates():
    cards = [
        card("naive-13", date="2026-11-28T13:00:00"),  # no offset: Moscow wall-clock time
        card("garbage", date="скоро"),
        card("msk-12", date="2026-11-28T12:00:00+03:00"),
        card("day-only", date="2026-11-27"),
    ]
    assert ids(sort_cards(cards, "date")) == ["day-only", "msk-12", "naive-13", "garbage"]


@pytest.mark.parametrize("sort", ["date", "price", "price_per_km", "distance"])
def test_cards_without_the_key_go_last_in_their_order(sort):
    field = SORTS[sort][1]
    cards = [
        {"id": "x1"},  # the key absent altogether
        card("y1", price="100", per_km="100", distance="100", date="2026-11-28T10:00:00+03:00"),
        {**card("x2"), field: ""},
        card("y2", price="200", per_km="200", distance="50", date="2026-11-27T10:00:00+03:00"),
        {"id": "x3"},
    ]
    result = ids(sort_cards(cards, sort))
    assert sorted(result[:2]) == ["y1", "y2"]
    assert result[2:] == ["x1", "x2", "x3"]


@pytest.mark.parametrize("sort", ["new", "", "random", "PRICE", "sort_price"])
def test_new_and_unknown_sorts_keep_the_exchange_order(sort):
    assert ids(sort_cards(CARDS, sort)) == ["a", "b", "c", "d", "e"]


def test_sorting_does_not_change_the_given_list():
    cards = list(CARDS)
    sort_cards(cards, "price")
    assert ids(cards) == ["a", "b", "c", "d", "e"]


def test_sorts_real_cards():
    base = {"points": {"start": {"city": {"name": "Москва"}}, "finish": {"city": {"name": "Тверь"}}}}
    items = [
        {
            **base,
            "id": 1,
            "price": 5_000_000,
            "distance": 180,
            "points": {"start": {"first_date": "2026-11-28T09:00:00Z", "city": {"name": "Москва"}}},
        },  # 12:00 Moscow
        {
            **base,
            "id": 2,
            "price_carrier": 9_000_000,
            "price": 1,
            "distance": 700,
            "points": {"start": {"first_date": "2026-11-28T10:00:00+03:00", "city": {"name": "Москва"}}},
        },
        {**base, "id": 3},  # no price, distance or date
        {**base, "id": 4, "price": 2_000_000, "price_per_km": 50_000, "distance": 40},
    ]
    cards = [card_view(CargoItem.model_validate(item)) for item in items]
    assert ids(sort_cards(cards, "price")) == ["2", "1", "4", "3"]
    assert ids(sort_cards(cards, "price_per_km")) == ["4", "1", "2", "3"]  # 1: 27 778 коп/км, 2: 12 857
    assert ids(sort_cards(cards, "distance")) == ["4", "1", "2", "3"]
    assert ids(sort_cards(cards, "date")) == ["2", "1", "3", "4"]


def test_the_date_sort_follows_the_times_the_driver_reads():
    # The same instants spelled in UTC, in Moscow time and without an offset (Moscow wall clock):
    # sorted by date, the shown times must read in order.
    from services.formatting import date_time

    dates = [
        "2026-12-03T07:00:00Z",
        "2026-12-03T09:30:00+03:00",
        "2026-12-03T09:45:00",
        "2026-12-03T05:00:00Z",
        "2026-12-02T22:30:00.000000Z",
        "2026-12-03",
    ]
    cards = [card(str(n), date=date) for n, date in enumerate(dates)]
    shown = [date_time(c["sort_date"]) for c in sort_cards(cards, "date")]
    assert shown == [
        "3\u00a0дек",
        "3\u00a0дек, 01:30",
        "3\u00a0дек, 08:00",
        "3\u00a0дек, 09:30",
        "3\u00a0дек, 09:45",
        "3\u00a0дек, 10:00",
    ]
