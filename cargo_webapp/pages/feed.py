"""The home page: the cargo feed."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.cargo_card import cargo_card, skeleton_card
from cargo_webapp.state.feed_state import FeedState


def _banners() -> rx.Component:
    return rx.fragment(
        rx.cond(
            FeedState.error != "",
            rx.el.div(
                rx.el.span(FeedState.error),
                rx.el.button("Повторить", on_click=FeedState.reload, class_name="btn-inline"),
                class_name="banner banner-error",
                role="alert",
            ),
        ),
        rx.cond(
            FeedState.stale != "",
            rx.el.div(FeedState.stale, class_name="banner banner-stale", data_testid="stale-banner"),
        ),
    )


def _list() -> rx.Component:
    return rx.cond(
        FeedState.cards.length() > 0,
        rx.el.section(rx.foreach(FeedState.cards, cargo_card), class_name="feed-list"),
        rx.cond(
            FeedState.loading,
            rx.el.section(*[skeleton_card() for _ in range(4)], class_name="feed-list"),
            rx.cond(
                FeedState.error == "",
                rx.el.p("Подходящих грузов пока нет", class_name="empty-state"),
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
        ),
    )


def feed_page() -> rx.Component:
    return rx.el.main(
        rx.el.header(
            rx.el.h1("Грузы", class_name="page-title"),
            rx.el.span(FeedState.counter, class_name="counter", data_testid="feed-counter"),
            class_name="page-header",
        ),
        _banners(),
        _list(),
        _more_button(),
        class_name="page",
    )
