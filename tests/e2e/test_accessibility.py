"""Accessibility of every screen in Telegram's light and dark themes at 390 px: axe-core finds no
serious or critical violation, and every control is at least 44 × 44 px with its label inside it."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ADMIN_ID
from tests.e2e.telegram import DARK, LIGHT, launch_url, serve_telegram_script
from tests.support.processes import ROOT

AXE = ROOT / ".tools/node_modules/axe-core/axe.min.js"
DRIVER = {"id": 474747, "first_name": "Инна", "last_name": "Доступная", "language_code": "ru"}
ADMIN = {"id": ADMIN_ID, "first_name": "Админ", "language_code": "ru"}
THEMES = [pytest.param("light", LIGHT, id="light"), pytest.param("dark", DARK, id="dark")]

# The checks run in the page; the selectors name what failed.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  const contrast = node => {  // colour-contrast findings carry the colours and the ratio
    const data = node.any.length && node.any[0].data;
    return data && data.contrastRatio ? ` (${data.fgColor} on ${data.bgColor}: ${data.contrastRatio})` : "";
  };
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v =>
    `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 8).map(n => n.target.join(" ") + contrast(n)).join(" | "));
}"""
SMALL_TARGETS = """() => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button], [role=switch], [role=link], [role=tab], [tabindex]:not([tabindex="-1"])';
  const describe = el => (el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\\s+/).join(".") : "") + " «" + (el.innerText || el.value
    || el.getAttribute("aria-label") || "").trim().slice(0, 30) + "»");
  const problems = [];
  for (const el of document.querySelectorAll(controls)) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    // A checkbox is pressed through its whole label row.
    const target = el.matches("input[type=checkbox], input[type=radio]") && el.closest("label") || el;
    const box = target.getBoundingClientRect();
    if (box.width < 44 || box.height < 44)
      problems.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    if (el.matches("button, a") && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${describe(el)}: the label overflows (${el.scrollWidth} > ${el.clientWidth} px)`);
    if (box.right > innerWidth + 1 || box.left < -1)
      problems.push(`${describe(el)}: outside the screen (${Math.round(box.left)}…${Math.round(box.right)})`);
  }
  return problems;
}"""


def _context(browser: Browser, scheme: str):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, color_scheme=scheme, locale="ru-RU", is_mobile=True, has_touch=True
    )
    serve_telegram_script(context)
    context.add_init_script(path=AXE)  # through the browser, so the page's CSP does not apply
    return context


def _check(page: Page, screen: str, found: dict[str, list[str]]) -> None:
    page.wait_for_load_state("networkidle")
    problems = page.evaluate(AXE_RUN) + page.evaluate(SMALL_TARGETS)
    if problems:
        found[screen] = problems


@pytest.mark.parametrize(("scheme", "theme"), THEMES)
def test_driver_screens_pass_axe_and_touch_targets(browser: Browser, app_url: str, scheme: str, theme: dict):
    context = _context(browser, scheme)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    page.goto(launch_url(app_url, user=DRIVER, theme=theme))
    cards = page.get_by_test_id("cargo-card")
    expect(cards.first).to_be_visible(timeout=30_000)
    _check(page, "feed", found)

    page.get_by_test_id("filters-toggle").click()
    page.get_by_label("Откуда").fill("Каз")
    expect(page.get_by_test_id("from-suggestions")).to_be_visible()
    page.get_by_test_id("save-search").click()
    expect(page.get_by_test_id("save-search-form")).to_be_visible()
    _check(page, "filters", found)
    page.get_by_test_id("save-name").fill(f"Поиск для проверки ({scheme})")
    page.get_by_test_id("save-confirm").click()
    expect(page.get_by_test_id("save-message")).to_be_visible()
    page.get_by_test_id("filters-toggle").click()

    cards.nth(1 if scheme == "light" else 2).click()
    expect(page.locator("#respond-btn")).to_be_visible()
    _check(page, "detail", found)
    page.get_by_label("Телефон для связи").fill("+7 921 555-77-88")
    page.wait_for_timeout(400)  # the phone field's debounce
    page.locator("#respond-btn").click()
    expect(page.get_by_test_id("respond-status")).to_be_visible()

    page.get_by_text("← К списку").click()
    page.get_by_role("link", name="Мои отклики").click()
    expect(page.get_by_test_id("response-item").first).to_be_visible()
    _check(page, "responses", found)

    page.get_by_role("link", name="Мои поиски").click()
    expect(page.get_by_test_id("saved-search").first).to_be_visible()
    _check(page, "searches", found)
    context.close()
    assert not found, found


@pytest.mark.parametrize(("scheme", "theme"), THEMES)
def test_admin_screen_passes_axe_and_touch_targets(browser: Browser, app_url: str, scheme: str, theme: dict):
    context = _context(browser, scheme)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    page.goto(launch_url(app_url, user=ADMIN, theme=theme, path="/admin"))
    expect(page.get_by_test_id("token-state")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("audit").locator("tbody tr").first).to_be_visible()
    _check(page, "admin", found)
    context.close()
    assert not found, found


def test_the_error_banner_keeps_its_retry_button_whole(browser: Browser, app_url: str, sandbox_url: str):
    """CargoTech refuses the list: the banner's «Повторить» fits its button at 390 px."""
    context = _context(browser, "light")
    page = context.new_page()
    page.goto(launch_url(app_url, user=DRIVER))
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
    # Every list call fails until the faults are dropped below (a 4xx: the breaker stays closed).
    fault = {"kind": "status", "status": 400, "duration_s": 60, "path_prefix": "/v2/cargos/views"}
    httpx.post(f"{sandbox_url}/__control/faults", json=fault, timeout=10).raise_for_status()
    try:
        page.get_by_test_id("weight-chip").filter(has_text="20+ т").click()  # a query nothing has cached
        retry = page.get_by_role("button", name="Повторить")
        expect(retry).to_be_visible(timeout=15_000)
        found: dict[str, list[str]] = {}
        _check(page, "feed with an error", found)
        assert not found, found
        banner, button = page.locator(".banner-error").bounding_box(), retry.bounding_box()
        assert button["x"] + button["width"] <= banner["x"] + banner["width"]
    finally:
        httpx.delete(f"{sandbox_url}/__control/faults", timeout=10).raise_for_status()
    retry.click()
    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=15_000)
    context.close()
