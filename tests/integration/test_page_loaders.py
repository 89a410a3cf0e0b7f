"""Each page declares its loader where it is registered: the session opens, then the page loads.

Handlers are called on a state tree built directly, as Reflex's own tests build one."""

from __future__ import annotations

import json

import pytest
from reflex.istate.data import _url_data_from_href
from reflex.state import State
from reflex_base.registry import RegistrationContext

import cargo_webapp.cargo_webapp  # noqa: F401  (registers the pages and their on_load)
from cargo_webapp.state.admin_state import AdminState
from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.responses_state import ResponsesState
from cargo_webapp.state.saved_searches_state import SavedSearchesState
from cargo_webapp.state.session_state import SessionState
from services.identity.telegram_auth import sign_init_data
from tests.integration.state_harness import run_handler


@pytest.mark.parametrize(
    ("path", "loader"),
    [
        ("/", FeedState.load_first),
        ("/cargo/123456", DetailState.load),
        ("/responses", ResponsesState.load),
        ("/searches", SavedSearchesState.load),
        ("/admin", AdminState.load),
    ],
)
def test_every_page_opens_the_session_then_runs_its_own_loader(path, loader):
    assert RegistrationContext.get().app.get_load_events(path) == [SessionState.open, loader]


def _init_data(runtime, driver_id: int, start_param: str | None = None) -> str:
    user = {"id": driver_id, "first_name": "Инна", "last_name": "Водитель", "language_code": "ru"}
    fields = {"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE-loaders"}
    if start_param:
        fields["start_param"] = start_param
    return sign_init_data(fields, runtime.settings.telegram_bot_token.get_secret_value())


async def _tree_at(path: str) -> tuple[State, SessionState]:
    root = State(_reflex_internal_init=True)
    session = await root.get_state(SessionState)
    session.rx_router_url = _url_data_from_href(f"http://app.test{path}")
    return root, session


async def test_a_sign_in_that_waited_for_init_data_runs_the_pages_loader_again(wired):
    runtime, _requests = wired
    _root, session = await _tree_at("/cargo/123456")
    events = await session.exchange(_init_data(runtime, 700000871))
    assert session.signed_in and session.driver_id == 700000871
    assert events == [DetailState.load]


async def test_a_deep_link_redirects_and_the_page_it_leaves_loads_nothing(wired):
    runtime, requests = wired
    root, session = await _tree_at("/")
    event = await session.exchange(_init_data(runtime, 700000872, start_param="cargo_123456"))
    assert session.signed_in
    assert "/cargo/123456" in str(event)  # rx.redirect to the deep link's page
    feed = await root.get_state(FeedState)
    await run_handler(root, FeedState, "load_first", {})  # queued after open on "/"
    assert feed.cards == [] and requests == []


async def test_a_signed_in_driver_on_a_page_gets_its_data(wired):
    runtime, requests = wired
    root, session = await _tree_at("/")
    assert await session.exchange(_init_data(runtime, 700000873)) == [FeedState.load_first]
    await run_handler(root, FeedState, "load_first", {})
    assert (await root.get_state(FeedState)).cards
