"""One cargo offer as a card: route, dates, weight, volume, body, price."""

from __future__ import annotations

import reflex as rx


def _chip(text) -> rx.Component:
    return rx.cond(text != "", rx.el.span(text, class_name="chip"))


def cargo_card(card) -> rx.Component:
    return rx.el.article(
        rx.el.div(
            rx.el.h3(card["route"], class_name="card-route"),
            rx.el.div(card["price"], class_name="card-price"),
            class_name="card-head",
        ),
        rx.el.div(
            rx.el.span(card["dates"], class_name="card-dates"),
            rx.cond(card["distance"] != "", rx.el.span(" · ", card["distance"])),
            rx.cond(card["price_per_km"] != "", rx.el.span(" · ", card["price_per_km"])),
            class_name="card-meta",
        ),
        rx.el.div(
            _chip(card["weight"]),
            _chip(card["volume"]),
            _chip(card["body"]),
            class_name="card-chips",
        ),
        class_name="cargo-card",
        data_testid="cargo-card",
        data_cargo_id=card["id"],
    )


def skeleton_card() -> rx.Component:
    return rx.el.div(
        rx.el.div(class_name="skeleton-line wide"),
        rx.el.div(class_name="skeleton-line"),
        rx.el.div(class_name="skeleton-line short"),
        class_name="cargo-card skeleton",
        aria_hidden="true",
    )
