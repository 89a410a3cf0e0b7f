"""«Ставки по направлению»: weekly median and spread of ₽/км as a bar chart drawn with CSS."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.components.layout import screen
from cargo_webapp.state.rates_state import RatesState


def _week(bar) -> rx.Component:
    """One week: the median's number on top, the p25–p75 bar with the median's line, the Monday."""
    return rx.el.div(
        rx.el.div(rx.cond(bar["empty"] == "", bar["median"], "—"), class_name="rates-value"),
        rx.el.div(
            rx.cond(
                bar["empty"] == "",
                rx.fragment(
                    rx.el.div(class_name="rates-bar", style={"bottom": bar["bottom"] + "%", "height": bar["height"] + "%"}),
                    rx.el.div(class_name="rates-median", style={"bottom": bar["mark"] + "%"}),
                ),
            ),
            class_name="rates-track",
        ),
        rx.el.div(bar["label"], class_name="rates-label"),
        class_name="rates-week",
        data_testid="rates-week",
        title=rx.cond(
            bar["empty"] == "",
            bar["week"] + ": " + bar["spread"] + " ₽/км, грузов: " + bar["count"],
            bar["week"] + ": мало данных",
        ),
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
                rx.el.h2("Медиана по неделям, ₽/км", class_name="section-title"),
                rx.el.p(
                    "Столбик — от четверти до трёх четвертей грузов, черта — медиана; под ним — понедельник недели.",
                    class_name="hint",
                ),
                rx.el.div(rx.foreach(RatesState.bars, _week), class_name="rates-chart", data_testid="rates-chart"),
                class_name="card-section",
            ),
        ),
    )
