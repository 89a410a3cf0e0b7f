"""Browser tests: the real production build of the app (`reflex run --env prod --single-port`)
against a real CargoTech sandbox process, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from sandbox.telegram.testing import FakeTelegramServer
from sandbox.testing import TEST_EPOCH
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.processes import ROOT, free_port, running

ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules that move the shared sandbox's exchange (its clock, withdrawn cargos) run after all
    the others. They put the exchange back when done, but the app's shared cache may keep pages of
    the moved exchange for up to two freshness windows, and a later test that compares the screen
    with the sandbox would see those. The sort is stable: the order is otherwise unchanged."""
    items.sort(key=lambda item: item.get_closest_marker("moves_exchange") is not None)


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, ready_url=f"{url}/__control/stats", log_path=ARTIFACTS / "e2e-sandbox.log"):
        # Freeze the sandbox's clock so the list cannot shift between the app's fetch and ours.
        httpx.post(f"{url}/__control/clock", json={"at": TEST_EPOCH, "frozen": True}, timeout=10).raise_for_status()
        yield url


DISPATCHERS = -1000000000001
ADMIN_ID = 880000001  # not the dev sign-in's driver: the admin's saved filters must not reach other tests
DISPATCHER = {"id": 900000001, "first_name": "Анна", "last_name": "Диспетчер"}


@pytest.fixture(scope="session")
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(dispatcher_chat=DISPATCHERS, dispatcher_user=DISPATCHER["id"]) as server:
        yield server


@dataclasses.dataclass(frozen=True)
class AppServer:
    url: str
    db_path: Path


@pytest.fixture(scope="session")
def app_server(sandbox_url: str, telegram: FakeTelegramServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    port = free_port()
    db_path = tmp_path_factory.mktemp("db") / "app.db"
    env = {
        "APP_ENV": "dev",
        "CARGOTECH_BASE_URL": sandbox_url,
        "TELEGRAM_API_BASE_URL": telegram.url,
        "BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
        "DISPATCHER_CHAT_ID": str(DISPATCHERS),
        "ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
        "DATABASE_URL": f"sqlite:///{db_path}",
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
    # As the production image does it: build the frontend once, then serve that build and the
    # backend from one port (cargo_webapp/serve.py, the Dockerfile's command).
    log_path = ARTIFACTS / "e2e-app.log"
    build_log = ARTIFACTS / "e2e-build.log"
    build_log.parent.mkdir(parents=True, exist_ok=True)
    # Served over plain http on a free port here, so the bundle must name that port (behind
    # TLS the default needs nothing: the page's own host is used, see README "Deploy").
    build_env = {**os.environ, **env, "REFLEX_API_URL": f"http://localhost:{port}"}
    with open(build_log, "wb") as log:
        built = subprocess.run(
            [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"],
            cwd=ROOT,
            env=build_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=600,
        )
    assert built.returncode == 0, f"frontend build failed, see {build_log}"
    cmd = [sys.executable, "-m", "cargo_webapp.serve"]
    env |= {"HOST": "127.0.0.1", "PORT": str(port)}
    with running(cmd, ready_url=f"http://127.0.0.1:{port}/", env=env, log_path=log_path, timeout_s=120):
        yield AppServer(url=f"http://127.0.0.1:{port}", db_path=db_path)
    # A traceback anywhere in the server's output is a failure, even if the page looked fine.
    assert "Traceback" not in log_path.read_text(errors="replace"), f"server error, see {log_path}"


@pytest.fixture(scope="session")
def app_url(app_server: AppServer) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
