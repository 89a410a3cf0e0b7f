"""A revoked or expired session is refused on the tab's next event, not its next page load."""

from __future__ import annotations

from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.session_state import SESSION_ENDED, SessionState
from services.identity.sessions import SessionStore
from tests.integration.state_harness import run_handler, signed_in_tree


async def feed_after_reload(root) -> FeedState:
    feed = await root.get_state(FeedState)
    feed.cards = []
    await run_handler(root, FeedState, "reload", {})
    return feed


async def test_a_revoked_session_stops_the_open_tab_at_its_next_event(wired):
    runtime, _requests = wired
    root = await signed_in_tree(driver_id=700000555)
    assert (await feed_after_reload(root)).cards  # the live session is served
    session = await root.get_state(SessionState)
    await runtime.sessions.revoke(session.session_id)  # logout on another device, or an admin
    feed = await feed_after_reload(root)
    assert feed.cards == []
    assert session.auth_error == SESSION_ENDED and not session.signed_in and session.driver_id == 0


async def test_a_sign_in_elsewhere_ends_this_tab(wired):
    runtime, _requests = wired
    root = await signed_in_tree(driver_id=700000556)
    await signed_in_tree(driver_id=700000556)  # the same driver signs in again: one session per driver
    assert (await feed_after_reload(root)).cards == []
    assert (await root.get_state(SessionState)).auth_error == SESSION_ENDED


async def test_an_expired_session_stops_the_open_tab_at_its_next_event(wired):
    runtime, _requests = wired
    now = [1_000_000.0]
    runtime.sessions = SessionStore(ttl_s=3600, clock=lambda: now[0])
    root = await signed_in_tree(driver_id=700000557)
    now[0] += 3599  # used within the TTL: still live, and the TTL restarts
    assert (await feed_after_reload(root)).cards
    now[0] += 3601
    assert (await feed_after_reload(root)).cards == []
    assert (await root.get_state(SessionState)).auth_error == SESSION_ENDED


async def test_autocomplete_asks_cargotech_from_two_letters_and_at_the_browsers_pace(wired, monkeypatch, sandbox):
    from cargo_webapp.state import feed_state
    from services.primitives.event_limiter import EventLimiter

    now = [500.0]
    monkeypatch.setattr(feed_state, "_autocomplete_pace", EventLimiter(limit=1, window_s=0.2, clock=lambda: now[0]))
    root = await signed_in_tree(driver_id=700000558)
    feed = await root.get_state(FeedState)
    before = sandbox.stats()["points"]
    for text in ("М", "12", "1 2 3", "М."):
        await run_handler(root, FeedState, "search_points", {"which": "from", "text": text})
    assert sandbox.stats()["points"] == before  # fewer than two letters: never asked
    await run_handler(root, FeedState, "search_points", {"which": "from", "text": "Ка"})
    assert feed.from_suggestions and sandbox.stats()["points"] == before + 1
    now[0] += 0.1  # a client that skips the browser's debounce
    await run_handler(root, FeedState, "search_points", {"which": "from", "text": "Каз"})
    assert sandbox.stats()["points"] == before + 1
    now[0] += 0.3
    await run_handler(root, FeedState, "search_points", {"which": "from", "text": "Каза"})
    assert sandbox.stats()["points"] == before + 2
