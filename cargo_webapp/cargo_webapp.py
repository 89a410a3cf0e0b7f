"""The Reflex app: pages and lifespan wiring. Logic lives in services/, UI state in state/."""

import reflex as rx

from cargo_webapp.pages.feed import feed_page
from cargo_webapp.state.feed_state import FeedState
from services.runtime import runtime_lifespan

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"),
    ],
)
app.register_lifespan_task(runtime_lifespan)
app.add_page(feed_page, route="/", title="CargoTech — грузы", on_load=FeedState.on_open)
