"""The feed's counter when CargoTech's total is unknown (`meta.size` missing or unreadable): the
count loaded, never «20 из ?» or «20 из -1»."""

from __future__ import annotations

from cargo_webapp.state.feed_state import FeedState
from services.cargotech.reader import read_page


def test_unknown_total_shows_just_the_count_loaded():
    item = {"id": 1, "points": {"start": {"city": {"name": "Москва"}}, "finish": {"city": {"name": "Казань"}}}}
    page, _ = read_page({"data": [{**item, "id": n} for n in range(1, 21)], "meta": {"limit": 20, "size": "много"}})
    state = FeedState(_reflex_internal_init=True)
    state.cards = [{"id": item.id} for item in page.data]
    state.total = page.total if page.total is not None else -1  # as the feed stores it
    assert state.counter == "20"
    state.total = 45
    assert state.counter == "20 из 45"
    state.cards, state.total = [], -1
    assert state.counter == ""
