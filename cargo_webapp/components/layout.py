"""The frame of every screen: sign-in gate, header, bottom navigation."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.state.live_state import LiveState
from cargo_webapp.state.session_state import SessionState


def signed_in_only(*children: rx.Component) -> rx.Component:
    """Screens show their content once the driver is known; a clear message otherwise."""
    return rx.cond(
        SessionState.signed_in,
        rx.fragment(
            rx.cond(SessionState.notice != "", rx.el.div(SessionState.notice, class_name="banner banner-stale", role="status")),
            *children,
        ),
        rx.cond(
            SessionState.auth_error != "",
            rx.el.div(
                rx.el.h2("Вход не выполнен", class_name="page-title"),
                rx.el.p(SessionState.auth_error),
                class_name="gate",
                role="alert",
                data_testid="auth-error",
            ),
            rx.el.div(rx.el.p("Входим…", class_name="hint"), class_name="gate"),
        ),
    )


def page_header(title: str, aside, aside_testid: str) -> rx.Component:
    """A screen's title with a short note on the right (a counter, the driver's name)."""
    return rx.el.header(
        rx.el.h1(title, class_name="page-title"),
        rx.el.span(aside, class_name="counter", data_testid=aside_testid),
        class_name="page-header",
    )


def bottom_nav(active: str) -> rx.Component:
    def item(href: str, label: str, name: str) -> rx.Component:
        return rx.link(label, href=href, class_name="nav-item active" if name == active else "nav-item", underline="none")

    return rx.el.nav(
        item("/", "Грузы", "feed"),
        item("/searches", "Мои поиски", "searches"),
        item("/responses", "Мои отклики", "responses"),
        class_name="bottom-nav",
    )


def live_status_marker() -> rx.Component:
    """Hidden: the last live status change for assets/app.js's haptic. Rendered once the page is
    hydrated, so the first value the script sees is the baseline, not a change."""
    return rx.cond(
        rx.State.is_hydrated,
        rx.el.span(id="live-status-change", hidden=True, data_change=LiveState.status_changes, data_kind=LiveState.haptic),
    )


def screen(*children: rx.Component, nav: str | None = None) -> rx.Component:
    return rx.el.main(
        signed_in_only(*children),
        bottom_nav(nav) if nav else rx.fragment(),
        live_status_marker(),
        class_name="page",
    )
