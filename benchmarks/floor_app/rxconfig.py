"""The bare-Reflex floor: the smallest app the load harness can drive, configured like the
product where it changes the cost of an event (state manager, workers, oplock)."""

import os

import reflex as rx

redis_url = os.environ.get("REDIS_URL") or None
if redis_url:
    # As the product's rxconfig: opportunistic locking, the worker count from the environment.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")

config = rx.Config(
    app_name="floor_app",
    redis_url=redis_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=[rx.plugins.SitemapPlugin],
)
