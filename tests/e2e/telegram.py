"""Open the app the way Telegram does: the real telegram-web-app.js (from @twa-dev/sdk) routed
in, and the launch parameters in the URL hash with signed initData and the theme."""

from __future__ import annotations

import json
from urllib.parse import quote

from playwright.sync_api import BrowserContext

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
               bot_token: str = DEV_BOT_TOKEN, start_param: str | None = None) -> str:
    fields = {"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE-e2e"}
    if start_param:
        fields["start_param"] = start_param
    init_data = sign_init_data(fields, bot_token)
    params = {
        "tgWebAppData": init_data,
        "tgWebAppVersion": "8.0",
        "tgWebAppPlatform": "android",
        "tgWebAppThemeParams": json.dumps(theme),
    }
    return f"{app_url}{path}#" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
