"""«Ставки по направлению»: weekly median and spread of ₽/км as a bar chart drawn with CSS."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.layout import screen
from cargo_webapp.state.rates_state import RatesState


def _week(bar) -> rx.Component:
    return rx.el.div(
        rx.el.div(rx.cond(bar["empty"] == "", bar["median"], ""), class_name="rates-value"),
        rx.el.div(
            rx.el.div(class_name="rates-median", style={"bottom": "calc(" + bar["mark"] + "% - 1px)"}),
            class_name="rates-bar",
            style={"height": bar["height"] + "%", "margin_bottom": bar["bottom"] + "%"},
        ),
        rx.el.div(bar["label"], class_name="rates-label"),
        class_name="rates-week",
        data_testid="rates-week",
        title=rx.cond(bar["empty"] == "", bar["spread"] + " ₽/км, грузов: " + bar["count"], "мало данных"),
    )


def rates_page() -> rx.Component:
    return screen(
        rx.el.a("← К списку", href="/", class_name="back-link"),
        rx.el.h1("Ставки по направлению", class_name="page-title"),
        rx.cond(RatesState.title != "", rx.el.p(RatesState.title, class_name="gone-route", data_testid="rates-title")),
        rx.cond(RatesState.note != "", rx.el.p(RatesState.note, class_name="hint", data_testid="rates-note")),
        rx.cond(RatesState.summary != "", rx.el.p(RatesState.summary, data_testid="rates-summary")),
        rx.cond(
            RatesState.bars.length() > 0,
            rx.el.section(
                rx.el.h2("По неделям, ₽/км: столбик — от четверти до трёх четвертей грузов, черта — медиана",
                         class_name="section-title"),
                rx.el.div(rx.foreach(RatesState.bars, _week), class_name="rates-chart", data_testid="rates-chart"),
                class_name="card-section",
            ),
        ),
    )
