"""Screenshots of the «Мои поиски» screen (light and dark) and new-cargo alerts as
the driver's chat shows them (the fake Telegram's chat page, fed by the real poller and outbox).

Written to test-artifacts/screenshots; with UPDATE_SCREENSHOTS=1 to docs/screenshots."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from sandbox.telegram.testing import FakeTelegramServer
from sandbox.testing import TEST_EPOCH, SandboxServer
from services.alerts.saved_searches import SavedSearchService
from services.infra.tables import engine_for
from tests.e2e.conftest import AppServer
from tests.e2e.telegram import DARK, LIGHT, launch_url, telegram_page
from tests.support.processes import ROOT

TARGET = ROOT / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "test-artifacts/screenshots")
DRIVER = {"id": 747474, "first_name": "Алексей", "last_name": "Смирнов", "language_code": "ru"}
ALERT_DRIVER = 515151


def _in_thread(coroutine_factory) -> None:
    """Run async setup in its own thread and loop (Playwright's sync API owns this thread)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coroutine_factory())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if failure:
        raise failure[0]


@pytest.fixture(scope="module")
def saved_for_screenshot(app_server: AppServer) -> Iterator[None]:
    searches = SavedSearchService(engine_for(f"sqlite:///{app_server.db_path}"))

    async def create() -> None:
        await remove()
        await searches.create(
            DRIVER["id"],
            "",
            {"from_id": "1", "from_name": "Москва", "to_id": "2", "to_name": "Казань", "weight_class": "20"},
            alerts=True,
        )
        await searches.create(
            DRIVER["id"], "Рефы из Питера", {"from_id": "3", "from_name": "Санкт-Петербург", "truck_types": ["2"]}, alerts=True
        )
        await searches.create(DRIVER["id"], "", {"price_min": "80000", "weight_class": "10_15"})
        await searches.set_quiet_hours(DRIVER["id"], "22:00", "07:00")

    async def remove() -> None:
        for view in await searches.list_for(DRIVER["id"]):
            await searches.delete(DRIVER["id"], view.id)

    _in_thread(create)
    yield
    # The app polls CargoTech for searches with alerts on: leave none behind for later tests.
    _in_thread(remove)


@pytest.mark.parametrize(("scheme", "theme"), [("light", LIGHT), ("dark", DARK)])
def test_searches_screen(browser: Browser, app_server: AppServer, saved_for_screenshot, scheme: str, theme: dict):
    TARGET.mkdir(parents=True, exist_ok=True)
    page = telegram_page(browser, scheme=scheme)
    page.goto(launch_url(app_server.url, user=DRIVER, theme=theme, path="/searches"))
    items = page.get_by_test_id("saved-search")
    expect(items).to_have_count(3, timeout=30_000)
    expect(items.first).to_contain_text("Москва → Казань, 20+ т")
    expect(page.get_by_label("Тихие часы с")).to_have_value("22:00")
    page.screenshot(path=TARGET / f"searches-{scheme}.png")
    page.context.close()


def test_alert_messages_in_the_drivers_chat(browser: Browser, tmp_path):
    """The real pipeline (a sandbox whose clock moves, the poller, the outbox, the fake Bot API)
    in its own process; then the chat as the fake Telegram's page shows it."""
    TARGET.mkdir(parents=True, exist_ok=True)
    with SandboxServer(pinned_at=TEST_EPOCH) as sandbox, FakeTelegramServer() as telegram:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.e2e.alert_chat_scenario",
                sandbox.url,
                telegram.url,
                f"sqlite:///{tmp_path / 'alerts.db'}",
                str(ALERT_DRIVER),
            ],
            cwd=ROOT,
            check=True,
            timeout=120,
            env={**os.environ, "CARGOTECH_PHONE": sandbox.phone, "CARGOTECH_PASSWORD": sandbox.password},
        )
        messages = telegram.chat(ALERT_DRIVER)["messages"]
        assert len(messages) >= 2 and "Новый груз по поиску «Все грузы»" in messages[0]["text"]
        assert "Новые грузы:" in messages[-1]["text"]
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", device_scale_factor=2)
        page = context.new_page()
        page.goto(f"{telegram.url}/chat/{ALERT_DRIVER}")
        expect(page.get_by_text("Новый груз по поиску «Все грузы»").first).to_be_visible()
        page.screenshot(path=TARGET / "alert-messages.png", full_page=True)
        context.close()
