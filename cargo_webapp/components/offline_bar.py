"""What the driver sees while the connection to the server is down: one Russian bar, in place of
the framework's own English toast and pulsing icon."""

from __future__ import annotations

import reflex as rx
from reflex.components.core.banner import has_connection_errors

OFFLINE = "Нет связи — показываем сохранённое"


def offline_bar() -> rx.Component:
    return rx.cond(
        has_connection_errors,
        rx.el.div(OFFLINE, class_name="offline-bar", role="status", data_testid="offline-bar"),
    )


def install(app: rx.App) -> None:
    """Replace the framework's connection overlay (an English toast, «Cannot connect to server…»)
    with the offline bar; the other wraps (the error boundary) stay."""
    app.app_wraps = {**app.app_wraps, (5, "Overlay"): lambda stateful: offline_bar() if stateful else None}
