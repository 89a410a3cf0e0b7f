"""Open the app the way Telegram does: the real telegram-web-app.js (from @twa-dev/sdk) routed
in, and the launch parameters in the URL hash with signed initData and the theme."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page

from sandbox.telegram.launch import DARK, DRIVER, LIGHT, TELEGRAM_JS_URL, launch_url
from sandbox.telegram.launch import route_telegram_script as serve_telegram_script

__all__ = ["DARK", "DRIVER", "LIGHT", "TELEGRAM_JS_URL", "launch_url", "serve_telegram_script", "telegram_page"]


def telegram_page(browser: Browser, *, scheme: str) -> Page:
    """A new tab in a context of its own on a phone as the screenshots show it: 390×844 at twice
    the pixels, touch, Russian locale, the system in `scheme` ("light" or "dark"), and
    telegram-web-app.js served from the local copy. Close it with `page.context.close()`."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        color_scheme=scheme,
        locale="ru-RU",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    serve_telegram_script(context)
    return context.new_page()


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
