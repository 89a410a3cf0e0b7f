"""Smoke: the production build shows cargo cards served by the sandbox, in Russian."""

import httpx
from playwright.sync_api import Page, expect


def _sandbox_first_page(sandbox_url: str, offset: int = 0) -> dict:
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        login = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"})
        token = login.json()["data"]["token"]
        params = {"include": "contacts", "limit": 20, "offset": offset, "filter[mode]": "all", "filter[user_id]": 0}
        return http.get("/v2/cargos/views", params=params, headers={"Authorization": f"Bearer {token}"}).json()


def test_feed_shows_sandbox_cargo_cards(page: Page, app_url: str, sandbox_url: str):
    page.goto(app_url)
    cards = page.get_by_test_id("cargo-card")
    expect(cards.first).to_be_visible(timeout=30_000)
    expect(cards).to_have_count(20)

    upstream = _sandbox_first_page(sandbox_url)
    shown_ids = [cards.nth(i).get_attribute("data-cargo-id") for i in range(20)]
    assert shown_ids == [str(item["id"]) for item in upstream["data"]]
    expect(page.get_by_test_id("feed-counter")).to_have_text(f"20 из {upstream['meta']['size']}")

    first = upstream["data"][0]
    card = cards.first
    start, finish = first["points"]["start"]["city"]["name"], first["points"]["finish"]["city"]["name"]
    expect(card).to_contain_text(f"{start} → {finish}")
    expect(card).to_contain_text("₽")
    expect(card).to_contain_text("т")
    expect(card).to_contain_text("м³")

    # The tap brings the exchange's next page. (The button sits next to the infinite scroll's
    # trigger, so the scroll may fetch the page after it as well: at least 40, never a gap.)
    page.get_by_role("button", name="Показать ещё").click()
    expect(cards.nth(39)).to_be_attached()
    second = [str(item["id"]) for item in _sandbox_first_page(sandbox_url, offset=20)["data"]]
    assert [cards.nth(i).get_attribute("data-cargo-id") for i in range(20, 40)] == second
    page.screenshot(path="test-artifacts/feed.png")


def test_touch_targets_are_large_enough(page: Page, app_url: str):
    page.goto(app_url)
    button = page.get_by_role("button", name="Показать ещё")
    expect(button).to_be_visible(timeout=30_000)
    box = button.bounding_box()
    assert box and box["height"] >= 44
