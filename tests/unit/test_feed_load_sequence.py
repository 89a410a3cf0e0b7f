"""Feed loads run as background events, so their answers can land in any order: the answer of a
load overtaken by a newer one (a filter changed while it was on its way) is dropped, and a load
cut short (its worker stopped) does not keep the feed busy for good."""

from __future__ import annotations

from cargo_webapp.state import feed_state
from cargo_webapp.state.feed_state import FeedState, _Loaded
from services.cargotech.errors import CargoTechUnavailable
from services.feed.loading import FeedPage


def _page(*ids: str) -> FeedPage:
    cards = [{"id": cargo_id} for cargo_id in ids]
    return FeedPage(cards=cards, total=len(ids), next_offset=None, fetched_at=1.0, stale=False)  # type: ignore[arg-type]  # only ids matter here


def _state() -> FeedState:
    return FeedState(_reflex_internal_init=True)


def _answers(monkeypatch, by_seq: dict) -> None:
    """CargoTech's side of each load (feed_state._run_load), by the load's sequence number."""

    async def run(load):
        return by_seq[load.seq]

    monkeypatch.setattr(feed_state, "_run_load", run)


async def test_an_overtaken_answer_is_dropped_and_the_newer_one_shown(monkeypatch):
    state = _state()
    old = state._begin_load(7, offset=0)
    state.form = {**state.form, "price_min": "5000"}  # the driver changes a filter meanwhile
    new = state._begin_load(7, offset=0)
    assert old is not None and new is not None
    _answers(monkeypatch, {old.seq: _Loaded(_page("1"), {}), new.seq: _Loaded(_page("2", "3"), {})})
    await state._finish(new)
    assert [c["id"] for c in state.cards] == ["2", "3"] and not state.loading
    await state._finish(old)  # the first load's answer lands last
    assert [c["id"] for c in state.cards] == ["2", "3"]


async def test_a_failure_of_an_overtaken_load_is_not_shown_either(monkeypatch):
    state = _state()
    old = state._begin_load(7, offset=0)
    new = state._begin_load(7, offset=0)
    assert old is not None and new is not None
    _answers(monkeypatch, {old.seq: CargoTechUnavailable("down"), new.seq: _Loaded(_page("2"), {})})
    await state._finish(new)
    await state._finish(old)
    assert state.error == "" and state.retry_in == -1 and [c["id"] for c in state.cards] == ["2"]


def test_a_load_cut_short_stops_counting_as_busy(monkeypatch):
    state = _state()
    now = [1000.0]
    monkeypatch.setattr(feed_state.time, "time", lambda: now[0])
    assert state._begin_load(7, offset=0) is not None
    assert state.loading and state._busy()
    now[0] += feed_state.LOAD_GIVEN_UP_S + 1  # its answer never came
    assert state.loading and not state._busy()
