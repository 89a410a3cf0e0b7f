"""The typed rows: built from the services' views, and a misspelt key fails when the page is
built, not in the browser."""

import datetime as dt

import pytest
import reflex as rx

from cargo_webapp.pages.admin import admin_page
from cargo_webapp.pages.detail import detail_page
from cargo_webapp.pages.feed import feed_page
from cargo_webapp.pages.responses import responses_page
from cargo_webapp.pages.searches import searches_page
from cargo_webapp.state.admin_state import AdminState
from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.responses_state import ResponsesState, response_item
from cargo_webapp.state.saved_searches_state import SavedSearchesState, _row
from services.alerts.saved_searches import SearchView
from services.dispatch.responses import ResponseView
from services.vocabulary import ResponseStatus

VIEW = ResponseView(
    cargo_id="2648937001",
    status=ResponseStatus.SENT,
    route="Москва → Казань",
    price="85 000 ₽",
    created_at=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
)


def test_a_response_item_carries_the_label_not_the_code():
    item = response_item(VIEW)
    assert item == {
        "cargo_id": "2648937001",
        "route": "Москва → Казань",
        "price": "85 000 ₽",
        "status": "Отправлен",
        "at": item["at"],
    }
    assert "12:30" in item["at"]  # Moscow time


def test_a_live_status_change_relabels_only_its_item():
    state = ResponsesState(_reflex_internal_init=True)
    other = response_item(ResponseView("2648937002", ResponseStatus.SENT, "Тула → Орёл", "1 ₽", VIEW.created_at))
    state.items = [response_item(VIEW), other]
    state._show_status("2648937001", ResponseStatus.ACCEPTED)
    assert [i["status"] for i in state.items] == ["Принят", "Отправлен"]
    state._show_status("2648937002", "on_hold")  # a newer release's status is shown as is
    assert [i["status"] for i in state.items] == ["Принят", "on_hold"]


def test_the_token_panels_error_flag_is_a_real_boolean():
    assert AdminState.token["has_error"]._var_type is bool
    assert AdminState(_reflex_internal_init=True).token["has_error"] is False


def test_a_misspelt_key_fails_when_the_page_is_built():
    assert admin_page() is not None and responses_page() is not None  # the real pages build
    with pytest.raises(AttributeError, match="haz_error"):
        AdminState.token["haz_error"]
    with pytest.raises(AttributeError, match="rout"):
        rx.foreach(ResponsesState.items, lambda item: rx.text(item["rout"]))


def test_cards_chips_and_search_rows_carry_real_booleans():
    assert feed_page() is not None and detail_page() is not None and searches_page() is not None
    assert DetailState.cargo["note_long"]._var_type is bool
    chips = FeedState(_reflex_internal_init=True).weight_chips
    assert [chip["value"] for chip in chips if chip["active"] is True] == ["any"]
    row = _row(SearchView(7, "В Казань", "В Казань", True, {}))
    assert row == {"id": "7", "name": "В Казань", "summary": "", "alerts": True}
    with pytest.raises(AttributeError, match="new_"):
        rx.foreach(FeedState.cards, lambda card: rx.text(card["new_"]))
    with pytest.raises(AttributeError, match="alert"):
        rx.foreach(SavedSearchesState.searches, lambda row: rx.text(row["alert"]))
