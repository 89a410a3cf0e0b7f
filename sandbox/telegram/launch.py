"""Open the app the way Telegram opens it: launch parameters in the URL hash, with initData
signed by the bot token and Telegram's theme colours.

    python -m sandbox.telegram.launch                         # the URL, as the dev driver
    python -m sandbox.telegram.launch --theme dark --user 5   # another driver, dark theme
    python -m sandbox.telegram.launch --admin --path /admin   # the dev admin
    python -m sandbox.telegram.launch --theme dark --screenshot feed-dark.png

`--screenshot` loads the page at 390×844 in Debian's Chromium with Telegram's real
`telegram-web-app.js` (the copy `make setup` installs from the npm package @twa-dev/sdk, so no
internet is needed) and saves a PNG. The browser tests open the app with the same functions.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from urllib.parse import quote

from services.identity.telegram_auth import sign_init_data
from services.infra.settings import DEV_ADMIN_ID, DEV_BOT_TOKEN

ROOT = Path(__file__).resolve().parents[2]
TELEGRAM_JS = ROOT / ".tools/node_modules/@twa-dev/sdk/dist/telegram-web-apps.js"
TELEGRAM_JS_URL = "https://telegram.org/js/telegram-web-app.js"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Telegram's own theme parameters for its light and dark themes (iOS).
LIGHT = {
    "bg_color": "#ffffff",
    "secondary_bg_color": "#efeff4",
    "text_color": "#000000",
    "hint_color": "#8e8e93",
    "link_color": "#007aff",
    "button_color": "#007aff",
    "button_text_color": "#ffffff",
    "section_bg_color": "#ffffff",
    "destructive_text_color": "#ff3b30",
}
DARK = {
    "bg_color": "#1c1c1d",
    "secondary_bg_color": "#000000",
    "text_color": "#ffffff",
    "hint_color": "#98989e",
    "link_color": "#3e88f7",
    "button_color": "#3e88f7",
    "button_text_color": "#ffffff",
    "section_bg_color": "#2c2c2e",
    "destructive_text_color": "#eb5545",
}
THEMES = {"light": LIGHT, "dark": DARK}

DRIVER = {"id": 424242, "first_name": "Сергей", "last_name": "Кузнецов", "username": "sergey_truck", "language_code": "ru"}


def launch_url(
    app_url: str,
    *,
    user: dict = DRIVER,
    theme: dict = LIGHT,
    path: str = "/",
    bot_token: str = DEV_BOT_TOKEN,
    start_param: str | None = None,
    version: str = "8.0",
) -> str:
    fields = {"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE-dev"}
    if start_param:
        fields["start_param"] = start_param
    params = {
        "tgWebAppData": sign_init_data(fields, bot_token),
        "tgWebAppVersion": version,
        "tgWebAppPlatform": "android",
        "tgWebAppThemeParams": json.dumps(theme),
    }
    return f"{app_url}{path}#" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def route_telegram_script(context) -> None:  # a Playwright BrowserContext (sync API)
    """Serve the npm copy of telegram-web-app.js where the page asks telegram.org for it."""
    body = TELEGRAM_JS.read_text()
    context.route(TELEGRAM_JS_URL, lambda route: route.fulfill(status=200, body=body, content_type="application/javascript"))


def screenshot(url: str, target: Path, *, wait_s: float = 3.0) -> None:
    from playwright.sync_api import sync_playwright  # a dev dependency, needed only here

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
        route_telegram_script(context)
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(wait_s * 1000)
        page.screenshot(path=str(target), full_page=False)
        browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.telegram.launch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="http://localhost:3000", help="the app's address (make run's by default)")
    parser.add_argument("--path", default="/", help="the page to open, e.g. /responses or /cargo/<id>")
    parser.add_argument("--theme", choices=sorted(THEMES), default="light")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--user", type=int, help="sign in as this Telegram user id (a new driver)")
    who.add_argument("--admin", action="store_true", help="sign in as the dev admin")
    parser.add_argument("--start-param", help="the launch's start_param, e.g. cargo_<id>")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save what the page shows at 390×844")
    args = parser.parse_args(argv)
    user = DRIVER
    if args.admin:
        user = {"id": DEV_ADMIN_ID, "first_name": "Админ", "language_code": "ru"}
    elif args.user:
        user = {"id": args.user, "first_name": "Водитель", "last_name": str(args.user), "language_code": "ru"}
    url = launch_url(args.app.rstrip("/"), user=user, theme=THEMES[args.theme], path=args.path, start_param=args.start_param)
    print(url)
    if args.screenshot:
        screenshot(url, args.screenshot)
        print(f"saved {args.screenshot}")


if __name__ == "__main__":
    main()
