"""A cargo's detail in the browser: the market badge from lane rates, «Загрузки обратно» with
«Все» and the one-tap alerting search, and «Ставки по направлению»; screenshots light and dark.

The sandbox runs on the present moment here (frozen), because the app reads «today» from its own
clock: the return window and the rates' 14 days are counted from it. Written to
test-artifacts/screenshots; with UPDATE_SCREENSHOTS=1 to docs/screenshots."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import delete as sa_delete
from sqlmodel import Session, col

from sandbox.testing import TEST_EPOCH
from services.alerts.saved_searches import SavedSearchService
from services.infra.tables import engine_for
from services.market.lane_rates import LaneObservation
from tests.e2e.conftest import AppServer
from tests.e2e.telegram import DARK, LIGHT, launch_url, telegram_page
from tests.support.processes import ROOT

# Moves the sandbox's clock: runs after the other browser tests.
pytestmark = pytest.mark.moves_exchange

TARGET = ROOT / ("docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "test-artifacts/screenshots")
SEEDED = "88000000"  # tests/e2e/return_loads_scene.py: the seeded market rows' cargo ids start with this
DRIVER = {"id": 646464, "first_name": "Алексей", "last_name": "Смирнов", "language_code": "ru"}


@dataclasses.dataclass(frozen=True)
class Scene:
    cargo_id: str
    returns: list[str]  # the expected loads back, best first
    city: str  # the unloading city
    to_city: str  # where the best load back goes: the rates page's direction


@pytest.fixture(scope="module")
def scene(sandbox_url: str, app_server: AppServer, tmp_path_factory) -> Iterator[Scene]:
    httpx.post(f"{sandbox_url}/__control/clock", json={"at": time.time(), "frozen": True}, timeout=10).raise_for_status()
    scratch = tmp_path_factory.mktemp("scene") / "scratch.db"
    app_db = f"sqlite:///{app_server.db_path}"
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.return_loads_scene", sandbox_url, f"sqlite:///{scratch}", app_db],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    yield Scene(**json.loads(done.stdout.strip().splitlines()[-1]))
    httpx.post(f"{sandbox_url}/__control/clock", json={"at": TEST_EPOCH, "frozen": True}, timeout=10).raise_for_status()
    engine = engine_for(app_db)
    with Session(engine) as session:
        session.execute(sa_delete(LaneObservation).where(col(LaneObservation.cargo_id).startswith(SEEDED)))
        session.commit()
    searches = SavedSearchService(engine)

    async def forget() -> None:  # no alert polling left behind for later tests
        for view in await searches.list_for(DRIVER["id"]):
            await searches.delete(DRIVER["id"], view.id)

    # Playwright's sync API owns this thread's event loop: run the cleanup in a thread of its own.
    cleaner = threading.Thread(target=lambda: asyncio.run(forget()))
    cleaner.start()
    cleaner.join(timeout=60)


@pytest.mark.parametrize(("scheme", "theme"), [("light", LIGHT), ("dark", DARK)])
def test_detail_shows_the_market_and_loads_back(browser: Browser, app_server: AppServer, scene: Scene, scheme: str, theme: dict):
    TARGET.mkdir(parents=True, exist_ok=True)
    page = telegram_page(browser, scheme=scheme)
    context = page.context
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(launch_url(app_server.url, user=DRIVER, theme=theme, path=f"/cargo/{scene.cargo_id}"))

    badge = page.get_by_test_id("market-badge")
    expect(badge).to_have_text(re.compile(r"^на\s2[0-9]\s% выше рынка$"), timeout=30_000)
    expect(badge).to_have_attribute("data-tone", "above")
    page.screenshot(path=TARGET / f"market-badge-{scheme}.png")
    loads = page.get_by_test_id("return-load")
    expect(loads).to_have_count(len(scene.returns), timeout=30_000)
    assert [loads.nth(n).get_attribute("data-cargo-id") for n in range(len(scene.returns))] == scene.returns
    expect(page.get_by_test_id("return-title")).to_contain_text("из ")
    page.get_by_test_id("return-loads").scroll_into_view_if_needed()
    page.screenshot(path=TARGET / f"return-loads-{scheme}.png")

    if scheme == "light":
        page.locator("input[name=phone]").fill("+7 900 123-45-67")
        page.wait_for_timeout(400)  # the phone field is debounced
        page.locator("#respond-btn").click()
        expect(page.get_by_test_id("respond-status")).to_be_visible(timeout=30_000)
        page.get_by_test_id("return-save").click()
        expect(page.get_by_test_id("return-message")).to_contain_text(re.compile(r"Поиск «грузы из .+ после \d+"))
        page.get_by_test_id("return-all").click()
        expect(page).to_have_url(re.compile(r"/$"), timeout=30_000)
        expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=30_000)
        # The direction for the rates: from the unloading city (set by «Все») to where the best load goes.
        page.get_by_test_id("filters-toggle").click()
        page.get_by_label("Куда", exact=True).fill(scene.to_city[:4])
        page.get_by_test_id("to-suggestions").get_by_role("button", name=re.compile("^" + re.escape(scene.to_city))).first.click()
        page.get_by_role("button", name="Показать грузы").click()
        page.get_by_test_id("rates-link").click()
        expect(page.get_by_test_id("rates-title")).to_contain_text(f"{scene.city} → {scene.to_city}", timeout=30_000)
        expect(page.get_by_test_id("rates-summary")).to_contain_text("Медиана за 14 дней")
        expect(page.get_by_test_id("rates-week")).to_have_count(8)
    else:
        page.get_by_test_id("return-all").click()
        expect(page).to_have_url(re.compile(r"/$"), timeout=30_000)
        page.get_by_test_id("filters-toggle").click()
        page.get_by_label("Куда", exact=True).fill(scene.to_city[:4])
        page.get_by_test_id("to-suggestions").get_by_role("button", name=re.compile("^" + re.escape(scene.to_city))).first.click()
        page.get_by_role("button", name="Показать грузы").click()
        page.get_by_test_id("rates-link").click()
        expect(page.get_by_test_id("rates-week")).to_have_count(8, timeout=30_000)
    page.screenshot(path=TARGET / f"lane-rates-{scheme}.png")
    if scheme == "light":
        # Responded to above, the cargo's loads back are one tap away in «Мои отклики» (a new
        # tab: a fresh page state, as when the driver opens the app again).
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(launch_url(app_server.url, user=DRIVER, theme=theme, path="/responses"))
        expect(page.get_by_test_id("response-item")).to_have_count(1, timeout=30_000)
        page.get_by_test_id("response-returns").click()
        loads = page.get_by_test_id("return-load")
        expect(loads).to_have_count(len(scene.returns), timeout=30_000)
        assert [loads.nth(n).get_attribute("data-cargo-id") for n in range(len(scene.returns))] == scene.returns
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
