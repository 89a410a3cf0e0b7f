"""Recovery without taps: after a 503 burst or a malformed answer the feed and the detail page
say CargoTech is unavailable, count down, and load by themselves; the test never taps."""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.telegram import launch_url, serve_telegram_script

COUNTDOWN = re.compile(r"CargoTech недоступен, повторим через \d+ с")
# The tab goes to the background and comes back, as when the driver switches apps.
HIDE = """Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
document.dispatchEvent(new Event('visibilitychange'));"""
SHOW = """Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
document.dispatchEvent(new Event('visibilitychange'));"""


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


def test_feed_recovers_from_a_hang_by_itself(page: Page, app_url: str, sandbox_url: str):
    _own_query(page, app_url, 5150003, "17375")
    # CargoTech accepts the call and never answers: the client gives up at its deadline.
    _fault(sandbox_url, kind="hang", count=1, path_prefix="/v2/cargos")
    page.get_by_role("button", name="Показать грузы").click()
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(0, timeout=5_000)
    banner = page.get_by_role("alert").filter(has_text="CargoTech недоступен")
    expect(banner).to_be_visible(timeout=40_000)
    expect(banner).to_contain_text(COUNTDOWN)
    expect(cards).to_have_count(20, timeout=30_000)  # the page's timer pressed «Повторить»
    expect(banner).to_have_count(0)


def test_a_hanging_cargotech_call_leaves_the_tab_usable(page: Page, app_url: str, sandbox_url: str):
    """The load runs without the tab's state lock: while CargoTech hangs, the driver can still open
    the filter panel; before, the tap waited behind the load until CargoTech's deadline."""
    _own_query(page, app_url, 5150006, "17381")
    _fault(sandbox_url, kind="hang", count=1, path_prefix="/v2/cargos")
    page.get_by_role("button", name="Показать грузы").click()
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(0, timeout=5_000)  # skeletons: the load hangs
    panel = page.get_by_test_id("filters-panel")
    expect(panel).to_have_count(0)
    page.get_by_test_id("filters-toggle").click()
    expect(panel).to_be_visible(timeout=5_000)
    # Opened while the load still hangs: nothing failed and nothing arrived yet.
    expect(page.get_by_role("alert").filter(has_text="CargoTech недоступен")).to_have_count(0)
    expect(cards).to_have_count(0)
    expect(page.locator(".cargo-card.skeleton").first).to_be_attached()
    # And the load still ends by itself, with the cards under the open panel.
    expect(cards).to_have_count(20, timeout=60_000)


def test_a_retry_due_while_the_tab_is_hidden_runs_when_it_is_visible_again(page: Page, app_url: str, sandbox_url: str):
    _own_query(page, app_url, 5150004, "17377")
    page.evaluate(HIDE)
    _fault(sandbox_url, kind="status", status=503, count=4, path_prefix="/v2/cargos")
    page.get_by_role("button", name="Показать грузы").click()
    banner = page.get_by_role("alert").filter(has_text="CargoTech недоступен")
    expect(banner).to_be_visible(timeout=30_000)
    # The countdown runs out while the tab is hidden: nothing is pressed meanwhile.
    expect(banner).to_contain_text("повторяем…", timeout=30_000)
    cards = page.get_by_test_id("cargo-card")
    page.wait_for_timeout(1_000)  # ticks of the page's timer, all while hidden
    expect(cards).to_have_count(0)
    expect(banner).to_be_visible()
    page.evaluate(SHOW)  # back from another app
    expect(cards).to_have_count(20, timeout=20_000)
    expect(banner).to_have_count(0)


def test_the_stale_banner_goes_by_itself_when_fresh_data_arrives(page: Page, app_url: str, sandbox_url: str):
    _own_query(page, app_url, 5150005, "17379")
    page.get_by_role("button", name="Показать грузы").click()
    cards = page.get_by_test_id("cargo-card")
    expect(cards).to_have_count(20, timeout=30_000)
    shown = cards.first.get_attribute("data-cargo-id")
    # CargoTech goes down for a while. Once the page on screen is a freshness window old, the
    # screen looks at it again by itself: the refresh fails, the cached page is shown as old.
    _fault(sandbox_url, kind="status", status=503, duration_s=75, path_prefix="/v2/cargos")
    stale = page.get_by_test_id("stale-banner")
    expect(stale).to_contain_text("CargoTech недоступен", timeout=120_000)
    expect(cards.first).to_have_attribute("data-cargo-id", shown)  # what was shown stays
    # CargoTech is back: the next look finds a fresh page, and the banner goes without a reload.
    expect(stale).to_have_count(0, timeout=150_000)
    expect(cards).to_have_count(20)
