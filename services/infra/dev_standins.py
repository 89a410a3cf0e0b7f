"""Dev only: the local CargoTech sandbox and the fake Telegram Bot API come up with the app.

Plain `reflex run` on embedded defaults then shows real cargos and delivers responses to a
dispatcher chat, with no second terminal. Each stand-in is its own process:

- started once per dev session, by the first backend that finds its port silent, so the
  hot reload (which restarts the backend on every code edit) neither restarts it nor wipes
  the dispatcher chat;
- told the pid of the `reflex run` that owns the session (`rxconfig.py` records it in
  `DEV_SESSION_ENV`), and stops within a second after that process is gone;
- logging to `.data/`, a hidden folder the hot reload does not watch.

Nothing here runs in prod, or when the URLs point at other servers: the settings say which
stand-ins are embedded.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from services.infra.settings import DEV_DISPATCHER_CHAT_ID, DEV_SANDBOX_HOST, Settings

log = logging.getLogger(__name__)

DEV_SESSION_ENV = "CARGO_DEV_SESSION_PID"
# The fake Telegram's dispatcher chat page lets this user press the dispatcher's buttons.
DEV_DISPATCHER_USER = 900000001
LOG_DIR = Path(".data") / "logs"
START_TIMEOUT_S = 15.0


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=0.5)
    except httpx.HTTPError:
        return False
    return True


def _commands(settings: Settings) -> list[tuple[str, str, list[str]]]:
    """(name, probe URL, argv) of each embedded stand-in these settings use."""
    commands = []
    if settings.uses_embedded_sandbox:
        commands.append(
            (
                "sandbox",
                f"{settings.embedded_sandbox_url}/__control/stats",
                ["-m", "sandbox", "--port", str(settings.sandbox_port)],
            )
        )
    if settings.uses_embedded_telegram:
        commands.append(
            (
                "telegram",
                f"{settings.embedded_telegram_url}/__control/webhook",
                [
                    "-m",
                    "sandbox.telegram",
                    "--port",
                    str(settings.fake_telegram_port),
                    "--dispatcher-chat",
                    str(DEV_DISPATCHER_CHAT_ID),
                    "--dispatcher-user",
                    str(DEV_DISPATCHER_USER),
                ],
            )
        )
    return commands


def _spawn(name: str, argv: Sequence[str], owner_pid: int) -> subprocess.Popen[bytes]:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOG_DIR / f"{name}.log", "ab") as output:
        return subprocess.Popen(
            [sys.executable, *argv, "--host", DEV_SANDBOX_HOST, "--exit-with-pid", str(owner_pid)],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a reload's signal to the backend must not reach it
        )


def ensure_dev_standins(settings: Settings) -> list[str]:
    """Start the embedded stand-ins that do not answer yet; the names of those started.

    Blocking (a few hundred ms at most when they already run): call it from a thread.
    """
    owner = os.environ.get(DEV_SESSION_ENV, "")
    if settings.is_prod or not owner.isascii() or not owner.isdigit():
        return []
    started = []
    for name, probe, argv in _commands(settings):
        if _answers(probe):
            continue
        process = _spawn(name, argv, int(owner))
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(probe) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if _answers(probe):
            started.append(name)
            log.info("dev %s started on %s (log: %s)", name, probe.rsplit("/__", 1)[0], LOG_DIR / f"{name}.log")
        else:
            log.error("dev %s did not start; see %s", name, LOG_DIR / f"{name}.log")
    return started
