"""«Загрузки обратно»: the best loads from where a cargo unloads, «Все» and a one-tap alert."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.market import market_badge
from cargo_webapp.state.return_loads_state import ReturnLoadsState


def _load(card) -> rx.Component:
    """A compact card: the route, when it loads, ₽/км first (that is what the list is sorted by)."""
    return rx.link(
        rx.el.div(
            rx.el.div(
                rx.el.span(card["route"], class_name="return-route"),
                rx.el.strong(card["price_per_km"], class_name="nowrap"),
                class_name="card-head",
            ),
            rx.el.div(
                card["dates"],
                rx.cond(card["price"] != "", rx.el.span(" · ", card["price"])),
                rx.cond(card["weight"] != "", rx.el.span(" · ", card["weight"])),
                class_name="card-meta",
            ),
            class_name="return-load",
            data_testid="return-load",
            data_cargo_id=card["id"],
        ),
        href="/cargo/" + card["id"],
        class_name="card-link",
        underline="none",
    )


def return_loads_section() -> rx.Component:
    state = ReturnLoadsState
    return rx.el.section(
        rx.el.h2("Загрузки обратно", class_name="section-title"),
        rx.cond(state.title != "", rx.el.p(state.title, class_name="hint", data_testid="return-title")),
        rx.cond(
            state.loading,
            rx.el.p("Ищем загрузки…", class_name="hint"),
            rx.fragment(
                rx.foreach(state.cards, _load),
                rx.cond(state.note != "", rx.el.p(state.note, class_name="hint", data_testid="return-note")),
            ),
        ),
        rx.cond(
            state.title != "",
            rx.el.div(
                rx.el.button("Все", on_click=state.open_all, class_name="btn-tool", type="button", data_testid="return-all"),
                rx.el.button(
                    "Сообщать о новых",
                    on_click=state.save_search,
                    class_name="btn-tool",
                    type="button",
                    data_testid="return-save",
                ),
                class_name="return-actions",
            ),
        ),
        rx.cond(state.message != "", rx.el.p(state.message, class_name="hint", role="status", data_testid="return-message")),
        class_name="card-section return-loads",
        data_testid="return-loads",
    )


__all__ = ["market_badge", "return_loads_section"]
