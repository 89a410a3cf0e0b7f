"""Reflex configuration. Settings are validated here, so a prod start with missing secrets
stops before anything is compiled or served."""

import reflex as rx

from services.settings import SettingsError, get_settings

try:
    settings = get_settings()
except SettingsError as exc:
    # One clear line instead of a traceback; the message names every missing variable.
    raise SystemExit(str(exc)) from None

config = rx.Config(
    app_name="cargo_webapp",
    # Reflex's own state manager switches to Redis (and several workers) when this is set.
    redis_url=settings.redis_url,
    db_url=settings.database_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
