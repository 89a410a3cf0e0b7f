"""Telegram's conventions, checked through the real telegram-web-app.js: what the script sends to
the client (recorded at window.TelegramWebviewProxy, where a Telegram client receives it) and
what its CSS variables do to the page. Events from the client go in through
Telegram.WebView.receiveEvent, as Telegram's clients deliver them."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DISPATCHER, DISPATCHERS
from tests.e2e.telegram import (
    DARK,
    LIGHT,
    launch_url,
    posted,
    record_post_events,
    serve_telegram_script,
    telegram_sends,
)
from tests.support.waiting import wait_until

DRIVER = {"id": 464646, "first_name": "Пётр", "last_name": "Вибров", "username": "petr_vibro", "language_code": "ru"}
CLOSING, HAPTIC = "web_app_setup_closing_behavior", "web_app_trigger_haptic_feedback"


def _open(browser: Browser, app_url: str, **launch) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    record_post_events(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(launch_url(app_url, user=DRIVER, **launch))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    page.errors = errors  # checked by _close
    return page


def _close(page: Page) -> None:
    errors = page.errors
    page.context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _last(page: Page, name: str):
    sent = posted(page, name)
    return sent[-1] if sent else None


def test_swipes_off_and_the_chrome_follows_the_theme(browser: Browser, app_url: str):
    page = _open(browser, app_url, theme=LIGHT)
    wait_until(lambda: posted(page, "web_app_setup_swipe_behavior"), what="swipe behaviour")
    assert posted(page, "web_app_setup_swipe_behavior") == [{"allow_vertical_swipe": False}]
    # The page background is secondary_bg; the bottom bar matches the navigation's card colour.
    wait_until(
        lambda: _last(page, "web_app_set_bottom_bar_color") == {"color": LIGHT["section_bg_color"]}, what="bottom bar colour"
    )
    assert _last(page, "web_app_set_header_color") == {"color": LIGHT["secondary_bg_color"]}
    assert _last(page, "web_app_set_background_color") == {"color": LIGHT["secondary_bg_color"]}

    telegram_sends(page, "theme_changed", {"theme_params": DARK})
    wait_until(
        lambda: _last(page, "web_app_set_header_color") == {"color": DARK["secondary_bg_color"]},
        what="header colour after themeChanged",
    )
    assert _last(page, "web_app_set_background_color") == {"color": DARK["secondary_bg_color"]}
    assert _last(page, "web_app_set_bottom_bar_color") == {"color": DARK["section_bg_color"]}
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    _close(page)


def test_an_older_client_is_not_asked_for_what_it_cannot_do(browser: Browser, app_url: str):
    page = _open(browser, app_url, version="7.0")
    wait_until(
        lambda: _last(page, "web_app_set_header_color") == {"color": LIGHT["secondary_bg_color"]}, what="header colour"
    )  # 6.9+: the app has wired itself up
    assert posted(page, "web_app_setup_swipe_behavior") == []  # 7.7+
    # Only the script's own start-up colour (bottom_bar_bg_color's fallback); setBottomBarColor is 7.10+.
    assert posted(page, "web_app_set_bottom_bar_color") == [{"color": LIGHT["secondary_bg_color"]}]
    _close(page)


def _css_var(page: Page, name: str) -> str:
    return page.evaluate("name => document.documentElement.style.getPropertyValue(name)", name)


def test_navigation_on_the_stable_viewport_inside_the_safe_areas(browser: Browser, app_url: str):
    page = _open(browser, app_url)
    nav = page.locator(".bottom-nav")
    telegram_sends(page, "viewport_changed", {"height": 700, "is_state_stable": True, "is_expanded": True})
    telegram_sends(page, "safe_area_changed", {"top": 20, "bottom": 34, "left": 0, "right": 0})
    telegram_sends(page, "content_safe_area_changed", {"top": 46, "bottom": 0, "left": 0, "right": 0})
    assert _css_var(page, "--tg-viewport-stable-height") == "700px"

    def nav_bottom_edge():
        box = nav.bounding_box()
        return round(box["y"] + box["height"])

    wait_until(lambda: nav_bottom_edge() == 700, what="navigation on the stable viewport")
    link = page.get_by_role("link", name="Грузы").bounding_box()
    assert round(link["y"] + link["height"]) == 700 - 34  # above the home indicator
    assert link["height"] >= 44
    # The title clears the status bar and Telegram's own controls (20 + 46 px).
    assert page.locator("h1").first.bounding_box()["y"] >= 20 + 46

    # The sheet being dragged (not stable): the navigation stays where it was.
    telegram_sends(page, "viewport_changed", {"height": 520, "is_state_stable": False, "is_expanded": False})
    assert _css_var(page, "--tg-viewport-height") == "520px"
    assert nav_bottom_edge() == 700
    _close(page)


def _respond(page: Page, phone: str) -> list:
    """Press «Откликнуться»; the closing and haptic calls the script made for it, in order."""
    before = len(posted(page))
    page.get_by_label("Телефон для связи").fill(phone)
    page.wait_for_timeout(400)  # the phone field's debounce
    page.locator("#respond-btn").click()

    def calls():
        sent = [(name, data) for name, data in posted(page)[before:] if name in (CLOSING, HAPTIC)]
        return sent if len(sent) >= 3 else None

    return wait_until(calls, what="closing confirmation and haptic")


def test_respond_confirms_closing_while_sending_and_is_felt(browser: Browser, app_url: str, telegram):
    page = _open(browser, app_url)
    card = page.get_by_test_id("cargo-card").nth(5)
    cargo_id = card.get_attribute("data-cargo-id")
    card.click()
    expect(page.locator("#respond-btn")).to_be_visible()

    # Refused (a phone number that is not one): the failure is felt, closing is free again.
    assert _respond(page, "12") == [
        (CLOSING, {"need_confirmation": True}),
        (CLOSING, {"need_confirmation": False}),
        (HAPTIC, {"type": "notification", "notification_type": "error"}),
    ]
    expect(page.get_by_role("alert")).to_contain_text("Телефон")

    assert _respond(page, "+7 921 555-66-77") == [
        (CLOSING, {"need_confirmation": True}),
        (CLOSING, {"need_confirmation": False}),
        (HAPTIC, {"type": "notification", "notification_type": "success"}),
    ]
    expect(page.get_by_test_id("respond-status")).to_contain_text("Отправ")

    # The dispatcher rejects it: the open app changes the badge and the driver feels it.
    [message] = wait_until(
        lambda: [m for m in telegram.chat(DISPATCHERS)["messages"] if cargo_id in m["text"] and "Пётр" in m["text"]],
        what="dispatcher message",
    )
    expect(page.get_by_test_id("respond-status")).to_contain_text("Отправлен")
    haptics_before = len(posted(page, HAPTIC))
    reject = message["buttons"][0][1]
    assert reject["text"] == "Отклонить"
    telegram.press_button(DISPATCHERS, message["message_id"], reject["callback_data"], from_user=DISPATCHER)
    expect(page.get_by_test_id("respond-status")).to_contain_text("Отклонён", timeout=10_000)
    wait_until(lambda: posted(page, HAPTIC)[haptics_before:], what="haptic for the live change")
    assert posted(page, HAPTIC)[haptics_before:] == [{"type": "notification", "notification_type": "warning"}]
    _close(page)
