"""The README's `make run`, as a developer runs it: dev mode with hot reload, on embedded
defaults, in a copy of this checkout, opened in Chromium the way Telegram opens it.

A driver browses feed → detail → respond → «Мои отклики», the tab idles for a minute, then a
page file is edited and the open tab shows the change. The backend must have started once,
and once more for the edit: a runtime file in a watched folder restarts it in a loop, which
only shows over time and only in dev mode (the browser suite runs the production build).

Backend starts are counted where they are visible from outside: each start registers the
bot's webhook with the fake Telegram, which `make run` brings up itself and keeps across
reloads.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.telegram import launch_url, serve_telegram_script
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.checkout import copy_checkout
from tests.support.processes import ROOT, free_port, wait_for_http

ARTIFACTS = ROOT / "test-artifacts"
IDLE_S = 60
PAGE_FILE = Path("cargo_webapp/pages/responses.py")
HEADING, EDITED_HEADING = '"Мои отклики"', '"Мои отклики — правка"'
CARD = "cargo-card"


class DevServer:
    def __init__(self, checkout: Path) -> None:
        self.checkout = checkout
        self.frontend_port, self.backend_port = free_port(), free_port()
        self.sandbox_port, self.telegram_port = free_port(), free_port()
        self.url = f"http://localhost:{self.frontend_port}"
        self.telegram_url = f"http://127.0.0.1:{self.telegram_port}"
        self.log_path = ARTIFACTS / "devmode-make-run.log"

    def env(self) -> dict[str, str]:
        # Only the ports differ from a developer's `make run`, so a running one does not clash.
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("REFLEX_", "CARGO", "TELEGRAM_", "DATABASE_", "REDIS_", "APP_ENV"))
        }
        return env | {
            "REFLEX_FRONTEND_PORT": str(self.frontend_port),
            "REFLEX_BACKEND_PORT": str(self.backend_port),
            "SANDBOX_PORT": str(self.sandbox_port),
            "FAKE_TELEGRAM_PORT": str(self.telegram_port),
            "PUBLIC_URL": self.url,
            "BOT_WEBHOOK_URL": f"http://127.0.0.1:{self.backend_port}/telegram/webhook",
        }

    @contextlib.contextmanager
    def running(self) -> Iterator[subprocess.Popen]:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            process = subprocess.Popen(
                ["make", "run"],
                cwd=self.checkout,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                wait_for_http(f"http://127.0.0.1:{self.backend_port}/ping", timeout_s=300, process=process)
                wait_for_http(self.url, timeout_s=120, process=process)
                yield process
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a developer stops it
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)

    def backend_starts(self) -> int:
        calls = httpx.get(f"{self.telegram_url}/__control/calls", params={"method": "setWebhook"}, timeout=5)
        calls.raise_for_status()
        return len(calls.json())

    def wait_for_backend_starts(self, expected: int, timeout_s: float) -> int:
        deadline = time.monotonic() + timeout_s
        while (starts := self.backend_starts()) < expected and time.monotonic() < deadline:
            time.sleep(0.5)
        return starts

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return True


@pytest.fixture
def dev_server(tmp_path: Path) -> DevServer:
    copy_checkout(tmp_path)
    return DevServer(tmp_path)


def _browse(page: Page, server: DevServer) -> None:
    page.goto(launch_url(server.url))
    expect(page.get_by_test_id(CARD).first).to_be_visible(timeout=120_000)
    cargo_id = page.get_by_test_id(CARD).first.get_attribute("data-cargo-id")
    page.get_by_test_id(CARD).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("→", timeout=60_000)
    assert page.url.endswith(f"/cargo/{cargo_id}")
    page.get_by_label("Телефон для связи").fill("8 916 123-45-67")
    page.wait_for_timeout(400)  # the phone field is debounced
    page.locator("#respond-btn").click()
    expect(page.get_by_test_id("respond-status")).to_contain_text(re.compile("Отправляется|Отправлен"), timeout=30_000)
    page.evaluate("window.Telegram.WebView.receiveEvent('back_button_pressed')")  # Telegram's BackButton
    expect(page.get_by_test_id(CARD).first).to_be_visible()
    page.get_by_role("link", name="Мои отклики").click()
    expect(page.get_by_test_id("response-item")).to_have_count(1, timeout=60_000)


@pytest.mark.timeout(900)  # a first dev build, a minute of idling and a rebuild
def test_make_run_serves_a_driver_and_reloads_only_for_an_edit(dev_server: DevServer):
    page_file = dev_server.checkout / PAGE_FILE
    assert HEADING in page_file.read_text(), f"the test edits {HEADING} in {PAGE_FILE}"
    with dev_server.running(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True, has_touch=True)
        serve_telegram_script(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        _browse(page, dev_server)
        assert dev_server.wait_for_backend_starts(1, timeout_s=30) == 1

        # A minute of nothing: a reload loop shows up here as more backend starts.
        page.wait_for_timeout(IDLE_S * 1000)
        assert dev_server.backend_starts() == 1, "the backend restarted with no file edited"
        expect(page.get_by_test_id("response-item")).to_have_count(1)

        # The edit → see loop: the open tab shows the change without a reload by the driver.
        page_file.write_text(page_file.read_text().replace(HEADING, EDITED_HEADING, 1))
        expect(page.get_by_role("heading", level=1)).to_have_text(EDITED_HEADING.strip('"'), timeout=120_000)
        assert dev_server.wait_for_backend_starts(2, timeout_s=60) == 2
        page.wait_for_timeout(5_000)
        assert dev_server.backend_starts() == 2, "one edit restarted the backend more than once"
        expect(page.get_by_test_id("response-item")).to_have_count(1)
        assert not errors, f"JavaScript errors on the page: {errors}"
        browser.close()

    # Ctrl-C stops the stand-ins the app started, too.
    deadline = time.monotonic() + 10
    while _answers(f"{dev_server.telegram_url}/__control/webhook") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _answers(f"{dev_server.telegram_url}/__control/webhook"), "the fake Telegram outlived make run"
    assert "Traceback" not in dev_server.log(), f"server error, see {dev_server.log_path}"
