"""Which event loads a page's data once the driver is signed in."""

from __future__ import annotations


def loader_for(path: str):
    from cargo_webapp.state.admin_state import AdminState
    from cargo_webapp.state.detail_state import DetailState
    from cargo_webapp.state.feed_state import FeedState
    from cargo_webapp.state.responses_state import ResponsesState

    if path.startswith("/cargo/"):
        return DetailState.load
    if path.startswith("/admin"):
        return AdminState.load
    if path.startswith("/responses"):
        return ResponsesState.load
    if path.startswith("/rates"):
        from cargo_webapp.state.rates_state import RatesState

        return RatesState.load
    if path.startswith("/searches"):
        from cargo_webapp.state.saved_searches_state import SavedSearchesState

        return SavedSearchesState.load
    return FeedState.load_first
