"""A driver's whole journey inside Telegram, in Chromium, with every frame recorded:
sign in → filter by city and weight → scroll to page 3 → open a detail → respond → reload.
While it runs, no secret of the server may appear in any websocket frame or HTTP body."""

from __future__ import annotations

import re
import sqlite3

import httpx
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, expect

from services.infra.settings import (
    DEV_BOT_TOKEN,
    DEV_CARGOTECH_PASSWORD,
    DEV_ENCRYPTION_KEY,
    DEV_WEBHOOK_SECRET,
)
from tests.e2e.telegram import DRIVER, launch_url, serve_telegram_script

CARD = "cargo-card"
# The bot announces a response within moments, so the badge may already have moved on.
SENDING_OR_SENT = re.compile("Отправляется|Отправлен")


class Recorder:
    """Every websocket frame and HTTP response body the page sees."""

    def __init__(self, page: Page) -> None:
        self.chunks: list[str] = []
        page.on("websocket", self._on_socket)
        page.on("response", self._on_response)

    def _on_socket(self, socket) -> None:
        socket.on("framereceived", lambda payload: self.chunks.append(str(payload)))
        socket.on("framesent", lambda payload: self.chunks.append(str(payload)))

    def _on_response(self, response) -> None:
        try:
            self.chunks.append(response.text())
        except Exception:  # noqa: BLE001 - redirects and aborted loads have no body
            pass

    def find(self, secret: str) -> bool:
        return any(secret in chunk for chunk in self.chunks)


def _cargotech_token(db_path) -> str:
    row = sqlite3.connect(db_path).execute("select ciphertext from cargotech_token order by id desc").fetchone()
    return Fernet(DEV_ENCRYPTION_KEY).decrypt(row[0].encode()).decode()


def _upstream_ids(sandbox_url: str, params: dict) -> list[str]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        token = http.post("/v1/auth/login", json={"phone": "+79111111111", "password": "sandbox-password"}).json()["data"][
            "token"
        ]
        body = http.get("/v2/cargos/views", params=params, headers={"Authorization": f"Bearer {token}"}).json()
    return [str(item["id"]) for item in body["data"]]


def _card_ids(page: Page) -> list[str]:
    return page.get_by_test_id(CARD).evaluate_all("cards => cards.map(c => c.dataset.cargoId)")


def test_driver_journey_inside_telegram(browser: Browser, app_server, sandbox_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True, has_touch=True)
    serve_telegram_script(context)
    page = context.new_page()
    recorder = Recorder(page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. Sign in: Telegram's script reads the signed initData from the URL hash.
    page.goto(launch_url(app_server.url))
    expect(page.get_by_test_id(CARD).first).to_be_visible(timeout=30_000)
    assert page.evaluate("window.Telegram.WebApp.initDataUnsafe.user.id") == DRIVER["id"]
    assert (
        page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--tg-theme-button-color')").strip()
        == "#007aff"
    )

    # 2. Filter by city (autocomplete) and weight class.
    page.get_by_test_id("filters-toggle").click()
    page.get_by_label("Откуда").fill("Моск")
    page.get_by_test_id("from-suggestions").get_by_role("button", name=re.compile("^Москва")).click()
    page.get_by_role("button", name="Показать грузы").click()
    page.get_by_test_id("weight-chip").filter(has_text="10–15 т").click()
    expect(page.get_by_test_id("weight-chip").filter(has_text="10–15 т")).to_have_class(re.compile("active"))
    query = {
        "include": "contacts",
        "limit": "20",
        "offset": "0",
        "filter[mode]": "all",
        "filter[user_id]": "0",
        "filter[start_point_id]": "1001",
        "filter[start_point_type]": "2",
        "filter[start_point_radius]": "50",
        "filter[wv]": "15-65",
    }
    expected_first_page = _upstream_ids(sandbox_url, query)
    expect(page.get_by_test_id(CARD).first).to_have_attribute("data-cargo-id", expected_first_page[0])
    assert _card_ids(page)[:20] == expected_first_page

    # 3. Scroll to page 3: infinite scroll loads as the driver reaches the end.
    for _ in range(20):
        if page.get_by_test_id(CARD).count() > 40:
            break
        page.mouse.wheel(0, 6000)
        page.wait_for_timeout(300)
    assert page.get_by_test_id(CARD).count() > 40
    third_page = _upstream_ids(sandbox_url, {**query, "offset": "40"})
    assert set(third_page) <= set(_card_ids(page))

    # 4. Open a detail from page 3.
    chosen = third_page[0]
    page.locator(f"[data-cargo-id='{chosen}']").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    scrolled_to = page.evaluate("window.scrollY")
    assert scrolled_to > 2000
    page.locator(f"[data-cargo-id='{chosen}']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("→")
    expect(page.locator("dl")).to_contain_text("Загрузка")
    page.wait_for_function("window.Telegram.WebApp.BackButton.isVisible")
    page.wait_for_function("window.Telegram.WebApp.MainButton.isVisible")
    assert page.evaluate("window.Telegram.WebApp.MainButton.text") == "Откликнуться"

    # 5. Respond and see the badge.
    page.get_by_label("Телефон для связи").fill("8 916 123-45-67")
    page.wait_for_timeout(400)  # the phone field is debounced
    page.locator("#respond-btn").click()
    expect(page.get_by_test_id("respond-status")).to_contain_text(SENDING_OR_SENT)

    # Telegram's BackButton returns to the list with its filters and loaded pages intact.
    page.evaluate("window.Telegram.WebView.receiveEvent('back_button_pressed')")
    expect(page.get_by_test_id(CARD).first).to_be_attached()
    assert page.get_by_test_id(CARD).count() > 40
    page.wait_for_function(f"Math.abs(window.scrollY - {scrolled_to}) < 100")  # where the driver left off
    expect(page.locator(f"[data-cargo-id='{chosen}'] [data-testid='status-badge']")).to_have_text(SENDING_OR_SENT)

    # 6. Reload: filters and status are kept (server-side), the session too.
    page.reload()
    expect(page.get_by_test_id(CARD).first).to_have_attribute("data-cargo-id", expected_first_page[0], timeout=30_000)
    expect(page.get_by_test_id("weight-chip").filter(has_text="10–15 т")).to_have_class(re.compile("active"))
    page.get_by_role("link", name="Мои отклики").click()
    expect(page.get_by_test_id("driver-name")).to_have_text("Сергей Кузнецов")
    expect(page.get_by_test_id("response-item")).to_have_count(1)
    expect(page.get_by_test_id("response-item")).to_contain_text(SENDING_OR_SENT)

    # The next response starts with the phone the driver gave last time.
    page.goto(launch_url(app_server.url, path=f"/cargo/{third_page[1]}"))
    expect(page.get_by_label("Телефон для связи")).to_have_value("8 916 123-45-67", timeout=30_000)

    # The token scan: nothing secret ever reached the browser.
    token = _cargotech_token(app_server.db_path)
    secrets = {
        "CargoTech token": token,
        "CargoTech token secret": token.split("|", 1)[1],
        "bot token": DEV_BOT_TOKEN,
        "encryption key": DEV_ENCRYPTION_KEY,
        "webhook secret": DEV_WEBHOOK_SECRET,
        "CargoTech password": DEV_CARGOTECH_PASSWORD,
    }
    # The recorder really sees the app's traffic: the driver's name and the cargo ids are there.
    assert recorder.find("Кузнецов") and recorder.find(expected_first_page[0]) and recorder.find(chosen)
    leaked = [name for name, value in secrets.items() if recorder.find(value)]
    assert not leaked, f"secrets in frames: {leaked}"
    assert not errors, errors
    context.close()
