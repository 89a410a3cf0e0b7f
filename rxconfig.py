"""Reflex configuration. Settings are validated here, so a prod start with missing secrets
stops before anything is compiled or served."""

import os
import sys
from pathlib import Path

import reflex as rx

from cargo_webapp.build_plugins import RadixLinkOnlyPlugin, SharedChunkPlugin
from cargo_webapp.security_headers import allowed_origins
from services.infra.dev_standins import DEV_SESSION_ENV
from services.infra.settings import SettingsError, get_settings

LOCAL_BUN_DIR = str(Path(__file__).resolve().parent / ".tools" / "node_modules" / ".bin")

try:
    settings = get_settings()
except SettingsError as exc:
    # One clear line instead of a traceback; the message names every missing variable.
    raise SystemExit(str(exc)) from None

if not settings.is_prod and Path(sys.argv[0]).name in ("reflex", "__main__.py") and sys.argv[1:2] == ["run"]:
    # This is the `reflex run` process that owns the dev session: the backend it spawns starts
    # the embedded stand-ins, and they stop when this process does (services/infra/dev_standins.py).
    os.environ.setdefault(DEV_SESSION_ENV, str(os.getpid()))

if os.path.isdir(LOCAL_BUN_DIR) and not os.environ.get("REFLEX_USE_SYSTEM_BUN"):
    # Plain `reflex run` after `make setup`: the bun the Makefile installed from the npm
    # registry, not the download Reflex would attempt (there is no internet here).
    os.environ["PATH"] = f"{LOCAL_BUN_DIR}{os.pathsep}{os.environ.get('PATH', '')}"
    os.environ["REFLEX_USE_SYSTEM_BUN"] = "1"

if settings.database_url.startswith("sqlite:///"):
    # Reflex opens the database (schema check, `reflex db`) before our code would create the
    # file's folder; a fresh clone has no .data/ yet.
    Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

if settings.redis_url:
    # Several workers share the drivers' state through Redis. Opportunistic locking keeps a
    # state in the worker that last used it: ~3,800 events/s instead of ~1,450 (measured here
    # with 2 workers). Explicit env values still win.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    os.environ.setdefault("GRANIAN_WORKERS", str(settings.web_workers))

STATE_LOCK_EXPIRY_MS = 10_000

config = rx.Config(
    app_name="cargo_webapp",
    # Reflex's own state manager switches to Redis (and several workers) when this is set.
    redis_url=settings.redis_url,
    db_url=settings.database_url,
    # Handlers that ask CargoTech run as background events and call it without the tab's state
    # lock, so a lock is held only for state and database work. The expiry bounds how long the
    # tabs of a killed instance wait for its locks.
    redis_lock_expiration=STATE_LOCK_EXPIRY_MS,
    # CORS on our HTTP routes and the websocket's Origin check: in prod the app's own origin only.
    cors_allowed_origins=allowed_origins(settings.public_url, is_prod=settings.is_prod),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Page weight on 3G (benchmarks/README.md): Radix only for rx.link, without its 689 KB
    # stylesheet; the modules every page needs in one JS chunk.
    plugins=[RadixLinkOnlyPlugin(), SharedChunkPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Precompressed sidecars built once at export, served by Reflex by Accept-Encoding:
    # brotli (13 % smaller than gzip here) for Telegram's web views, gzip for the rest.
    frontend_compression_formats=["brotli", "gzip"],
)
