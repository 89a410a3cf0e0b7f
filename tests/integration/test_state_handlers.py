"""State handlers called directly on a state tree, as Reflex's own tests call them: «Мои поиски»
hands a search to the feed through the driver's saved filters, and the detail prefills the
driver's last phone from the database."""

from __future__ import annotations

import reflex as rx
from reflex.istate.data import _url_data_from_href

from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.saved_searches_state import SavedSearchesState
from cargo_webapp.state.session_state import SessionState
from tests.integration.state_harness import run_handler, signed_in_tree

DRIVER, OTHER = 700000931, 700000932
KAZAN = {"from_id": "1", "from_name": "Москва", "to_id": "2", "to_name": "Казань", "weight_class": "20"}


async def test_showing_a_saved_search_hands_its_filters_to_the_feed(wired):
    runtime, requests = wired
    view = await runtime.searches.create(DRIVER, "В Казань", KAZAN)
    root = await signed_in_tree(DRIVER)
    feed = await root.get_state(FeedState)
    feed.cards = [{"id": "1"}]  # type: ignore[list-item]  # something shown under the old filters

    searches = await root.get_state(SavedSearchesState)
    events = await searches.apply(str(view.id))
    redirect = rx.redirect("/")
    assert events[0] == FeedState.use_saved_filters
    assert events[1].handler.fn.__name__ == redirect.handler.fn.__name__ and str(events[1].args) == str(redirect.args)
    assert await runtime.drivers.feed_filters(DRIVER) == view.filters

    await run_handler(root, FeedState, "use_saved_filters", {})
    assert feed.form["to_name"] == "Казань" and feed.form["weight_class"] == "20"
    # The feed loads these filters' first page in the same event (not left to the loader after the
    # redirect): CargoTech was asked for the saved direction.
    listed = [r for r in requests if r.url.path.endswith("/cargos/views")]
    assert [r.url.params["filter[finish_point_id]"] for r in listed] == ["2"]


async def test_another_drivers_search_changes_nothing(wired):
    runtime, _requests = wired
    theirs = await runtime.searches.create(OTHER, "Чужой", KAZAN)
    root = await signed_in_tree(DRIVER)
    searches = await root.get_state(SavedSearchesState)
    assert await searches.apply(str(theirs.id)) is None
    assert searches.error and await runtime.drivers.feed_filters(DRIVER) is None


async def test_the_detail_prefills_the_last_phone_the_driver_responded_with(wired):
    runtime, _requests = wired
    root = await signed_in_tree(DRIVER)
    await run_handler(root, FeedState, "load_first", {})
    cargo_id = (await root.get_state(FeedState)).cards[0]["id"]
    await runtime.drivers.set_last_phone(DRIVER, "+79123456789")

    (await root.get_state(SessionState)).rx_router_url = _url_data_from_href(f"http://app.test/cargo/{cargo_id}")
    await run_handler(root, DetailState, "load", {})
    detail = await root.get_state(DetailState)
    assert detail.cargo["id"] == cargo_id and detail.phone == "+79123456789"
