"""Deep links inside Telegram (real telegram-web-app.js, signed initData with start_param):
`startapp=cargo_<id>` opens the detail, for a first launch and for a driver with a stored session
alike; a withdrawn cargo shows «Груз снят» with similar offers; «Поделиться» opens Telegram's
share dialog for the cargo's deep link."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.telegram import launch_url, serve_telegram_script

DRIVER = {"id": 474747, "first_name": "Ильдар", "last_name": "Галиев", "username": "ildar_reef", "language_code": "ru"}
# Telegram's Android client exposes TelegramWebviewProxy; recording its events shows what the
# app asked Telegram to do (openTelegramLink → web_app_open_tg_link).
RECORD_TELEGRAM_EVENTS = """
window.__tgEvents = [];
window.TelegramWebviewProxy = { postEvent: (type, data) => window.__tgEvents.push([type, data]) };
"""


def _open(browser: Browser, url: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    context.add_init_script(RECORD_TELEGRAM_EVENTS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return page, errors


def _control(sandbox_url: str, path: str) -> dict:
    answer = httpx.post(f"{sandbox_url}/__control{path}", json={}, timeout=10)
    answer.raise_for_status()
    return answer.json()


def test_deep_link_opens_the_cargo_and_share_uses_its_deep_link(browser: Browser, app_url: str):
    feed, _ = _open(browser, launch_url(app_url, user=DRIVER))
    card = feed.get_by_test_id("cargo-card").nth(8)
    expect(card).to_be_visible(timeout=30_000)
    cargo_id = card.get_attribute("data-cargo-id")
    route = card.locator(".card-route").inner_text()
    feed.context.close()

    page, errors = _open(browser, launch_url(app_url, user=DRIVER, start_param=f"cargo_{cargo_id}"))
    expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=30_000)
    expect(page.locator(".page-title")).to_have_text(route.replace("новый", "").strip(), timeout=30_000)

    page.get_by_test_id("share").click()
    events = page.evaluate("window.__tgEvents.filter(e => e[0] === 'web_app_open_tg_link').map(e => e[1])")
    assert len(events) == 1, events
    shared = urlparse("https://t.me" + json.loads(events[0])["path_full"])
    assert shared.path == "/share/url"
    params = parse_qs(shared.query)
    deep_link = urlparse(params["url"][0])
    assert (deep_link.scheme, deep_link.netloc, deep_link.query) == ("https", "t.me", f"startapp=cargo_{cargo_id}")
    assert deep_link.path.strip("/")  # the bot's username
    assert params["text"][0].startswith(route.replace("новый", "").strip())
    assert not errors
    page.context.close()


def test_deep_link_to_a_withdrawn_cargo_shows_similar_offers(browser: Browser, app_url: str, sandbox_url: str):
    # The feed has seen the cargo (so its route is known); then it is withdrawn upstream, and a
    # repost by another company is published: the one sure similar offer.
    feed, _ = _open(browser, launch_url(app_url, user=DRIVER))
    card = feed.get_by_test_id("cargo-card").nth(12)
    expect(card).to_be_visible(timeout=30_000)
    cargo_id = card.get_attribute("data-cargo-id")
    route = card.locator(".card-route").inner_text().replace("новый", "").strip()
    feed.context.close()
    repost = str(_control(sandbox_url, f"/cargo/{cargo_id}/duplicate")["id"])
    _control(sandbox_url, f"/cargo/{cargo_id}/remove")
    try:
        page, errors = _open(browser, launch_url(app_url, user=DRIVER, start_param=f"cargo_{cargo_id}"))
        expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=30_000)
        gone = page.get_by_test_id("cargo-gone")
        expect(gone).to_be_visible(timeout=30_000)
        expect(gone.locator(".page-title")).to_have_text("Груз снят")
        expect(gone).to_contain_text(route)

        similar = page.get_by_test_id("similar-offers")
        expect(similar).to_be_visible(timeout=30_000)
        offer = similar.locator(f"[data-cargo-id='{repost}']")
        expect(offer).to_be_visible()
        assert cargo_id not in similar.get_by_test_id("cargo-card").evaluate_all("cards => cards.map(c => c.dataset.cargoId)")

        # A similar offer is a link to its own detail.
        offer.click()
        expect(page).to_have_url(f"{app_url}/cargo/{repost}", timeout=30_000)
        expect(page.locator(".page-title")).to_have_text(route, timeout=30_000)
        expect(page.get_by_test_id("cargo-gone")).to_have_count(0)
        assert not errors
        page.context.close()
    finally:
        # Leave the session's sandbox as the other browser tests expect it.
        _control(sandbox_url, f"/cargo/{cargo_id}/restore")
        _control(sandbox_url, f"/cargo/{repost}/remove")


RETURNING = {"id": 636363, "first_name": "Виктор", "last_name": "Орлов", "username": "viktor_ref", "language_code": "ru"}


def _returning_driver(browser: Browser, app_url: str) -> tuple[BrowserContext, list[str], list[str]]:
    """A browser context in which the driver has already opened the app: its session is stored."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    feed = context.new_page()
    feed.goto(launch_url(app_url, user=RETURNING))
    expect(feed.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    ids = feed.get_by_test_id("cargo-card").evaluate_all("cards => cards.map(c => c.dataset.cargoId)")
    routes = [text.replace("новый", "").strip() for text in feed.locator(".card-route").all_inner_texts()]
    assert feed.evaluate("localStorage.getItem('ct_session')")  # the session the next launch resumes
    feed.close()
    return context, ids, routes


def _launch(context: BrowserContext, url: str) -> tuple[Page, list[str]]:
    """A second launch from Telegram: a new web view over the same storage."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return page, errors


def test_a_returning_driver_follows_the_deep_link(browser: Browser, app_url: str):
    context, ids, _ = _returning_driver(browser, app_url)
    cargo_id = ids[5]
    page, errors = _launch(context, launch_url(app_url, user=RETURNING, start_param=f"cargo_{cargo_id}"))
    expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=30_000)
    expect(page.locator("#respond-btn")).to_be_visible(timeout=30_000)

    # Back to the feed, then a reload of the same web view: Telegram hands it the same launch
    # again, which must not throw the driver back onto the cargo.
    page.locator(".back-link").click()
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    page.reload()
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    assert urlparse(page.url).path == "/"

    # A later launch of another link in the same web view storage opens that cargo.
    other, more_errors = _launch(context, launch_url(app_url, user=RETURNING, start_param=f"cargo_{ids[6]}"))
    expect(other).to_have_url(f"{app_url}/cargo/{ids[6]}", timeout=30_000)
    assert not errors and not more_errors
    context.close()


def test_a_returning_driver_sees_a_withdrawn_cargo_as_gone(browser: Browser, app_url: str, sandbox_url: str):
    context, ids, routes = _returning_driver(browser, app_url)
    cargo_id, route = ids[14], routes[14]
    _control(sandbox_url, f"/cargo/{cargo_id}/remove")
    try:
        page, errors = _launch(context, launch_url(app_url, user=RETURNING, start_param=f"cargo_{cargo_id}"))
        expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=30_000)
        gone = page.get_by_test_id("cargo-gone")
        expect(gone).to_be_visible(timeout=30_000)
        expect(gone.locator(".page-title")).to_have_text("Груз снят")
        expect(gone).to_contain_text(route)  # the feed saw it, so its route is known
        # ...and offers like it are looked for.
        expect(page.get_by_test_id("similar-offers").or_(page.get_by_test_id("no-similar"))).to_be_visible(timeout=30_000)
        assert not errors
    finally:
        _control(sandbox_url, f"/cargo/{cargo_id}/restore")
        context.close()


def test_another_account_launching_on_the_device_is_signed_in_as_itself(browser: Browser, app_url: str):
    context, _, _ = _returning_driver(browser, app_url)
    other = {"id": 646464, "first_name": "Марина", "last_name": "Белова", "username": "marina_b", "language_code": "ru"}
    page, errors = _launch(context, launch_url(app_url, user=other, path="/responses"))
    expect(page.get_by_test_id("driver-name")).to_have_text("Марина Белова", timeout=30_000)
    # ...and the next launch of the first driver is theirs again.
    again, more_errors = _launch(context, launch_url(app_url, user=RETURNING, path="/responses"))
    expect(again.get_by_test_id("driver-name")).to_have_text("Виктор Орлов", timeout=30_000)
    assert not errors and not more_errors
    context.close()
