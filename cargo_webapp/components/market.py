"""The market badge: «на 12 % выше рынка» in green, «на 8 % ниже рынка» in amber (services.market.lane_rates)."""

from __future__ import annotations

import reflex as rx


def market_badge(text, tone) -> rx.Component:
    return rx.cond(
        text != "",
        rx.el.span(
            text,
            class_name=rx.cond(tone == "above", "market market-above", "market market-below"),
            data_testid="market-badge",
            data_tone=tone,
        ),
    )
