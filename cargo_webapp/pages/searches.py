"""«Мои поиски»: saved searches with their alert switches, quiet hours, delete and apply."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.layout import page_header, screen
from cargo_webapp.components.saved_searches import quiet_hours_form, search_row
from cargo_webapp.state.saved_searches_state import SavedSearchesState as S


def searches_page() -> rx.Component:
    return screen(
        page_header("Мои поиски", S.counter, "searches-counter"),
        rx.cond(S.error != "", rx.el.div(S.error, class_name="banner banner-error", role="alert", data_testid="searches-error")),
        rx.cond(S.message != "", rx.el.div(S.message, class_name="banner banner-ok", role="status")),
        rx.cond(
            S.searches.length() > 0,
            rx.el.section(rx.foreach(S.searches, search_row), class_name="feed-list", data_testid="saved-list"),
            rx.cond(
                S.loaded,
                rx.el.p(
                    "Сохранённых поисков нет. Задайте фильтры в ленте и нажмите «Сохранить поиск».", class_name="empty-state"
                ),
            ),
        ),
        quiet_hours_form(),
        nav="searches",
    )
