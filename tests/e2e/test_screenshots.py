"""The feed, a detail and the filters in Telegram's light and dark themes at 390×844.

Written to test-artifacts/screenshots; with UPDATE_SCREENSHOTS=1 to docs/screenshots, the
copies the README shows."""

import os

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.telegram import DARK, LIGHT, launch_url, telegram_page
from tests.support.processes import ROOT

TARGET = ROOT / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "test-artifacts/screenshots")


@pytest.mark.parametrize(("scheme", "theme"), [("light", LIGHT), ("dark", DARK)])
def test_screenshots(browser: Browser, app_url: str, scheme: str, theme: dict):
    TARGET.mkdir(parents=True, exist_ok=True)
    page = telegram_page(browser, scheme=scheme)
    user = {"id": 515151, "first_name": "Алексей", "last_name": "Смирнов", "language_code": "ru"}
    page.goto(launch_url(app_url, user=user, theme=theme))
    cards = page.get_by_test_id("cargo-card")
    expect(cards.first).to_be_visible(timeout=30_000)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(239, 239, 244)" if scheme == "light" else "rgb(0, 0, 0)")  # Telegram's secondary_bg
    page.screenshot(path=TARGET / f"feed-{scheme}.png")

    page.get_by_test_id("filters-toggle").click()
    page.get_by_label("Откуда").fill("Каз")
    expect(page.get_by_test_id("from-suggestions")).to_be_visible()
    page.screenshot(path=TARGET / f"filters-{scheme}.png")
    page.get_by_test_id("filters-toggle").click()

    cards.nth(1).click()
    expect(page.locator("#respond-btn")).to_be_visible()
    page.screenshot(path=TARGET / f"detail-{scheme}.png")
    page.context.close()
