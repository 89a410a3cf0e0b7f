"""The home page: the cargo feed with its filters."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.cargo_card import cargo_card, skeleton_card
from cargo_webapp.components.filters_panel import filters_panel, weight_chips
from cargo_webapp.components.layout import page_header, screen
from cargo_webapp.components.recovery import auto_button, retry_banner
from cargo_webapp.state.feed_state import FeedState


def _banners() -> rx.Component:
    return rx.fragment(
        rx.cond(
            FeedState.error != "",
            retry_banner(
                FeedState.error, FeedState.retry_in, FeedState.retry_seq, FeedState.retry, FeedState.loading, "feed-retry"
            ),
        ),
        rx.cond(
            FeedState.stale != "",
            rx.el.div(FeedState.stale, class_name="banner banner-stale", data_testid="stale-banner"),
        ),
        auto_button(FeedState.recheck, FeedState.recheck_in, FeedState.recheck_seq, "feed-recheck"),
    )


def _toolbar() -> rx.Component:
    def mode(value: str, label: str) -> rx.Component:
        return rx.el.button(
            label,
            on_click=FeedState.set_mode(value),
            class_name=rx.cond(FeedState.form["mode"] == value, "seg active", "seg"),
            type="button",
        )

    return rx.el.div(
        rx.el.div(mode("my", "Свои"), mode("all", "Все"), class_name="segmented", role="group"),
        rx.el.button(
            "Фильтры",
            rx.cond(FeedState.active_filters > 0, rx.el.span(FeedState.active_filters, class_name="count")),
            on_click=FeedState.toggle_filters,
            class_name="btn-tool",
            type="button",
            data_testid="filters-toggle",
        ),
        rx.el.button("↻", on_click=FeedState.reload, class_name="btn-tool", aria_label="Обновить", type="button"),
        class_name="toolbar",
    )


def _sort() -> rx.Component:
    # CargoTech cannot sort, so the feed sorts what it has loaded, and says so.
    return rx.el.label(
        rx.el.span("Сортировка среди загруженных", class_name="hint"),
        rx.el.select(
            rx.foreach(FeedState.sort_options, lambda o: rx.el.option(o["label"], value=o["value"])),
            value=FeedState.sort,
            on_change=FeedState.set_sort,
            class_name="select",
            aria_label="Сортировка среди загруженных",
        ),
        class_name="sort-row",
    )


def _new_pill() -> rx.Component:
    """«3 новых груза»: sticks to the top of the screen while the driver scrolls; a tap merges
    them in and scrolls up. The list itself never moves under the thumb."""
    return rx.cond(
        FeedState.new_count > 0,
        rx.el.div(
            rx.el.button(
                rx.el.span("↑ ", aria_hidden="true"),
                FeedState.new_label,
                on_click=FeedState.show_new,
                class_name="new-pill",
                type="button",
                data_testid="new-pill",
            ),
            class_name="new-pill-row",
            role="status",
        ),
    )


def _list() -> rx.Component:
    return rx.cond(
        FeedState.cards.length() > 0,
        rx.el.section(_new_pill(), rx.foreach(FeedState.cards, cargo_card), class_name="feed-list"),
        rx.cond(
            FeedState.loading,
            rx.el.section(*[skeleton_card() for _ in range(4)], class_name="feed-list"),
            rx.cond(
                FeedState.error == "",
                rx.el.div(
                    rx.el.p("Подходящих грузов пока нет"),
                    rx.el.button("Сбросить фильтры", on_click=FeedState.clear_all, class_name="btn btn-secondary"),
                    class_name="empty-state",
                ),
            ),
        ),
    )


def _more_button() -> rx.Component:
    return rx.cond(
        FeedState.next_offset >= 0,
        rx.el.button(
            rx.cond(FeedState.loading, "Загружаем…", "Показать ещё"),
            on_click=FeedState.load_more,
            disabled=FeedState.loading,
            class_name="btn btn-secondary",
            id="load-more",
        ),
    )


def feed_page() -> rx.Component:
    return screen(
        page_header("Грузы", FeedState.counter, "feed-counter"),
        _toolbar(),
        weight_chips(),
        rx.cond(FeedState.filters_open, filters_panel()),
        _sort(),
        rx.link("Ставки по направлению", href="/rates", class_name="btn-link rates-link", data_testid="rates-link"),
        _banners(),
        _list(),
        _more_button(),
        nav="feed",
    )
