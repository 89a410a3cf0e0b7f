"""The production image's steps, proven on a machine with no Docker engine.

The Dockerfile's build steps are read from the Dockerfile itself (each is a step of
deploy/image-steps.sh) and run in that order in a clean copy of this checkout: a fresh venv
from requirements.txt, bun from the npm registry, the frontend exported once. Then the image's
command starts the app as an unprivileged user with the image's environment, APP_ENV=prod and a
complete set of production variables, against the CargoTech sandbox and the fake Telegram.
It must answer /health/live, serve a signed-in driver the feed in Chromium, and report ready.

As in production, drivers reach the app through TLS (a small proxy in the test, Caddy in the
compose file), and the stand-ins speak https with a certificate the app trusts through
SSL_CERT_FILE: prod settings refuse plain-http addresses and foreign websocket origins. One
difference on purpose: the frontend is built with the proxy's address (REFLEX_API_URL), where
the image served on its own host needs none.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect, sync_playwright

from sandbox.telegram.testing import FakeTelegramServer
from sandbox.testing import TEST_EPOCH, SandboxServer
from tests.e2e.telegram import launch_url, serve_telegram_script
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.checkout import copy_checkout
from tests.support.processes import ROOT, free_port, wait_for_http
from tests.support.tls import TlsProxy, self_signed

DOCKERFILE = (ROOT / "Dockerfile").read_text()
ARTIFACTS = ROOT / "test-artifacts"
APP_USER = "nobody"  # the image makes its own unprivileged user; any one proves the point here
DISPATCHERS, ADMINS = -1000000000777, -1000000000778  # not the dev chat: prod refuses that one
SYSTEM_PYTHON = "/usr/bin/python3.11"
BOT_TOKEN = "7000000001:" + "A" * 35  # shaped like Telegram's, known to nobody but this test


def _dockerfile_steps() -> list[str]:
    return re.findall(r"^RUN deploy/image-steps\.sh (\S+)$", DOCKERFILE, flags=re.MULTILINE)


def _dockerfile_runtime_env() -> dict[str, str]:
    final_stage = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", final_stage, flags=re.MULTILINE):
        env.update(pair.split("=", 1) for pair in line.split())
    return env


def _dockerfile_command() -> list[str]:
    [command] = re.findall(r"^CMD \[(.+)\]$", DOCKERFILE, flags=re.MULTILINE)
    return [part.strip().strip('"') for part in command.split(",")]


@pytest.fixture
def workdir() -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.fail("the image check switches to an unprivileged user: run it as root (CI does)")
    base = Path(tempfile.mkdtemp(prefix="image-check-", dir="/tmp"))
    base.chmod(0o755)  # the unprivileged user must reach the app folder inside
    (base / "app").mkdir()
    copy_checkout(base / "app", share=())
    yield base
    subprocess.run(["rm", "-rf", str(base)], check=False)


def _run_step(step: str, app: Path, env: dict[str, str], log_path: Path) -> None:
    with open(log_path, "ab") as log:
        log.write(f"\n=== deploy/image-steps.sh {step}\n".encode())
        log.flush()
        done = subprocess.run(
            ["deploy/image-steps.sh", step], cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=900
        )
    assert done.returncode == 0, f"image step {step!r} failed, see {log_path}"


@contextlib.contextmanager
def _started(command: list[str], app: Path, env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            ["runuser", "-u", APP_USER, "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()], *command],
            cwd=app,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _server_users(process: subprocess.Popen) -> set[str]:
    children = psutil.Process(process.pid).children(recursive=True)
    return {child.username() for child in children if "python" in child.name()}


@pytest.mark.timeout(1500)  # a fresh venv from PyPI and a frontend build: minutes, not seconds
def test_the_image_steps_build_and_start_a_working_app(workdir: Path):
    app, port, public_port = workdir / "app", free_port(), free_port()
    # Drivers reach the app through TLS, as behind the production proxy: prod accepts only its
    # own https origin for the websocket, and the frontend is built to call that origin.
    certificate, key = self_signed(workdir / "tls")
    # 127.0.0.1, not localhost: Reflex points a "localhost" backend at the page's host on port 443.
    public_url = f"https://127.0.0.1:{public_port}"
    log_path = ARTIFACTS / "image-check.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text("")
    steps = _dockerfile_steps()
    assert steps, "the Dockerfile names no deploy/image-steps.sh step"

    # The machine's environment (npm and pip need its certificate settings), but nothing of
    # this checkout's: no venv, no bun, no Reflex or app settings.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("REFLEX_", "VIRTUAL_ENV", "APP_", "CARGOTECH_", "TELEGRAM_", "DATABASE_"))
    }
    inherited["PATH"] = os.pathsep.join(part for part in os.environ["PATH"].split(os.pathsep) if not part.startswith(str(ROOT)))
    build_env = inherited | {
        "VENV": str(workdir / "venv"),
        "TOOLS": str(workdir / "tools"),
        "APP_USER": APP_USER,
        "REFLEX_API_URL": public_url,
        # The image's Python 3.11 is readable by its user; this machine's own interpreter may
        # sit in root's home, so the venv is made from Debian's 3.11, as public as the image's.
        "PYTHON": SYSTEM_PYTHON,
    }
    for step in steps:
        _run_step(step, app, build_env, log_path)
    assert (workdir / "venv/bin/python").exists() and (app / ".web").is_dir()
    assert not (app / ".web/node_modules").exists(), "the image must not carry the build's node_modules"

    # Prod refuses plain-http addresses: the stand-ins speak https with a certificate the app
    # is told to trust (SSL_CERT_FILE, which httpx honours), as a private CA would be.
    sandbox = SandboxServer(pinned_at=TEST_EPOCH, phone="+79990001122", password=secrets.token_urlsafe(16))
    telegram = FakeTelegramServer(dispatcher_chat=DISPATCHERS, dispatcher_user=900000001)
    sandbox.tls = telegram.tls = (certificate, key)
    with sandbox, telegram:
        assert sandbox.url.startswith("https://") and telegram.url.startswith("https://")
        run_env = _dockerfile_runtime_env() | {
            "SSL_CERT_FILE": certificate,
            "HOME": str(app),
            "VENV": str(workdir / "venv"),
            "PATH": "/usr/bin:/bin",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "CARGOTECH_BASE_URL": sandbox.url,
            "CARGOTECH_PHONE": sandbox.phone,
            "CARGOTECH_PASSWORD": sandbox.password,
            "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
            "TELEGRAM_API_BASE_URL": telegram.url,
            "TELEGRAM_WEBHOOK_SECRET": secrets.token_urlsafe(32),
            "BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "DISPATCHER_CHAT_ID": str(DISPATCHERS),
            "ADMIN_CHAT_ID": str(ADMINS),
            "PUBLIC_URL": public_url,
        }
        assert run_env["APP_ENV"] == "prod"
        with _started(_dockerfile_command(), app, run_env, log_path) as server:
            url = f"http://127.0.0.1:{port}"
            wait_for_http(f"{url}/health/live", timeout_s=120, process=server)
            assert httpx.get(f"{url}/health/live", timeout=10).status_code == 200
            assert _server_users(server) == {APP_USER}

            with TlsProxy(port, (certificate, key), public_port), sync_playwright() as playwright:
                # The proxy's certificate is self-signed: trusted for the page and its websocket.
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"]
                )
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True, ignore_https_errors=True
                )
                serve_telegram_script(context)
                page = context.new_page()
                console: list[str] = []
                page.on("console", lambda message: console.append(message.text))
                page.goto(launch_url(public_url, bot_token=BOT_TOKEN))
                try:
                    expect(page.get_by_test_id("cargo-card").first).to_be_visible(timeout=60_000)
                finally:
                    log_path.open("a").write("\n=== browser console\n" + "\n".join(console) + "\n")
                browser.close()

            deadline = time.monotonic() + 60
            while (ready := httpx.get(f"{url}/health/ready", timeout=10)).status_code != 200 and time.monotonic() < deadline:
                time.sleep(1)
            assert ready.status_code == 200, ready.text
    log = log_path.read_text(errors="replace")
    assert "Traceback" not in log, f"server error, see {log_path}"
    assert pwd.getpwnam(APP_USER).pw_uid != 0
