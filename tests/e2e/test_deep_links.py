"""Deep links inside Telegram (real telegram-web-app.js, signed initData with start_param):
`startapp=cargo_<id>` opens the detail; a withdrawn cargo shows «Груз снят» with similar offers;
«Поделиться» opens Telegram's share dialog for the cargo's deep link."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Browser, Page, expect

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
        assert cargo_id not in similar.get_by_test_id("cargo-card").evaluate_all(
            "cards => cards.map(c => c.dataset.cargoId)")

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
