"""Open the app the way Telegram does: the real telegram-web-app.js (from @twa-dev/sdk) routed
in, and the launch parameters in the URL hash with signed initData and the theme."""

from __future__ import annotations

import json
from urllib.parse import quote

from playwright.sync_api import BrowserContext, Page

from services.settings import DEV_BOT_TOKEN
from services.telegram_auth import sign_init_data
from tests.support.processes import ROOT

TELEGRAM_JS = ROOT / ".tools/node_modules/@twa-dev/sdk/dist/telegram-web-apps.js"
TELEGRAM_JS_URL = "https://telegram.org/js/telegram-web-app.js"

LIGHT = {"bg_color": "#ffffff", "secondary_bg_color": "#efeff4", "text_color": "#000000", "hint_color": "#8e8e93",
         "link_color": "#007aff", "button_color": "#007aff", "button_text_color": "#ffffff",
         "section_bg_color": "#ffffff", "destructive_text_color": "#ff3b30"}
DARK = {"bg_color": "#1c1c1d", "secondary_bg_color": "#000000", "text_color": "#ffffff", "hint_color": "#98989e",
        "link_color": "#3e88f7", "button_color": "#3e88f7", "button_text_color": "#ffffff",
        "section_bg_color": "#2c2c2e", "destructive_text_color": "#eb5545"}

DRIVER = {"id": 424242, "first_name": "Сергей", "last_name": "Кузнецов", "username": "sergey_truck",
          "language_code": "ru"}


def serve_telegram_script(context: BrowserContext) -> None:
    body = TELEGRAM_JS.read_text()
    context.route(TELEGRAM_JS_URL, lambda route: route.fulfill(status=200, body=body,
                                                                content_type="application/javascript"))


def launch_url(app_url: str, *, user: dict = DRIVER, theme: dict = LIGHT, path: str = "/",
               bot_token: str = DEV_BOT_TOKEN, start_param: str | None = None, version: str = "8.0") -> str:
    fields = {"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE-e2e"}
    if start_param:
        fields["start_param"] = start_param
    init_data = sign_init_data(fields, bot_token)
    params = {
        "tgWebAppData": init_data,
        "tgWebAppVersion": version,
        "tgWebAppPlatform": "android",
        "tgWebAppThemeParams": json.dumps(theme),
    }
    return f"{app_url}{path}#" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


# A Telegram client receives the script's calls through window.TelegramWebviewProxy.postEvent
# (telegram-web-app.js prefers it when present). Defining it before the page loads records what
# the real script sends, as the client would see it; nothing of the script is replaced.
RECORD_POST_EVENTS = """
window.__telegramEvents = [];
window.TelegramWebviewProxy = {
  postEvent: function (name, data) { window.__telegramEvents.push([name, data ? JSON.parse(data) : null]); }
};
"""


def record_post_events(context: BrowserContext) -> None:
    context.add_init_script(RECORD_POST_EVENTS)


def posted(page: Page, name: str | None = None) -> list:
    """[[event, data], ...] the script has sent so far; only `name`'s data when given."""
    events = page.evaluate("window.__telegramEvents")
    return events if name is None else [data for event, data in events if event == name]


def telegram_sends(page: Page, name: str, data: dict) -> None:
    """Deliver an event to the page the way Telegram's clients do (Telegram.WebView.receiveEvent)."""
    page.evaluate("([name, data]) => window.Telegram.WebView.receiveEvent(name, data)", [name, data])
