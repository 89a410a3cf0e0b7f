"""«Мои отклики»: every cargo the driver responded to, with its status."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.cargo_card import status_badge
from cargo_webapp.components.layout import page_header, screen
from cargo_webapp.components.return_loads import return_loads_section
from cargo_webapp.state.responses_state import ResponsesState
from cargo_webapp.state.return_loads_state import ReturnLoadsState
from cargo_webapp.state.session_state import SessionState


def _item(item) -> rx.Component:
    return rx.el.div(
        _card(item),
        rx.cond(
            ReturnLoadsState.for_cargo == item["cargo_id"],
            return_loads_section(),
            rx.el.button(
                "Загрузки обратно",
                on_click=ReturnLoadsState.load_for(item["cargo_id"]),
                class_name="btn-link",
                type="button",
                data_testid="response-returns",
            ),
        ),
    )


def _card(item) -> rx.Component:
    return rx.link(
        rx.el.article(
            rx.el.div(
                rx.el.h3(item["route"], class_name="card-route"),
                rx.el.div(item["price"], class_name="card-price"),
                class_name="card-head",
            ),
            rx.el.div(rx.el.span(item["at"], class_name="hint"), status_badge(item["status"]), class_name="card-chips"),
            class_name="cargo-card",
            data_testid="response-item",
        ),
        href="/cargo/" + item["cargo_id"],
        class_name="card-link",
        underline="none",
    )


def responses_page() -> rx.Component:
    return screen(
        page_header("Мои отклики", SessionState.driver_name, "driver-name"),
        rx.cond(
            ResponsesState.items.length() > 0,
            rx.el.section(rx.foreach(ResponsesState.items, _item), class_name="feed-list"),
            rx.cond(ResponsesState.loaded, rx.el.p("Вы ещё не откликались на грузы", class_name="empty-state")),
        ),
        nav="responses",
    )
