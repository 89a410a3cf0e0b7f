"""Against the sandbox in drifted spellings: every page of 20 shows its usable items (numbers as
strings, 0/1 booleans, the total as a string… change nothing a driver sees), and the admin page
names the drift."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from services.feed.filters import build_query, validate_filters
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.telegram import launch_url, serve_telegram_script

# Its own driver and a weight class no other browser test picks: the app's shared list cache
# must not hold a plain-spelling page for this query.
DRIVER = {"id": 424299, "first_name": "Олег", "last_name": "Дрейфов", "language_code": "ru"}
ADMIN = {"id": ADMIN_ID, "first_name": "Мария", "last_name": "Админ", "language_code": "ru"}
WEIGHT_CLASS, CHIP = "15_20", "15–20"
PAGES = 3


def _usable_ids(sandbox_url: str, pages: int) -> tuple[list[str], int]:
    """(ids of the items with a route on the first `pages` pages, how many were not usable),
    read from the drifted sandbox with the app's own query."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        token = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"}).json()["data"][
            "token"
        ]
        usable, unusable = [], 0
        for n in range(pages):
            query = build_query(validate_filters({"weight_class": WEIGHT_CLASS}), offset=20 * n)
            items = http.get("/v2/cargos/views", params=query, headers={"Authorization": f"Bearer {token}"}).json()["data"]
            for item in items:
                points = item["points"]
                ends = [points.get(end) for end in ("start", "finish")] if isinstance(points, dict) else []
                if len(ends) == 2 and all(isinstance(e, dict) and (e.get("city") or {}).get("name") for e in ends):
                    usable.append(str(item["id"]))
                else:
                    unusable += 1
    return usable, unusable


def test_drifted_answers_show_every_usable_item_and_the_admin_page_names_the_drift(
    browser: Browser, app_url: str, sandbox_url: str
):
    httpx.post(f"{sandbox_url}/__control/spelling", json={"spelling": "drifted"}, timeout=10).raise_for_status()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    serve_telegram_script(context)
    try:
        expected, unusable = _usable_ids(sandbox_url, PAGES)
        assert unusable >= 1, "the sample must hold an unusable item, or this test proves nothing"
        page = context.new_page()
        page.goto(launch_url(app_url, user=DRIVER))
        cards = page.get_by_test_id("cargo-card")
        expect(cards.first).to_be_visible(timeout=30_000)
        page.get_by_test_id("weight-chip").filter(has_text=CHIP).click()
        expect(cards.first).to_have_attribute("data-cargo-id", expected[0], timeout=30_000)
        for _ in range(PAGES):  # «Показать ещё» (the feed may also load on its own as it scrolls)
            if cards.count() >= len(expected):
                break
            page.get_by_role("button", name="Показать ещё").click()
            page.wait_for_timeout(300)
        expect(cards.nth(len(expected) - 1)).to_have_attribute("data-cargo-id", expected[-1], timeout=30_000)
        shown = cards.count()
        assert [cards.nth(i).get_attribute("data-cargo-id") for i in range(len(expected))] == expected
        counter = page.get_by_test_id("feed-counter").inner_text()
        assert counter.startswith(f"{shown} из ") and "?" not in counter

        context.close()  # the admin signs in in a web view of their own
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
        serve_telegram_script(context)
        admin = context.new_page()
        admin.goto(launch_url(app_url, user=ADMIN, path="/admin"))
        drift = admin.get_by_test_id("schema-drift")
        expect(drift).to_be_visible(timeout=30_000)
        expect(admin.get_by_test_id("drift-status")).to_contain_text("Формат ответов изменился")
        expect(drift).to_contain_text("груз пропущен")
        expect(drift).to_contain_text("points.")
        admin.screenshot(path="test-artifacts/admin-schema-drift.png", full_page=True)
    finally:
        context.close()
        httpx.post(f"{sandbox_url}/__control/spelling", json={"spelling": "plain"}, timeout=10).raise_for_status()
