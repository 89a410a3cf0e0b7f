"""Recovery without taps: after a 503 burst or a malformed answer the feed and the detail page
say CargoTech is unavailable, count down, and load by themselves; the test never taps."""

import re

import httpx
from playwright.sync_api import Page, expect

COUNTDOWN = re.compile(r"CargoTech недоступен, повторим через \d+ с")


def _fault(sandbox_url: str, **spec) -> None:
    httpx.post(f"{sandbox_url}/__control/faults", json=spec, timeout=10).raise_for_status()


def _some_cargo_id(sandbox_url: str, offset: int) -> str:
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        token = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"}).json()
        params = {"limit": 1, "offset": offset, "filter[mode]": "all", "filter[user_id]": 0}
        headers = {"Authorization": f"Bearer {token['data']['token']}"}
        return str(http.get("/v2/cargos/views", params=params, headers=headers).json()["data"][0]["id"])


def test_feed_recovers_from_a_503_burst_by_itself(page: Page, app_url: str, sandbox_url: str):
    # Every attempt the client makes within its deadline (one call and three retries) gets a 503:
    # the first load fails; the breaker stays closed (its threshold is five).
    _fault(sandbox_url, kind="status", status=503, count=4, path_prefix="/v2/cargos")
    page.goto(app_url)
    banner = page.get_by_role("alert").filter(has_text="CargoTech недоступен")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner).to_contain_text(COUNTDOWN)
    expect(banner.get_by_role("button", name="Повторить")).to_be_visible()
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(20, timeout=20_000)  # the page's timer pressed «Повторить»
    expect(banner).to_have_count(0)


def test_detail_page_retries_a_malformed_answer_by_itself(page: Page, app_url: str, sandbox_url: str):
    cargo_id = _some_cargo_id(sandbox_url, offset=37)  # not on the first page: not cached yet
    _fault(sandbox_url, kind="malformed", count=1, path_prefix="/v1/carrier/cargos")
    page.goto(f"{app_url}/cargo/{cargo_id}")
    banner = page.get_by_role("alert").filter(has_text="CargoTech недоступен")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner.get_by_role("button", name="Повторить")).to_be_visible()
    expect(page.get_by_role("button", name="Откликнуться")).to_be_visible(timeout=20_000)
    expect(banner).to_have_count(0)


def test_a_filter_change_never_leaves_old_cards_under_the_new_chips(page: Page, app_url: str, sandbox_url: str):
    page.goto(app_url)
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(20, timeout=30_000)
    _fault(sandbox_url, kind="status", status=503, count=4, path_prefix="/v2/cargos")
    page.get_by_test_id("weight-chip").filter(has_text="20+ т").click()
    # At once: the old cards go and skeletons stand in while the new filter loads.
    expect(cards).to_have_count(0, timeout=2_000)
    expect(page.locator(".cargo-card.skeleton").first).to_be_attached()
    banner = page.get_by_role("alert").filter(has_text="Грузы по новым фильтрам не загрузились")
    expect(banner).to_be_visible(timeout=30_000)
    expect(banner.get_by_role("button", name="Повторить")).to_be_visible()
    expect(cards).to_have_count(0)  # still nothing from the old filter while it failed
    expect(cards.first).to_be_visible(timeout=20_000)  # retried by itself
    expect(banner).to_have_count(0)
    page.get_by_test_id("weight-chip").filter(has_text="Любой").click()  # leave the driver's filters as found
    expect(cards).to_have_count(20, timeout=30_000)
