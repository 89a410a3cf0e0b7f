"""Spotty networks: with the browser offline the app says so in Russian, keeps what it shows, and
a tap never turns into a full page load (which would show the browser's own offline page); when
the connection returns the app goes on by itself."""

import re

from playwright.sync_api import Page, expect

OFFLINE = "Нет связи — показываем сохранённое"
ENGLISH_FRAMEWORK_TEXT = re.compile(r"Cannot connect|Connection Error|websocket|Application Error|Backend", re.I)


def _no_english_framework_text(page: Page) -> None:
    text = page.evaluate("document.body.innerText")
    assert not ENGLISH_FRAMEWORK_TEXT.search(text), text[:500]


def test_feed_and_detail_survive_going_offline_and_back(page: Page, app_url: str):
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(app_url)
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(20, timeout=30_000)
    assert len(loads) == 1

    page.context.set_offline(True)
    bar = page.get_by_test_id("offline-bar")
    expect(bar).to_have_text(OFFLINE, timeout=20_000)
    expect(cards).to_have_count(20)  # what is on screen stays
    _no_english_framework_text(page)

    cargo_id = cards.first.get_attribute("data-cargo-id")
    cards.first.click()  # a tap with no connection
    expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=10_000)
    expect(bar).to_be_visible()
    _no_english_framework_text(page)
    assert len(loads) == 1, f"a full page load while offline: {loads}"

    page.context.set_offline(False)
    expect(bar).to_have_count(0, timeout=30_000)
    expect(page.get_by_role("button", name="Откликнуться")).to_be_visible(timeout=30_000)
    _no_english_framework_text(page)

    page.context.set_offline(True)
    expect(bar).to_be_visible(timeout=20_000)
    page.get_by_text("← К списку").click()
    expect(page).to_have_url(f"{app_url}/", timeout=10_000)
    expect(cards.first).to_be_visible()
    page.context.set_offline(False)
    expect(bar).to_have_count(0, timeout=30_000)
    assert len(loads) == 1, f"a full page load: {loads}"
