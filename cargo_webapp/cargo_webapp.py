"""The Reflex app: pages and lifespan wiring. Logic lives in services/, UI state in state/."""

import reflex as rx
from starlette.applications import Starlette

import cargo_webapp.db_models  # noqa: F401  (tables for `reflex db` commands)
from cargo_webapp.components import offline_bar
from cargo_webapp.live_status import lifespan_for
from cargo_webapp.pages.admin import admin_page
from cargo_webapp.pages.detail import detail_page
from cargo_webapp.pages.feed import feed_page
from cargo_webapp.pages.rates import rates_page
from cargo_webapp.pages.responses import responses_page
from cargo_webapp.pages.searches import searches_page
from cargo_webapp.security_headers import security_headers
from cargo_webapp.state.admin_state import AdminState
from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.rates_state import RatesState
from cargo_webapp.state.responses_state import ResponsesState
from cargo_webapp.state.saved_searches_state import SavedSearchesState
from cargo_webapp.state.session_state import LAUNCH_INIT_DATA_KEY, signed_in
from cargo_webapp.static_caching import with_static_caching
from services.bot.webhook import webhook_route
from services.infra.health_routes import health_routes
from services.infra.runtime import get_runtime, runtime_lifespan
from services.infra.settings import get_settings

TELEGRAM_WEB_APP_JS = "https://telegram.org/js/telegram-web-app.js"
SAVE_LAUNCH_INIT_DATA = (
    "try{var d=window.Telegram&&Telegram.WebApp&&Telegram.WebApp.initData;"
    f"if(d)sessionStorage.setItem('{LAUNCH_INIT_DATA_KEY}',d)}}catch(e){{}}"
)


def http_routes() -> Starlette:
    """Our own HTTP endpoints next to Reflex's (built per app: AppHarness builds several)."""
    settings = get_settings()
    assert settings.telegram_webhook_secret is not None
    secret = settings.telegram_webhook_secret.get_secret_value()
    return Starlette(routes=[webhook_route(secret, lambda: get_runtime().bot), *health_routes(get_runtime)])


app = rx.App(
    api_transformer=[http_routes(), security_headers(get_settings().public_url), with_static_caching],
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"),
        # In the real <head>, before the app's code, as Telegram asks.
        rx.el.script(src=TELEGRAM_WEB_APP_JS),
        # Hand initData to the hydrate event (SessionState.launch_init_data) instead of waiting
        # for the server to ask for it: the first open on a slow link is a round trip shorter.
        rx.el.script(SAVE_LAUNCH_INIT_DATA),
        rx.el.script(src="/app.js", defer=True),
    ],
)
offline_bar.install(app)
app.register_lifespan_task(runtime_lifespan)
app.register_lifespan_task(lifespan_for(app))
# Each page's on_load: the session opens, then the page's own loader (see `signed_in`).
app.add_page(feed_page, route="/", title="CargoTech — грузы", on_load=signed_in(FeedState.load_first))
app.add_page(detail_page, route="/cargo/[cargo_id]", title="CargoTech — груз", on_load=signed_in(DetailState.load))
app.add_page(responses_page, route="/responses", title="CargoTech — мои отклики", on_load=signed_in(ResponsesState.load))
app.add_page(searches_page, route="/searches", title="CargoTech — мои поиски", on_load=signed_in(SavedSearchesState.load))
app.add_page(rates_page, route="/rates", title="CargoTech — ставки по направлению", on_load=signed_in(RatesState.load))
app.add_page(admin_page, route="/admin", title="CargoTech — администрирование", on_load=signed_in(AdminState.load))
