"""Recovery without taps: after a 503 burst or a malformed answer the feed and the detail page
say CargoTech is unavailable, count down, and load by themselves; the test never taps."""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.telegram import launch_url, serve_telegram_script

COUNTDOWN = re.compile(r"CargoTech недоступен, повторим через \d+ с")


def _fault(sandbox_url: str, **spec) -> None:
    httpx.post(f"{sandbox_url}/__control/faults", json=spec, timeout=10).raise_for_status()


@pytest.fixture(autouse=True)
def no_faults_left(sandbox_url: str):
    """A fault a test did not use up must not reach the next test."""
    yield
    httpx.delete(f"{sandbox_url}/__control/faults", timeout=10).raise_for_status()


def _own_query(page: Page, app_url: str, driver_id: int, price_min: str) -> None:
    """A driver of this test's own, on a query no other test asks for: the shared cache cannot
    answer for CargoTech, whatever ran before."""
    serve_telegram_script(page.context)
    page.goto(launch_url(app_url, user={"id": driver_id, "first_name": "Тест", "language_code": "ru"}))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    page.get_by_test_id("filters-toggle").click()
    page.locator("input[name=price_min]").fill(price_min)
    page.wait_for_timeout(600)  # the field is debounced


def _some_cargo_id(sandbox_url: str, offset: int) -> str:
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        token = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"}).json()
        params = {"limit": 1, "offset": offset, "filter[mode]": "all", "filter[user_id]": 0}
        headers = {"Authorization": f"Bearer {token['data']['token']}"}
        return str(http.get("/v2/cargos/views", params=params, headers=headers).json()["data"][0]["id"])


def test_feed_recovers_from_a_503_burst_by_itself(page: Page, app_url: str, sandbox_url: str):
    _own_query(page, app_url, 5150001, "17371")
    # Every attempt the client makes within its deadline (one call and three retries) gets a 503:
    # the load fails; the breaker stays closed (its threshold is five).
    _fault(sandbox_url, kind="status", status=503, count=4, path_prefix="/v2/cargos")
    page.get_by_role("button", name="Показать грузы").click()
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
    _own_query(page, app_url, 5150002, "17373")
    page.get_by_role("button", name="Показать грузы").click()
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
