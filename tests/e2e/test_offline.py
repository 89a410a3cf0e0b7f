"""Spotty networks: with the browser offline the app says so in Russian, keeps what it shows, and
a tap never turns into a full page load (which would show the browser's own offline page); when
the connection returns the app goes on by itself."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.telegram import launch_url, serve_telegram_script

OFFLINE = "Нет связи — показываем сохранённое"
RESPONSE_WAITS = "Нет связи: отклик отправим, когда связь вернётся"
SENDING_OR_SENT = re.compile("Отправляется|Отправлен")
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


def _own_driver(page: Page, app_url: str, driver_id: int) -> None:
    serve_telegram_script(page.context)
    page.goto(launch_url(app_url, user={"id": driver_id, "first_name": "Тест", "language_code": "ru"}))
    expect(page.get_by_test_id("cargo-card")).to_have_count(20, timeout=30_000)


def test_a_response_tapped_offline_goes_through_when_the_connection_returns(page: Page, app_url: str):
    _own_driver(page, app_url, 5140101)
    cards = page.get_by_test_id("cargo-card")
    cargo_id = cards.nth(7).get_attribute("data-cargo-id")
    cards.nth(7).click()
    expect(page).to_have_url(f"{app_url}/cargo/{cargo_id}", timeout=10_000)
    page.get_by_label("Телефон для связи").fill("8 916 765-43-21")
    page.wait_for_timeout(400)  # the phone field is debounced
    expect(page.get_by_role("button", name="Откликнуться")).to_be_enabled()

    page.context.set_offline(True)
    bar = page.get_by_test_id("offline-bar")
    expect(bar).to_be_visible(timeout=20_000)
    page.locator("#respond-btn").click()
    expect(page.get_by_test_id("respond-pending")).to_have_text(RESPONSE_WAITS)  # said plainly, in Russian
    expect(page.get_by_test_id("respond-status")).to_have_count(0)
    _no_english_framework_text(page)

    page.context.set_offline(False)
    expect(bar).to_have_count(0, timeout=30_000)
    expect(page.get_by_test_id("respond-status")).to_contain_text(SENDING_OR_SENT, timeout=30_000)
    expect(page.get_by_test_id("respond-pending")).to_have_count(0)  # the form gives way to the status
    _no_english_framework_text(page)


def test_a_filter_changed_offline_applies_when_the_connection_returns(page: Page, app_url: str):
    _own_driver(page, app_url, 5140102)
    cards = page.get_by_test_id("cargo-card")
    before = cards.first.get_attribute("data-cargo-id")
    page.context.set_offline(True)
    bar = page.get_by_test_id("offline-bar")
    expect(bar).to_be_visible(timeout=20_000)
    page.get_by_test_id("weight-chip").filter(has_text="1,5 т").click()
    expect(cards).to_have_count(20)  # what is on screen stays usable meanwhile
    _no_english_framework_text(page)

    page.context.set_offline(False)
    expect(bar).to_have_count(0, timeout=30_000)
    chip = page.get_by_test_id("weight-chip").filter(has_text="1,5 т")
    expect(chip).to_have_class("chip-btn active", timeout=30_000)
    expect(cards.first).not_to_have_attribute("data-cargo-id", before, timeout=30_000)
    # The class is what the truck carries: every card shown now fits 1,5 т.
    weights = page.eval_on_selector_all("[data-testid=cargo-card] .chip", "els => els.map(e => e.textContent)")
    tonnes = [float(m.group(1).replace(",", ".")) for w in weights if (m := re.fullmatch(r"([\d,]+)\s*т", w))]
    assert tonnes and max(tonnes) <= 1.5, weights
    page.get_by_test_id("weight-chip").filter(has_text="Любой").click()  # leave the driver's filters as found
    expect(cards.first).to_have_attribute("data-cargo-id", before, timeout=30_000)
