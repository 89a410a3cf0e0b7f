"""One cargo offer as a card: route, dates, weight, volume, body, price, response badge, and the
feed's marks: «новый», «цена изменилась: было …», «+2 похожих» (folded reposts of the same load),
and «снят» (dimmed) on a card the exchange has withdrawn since it was loaded."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.market import market_badge


def chip(text) -> rx.Component:
    return rx.cond(text != "", rx.el.span(text, class_name="chip"))


def status_badge(label) -> rx.Component:
    return rx.cond(label != "", rx.el.span(label, class_name="badge", data_testid="status-badge"))


def price_change(old_price) -> rx.Component:
    """«цена изменилась: было ~~120 000 ₽~~» while a recent change is worth showing."""
    return rx.cond(
        old_price != "",
        rx.el.div(
            "цена изменилась: было ",
            rx.el.s(old_price, class_name="old-price"),
            class_name="price-changed",
            data_testid="price-changed",
        ),
    )


def cargo_card(card) -> rx.Component:
    return rx.link(
        rx.el.article(
            rx.el.div(
                rx.el.h3(
                    rx.cond(card["new"], rx.el.span("новый", class_name="mark-new", data_testid="mark-new")),
                    card["route"],
                    class_name="card-route",
                ),
                rx.el.div(card["price"], class_name="card-price"),
                class_name="card-head",
            ),
            price_change(card["old_price"]),
            market_badge(card["market"], card["market_tone"]),
            rx.el.div(
                rx.el.span(card["dates"], class_name="card-dates"),
                rx.cond(card["distance"] != "", rx.el.span(" · ", card["distance"])),
                rx.cond(card["price_per_km"] != "", rx.el.span(" · ", card["price_per_km"])),
                class_name="card-meta",
            ),
            rx.el.div(
                chip(card["weight"]),
                chip(card["volume"]),
                chip(card["body"]),
                status_badge(card["status"]),
                rx.cond(card["gone"], rx.el.span("снят", class_name="badge badge-gone", data_testid="gone-badge")),
                class_name="card-chips",
            ),
            rx.cond(
                card["dup_hint"] != "",
                rx.el.div(
                    rx.el.span(card["dup_hint"], class_name="dup-hint"),
                    rx.el.span(": ", card["dup_sources"], class_name="hint"),
                    class_name="card-dups",
                    data_testid="dup-hint",
                    data_dup_ids=card["dup_ids"],
                ),
            ),
            class_name=rx.cond(card["gone"], "cargo-card gone", "cargo-card"),
            data_testid="cargo-card",
            data_cargo_id=card["id"],
        ),
        href="/cargo/" + card["id"],
        class_name="card-link",
        underline="none",
    )


def skeleton_card() -> rx.Component:
    return rx.el.div(
        rx.el.div(class_name="skeleton-line wide"),
        rx.el.div(class_name="skeleton-line"),
        rx.el.div(class_name="skeleton-line short"),
        class_name="cargo-card skeleton",
        aria_hidden="true",
    )
