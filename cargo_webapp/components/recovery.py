"""Screens that recover by themselves: an error banner whose «Повторить» the page's timer presses
after a countdown, and hidden buttons the timer presses to re-check a flagged page.

The timer is in assets/app.js: an element with `data-auto-in` (seconds, -1 for none) and
`data-auto-seq` is pressed once that many seconds after its sequence number last changed, while
the page is visible, and at once when the page becomes visible again with the time passed.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var


def retry_banner(message: Var, retry_in: Var, seq: Var, on_retry, busy: Var, element_id: str) -> rx.Component:
    """«CargoTech недоступен, повторим через N с» with «Повторить». The countdown is not announced
    each second to screen readers; the message is, once. The timer alone writes the countdown
    into its empty span: React renders no children there, so it never reconciles that text."""
    return rx.el.div(
        rx.el.span(
            rx.el.span(message),
            rx.el.span(aria_hidden="true", data_countdown_for=element_id),
        ),
        rx.el.button(
            "Повторить",
            on_click=on_retry,
            disabled=busy,
            class_name="btn-inline",
            id=element_id,
            type="button",
            data_auto_in=retry_in,
            data_auto_seq=seq,
        ),
        class_name="banner banner-error",
        role="alert",
    )


def auto_button(on_press, press_in: Var, seq: Var, element_id: str) -> rx.Component:
    """A button no one sees: the timer presses it to look again at a stale or refreshing page."""
    return rx.el.button(
        on_click=on_press,
        id=element_id,
        type="button",
        hidden=True,
        tab_index=-1,
        aria_hidden="true",
        data_auto_in=press_in,
        data_auto_seq=seq,
    )
