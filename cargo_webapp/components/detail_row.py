"""A «label — value» row of a definition list; hidden when the value is empty."""

from __future__ import annotations

import reflex as rx


def detail_row(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.el.div(rx.el.dt(label, class_name="hint"), rx.el.dd(value), class_name="detail-row"),
    )
