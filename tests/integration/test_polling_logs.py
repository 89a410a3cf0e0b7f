"""`python -m services.bot.polling` long-polls the fake Telegram and never logs the bot token
(the Bot API carries it in every request URL, which httpx logs at INFO)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import httpx

from sandbox.telegram.testing import FakeTelegramServer
from services.infra.log_redaction import REDACTED, redact_in_logs
from services.infra.settings import DEV_BOT_TOKEN
from tests.support.processes import ROOT


def test_polling_mode_polls_and_never_prints_the_token(tmp_path):
    with FakeTelegramServer() as telegram:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "APP_", "BOT_"))}
        env.update(
            APP_ENV="dev", TELEGRAM_API_BASE_URL=telegram.url, DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}", PYTHONUNBUFFERED="1"
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "services.bot.polling"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not telegram.calls("getUpdates") and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.2)
            assert telegram.calls("getUpdates"), "the bot never polled"
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
    assert DEV_BOT_TOKEN not in output
    assert DEV_BOT_TOKEN.split(":")[1] not in output


def test_a_request_line_logged_at_info_shows_the_token_redacted(caplog):
    """The safety net for whoever turns httpx's level back up."""
    token = "7000000001:AAH-token-that-must-not-appear-in-logs"
    redact_in_logs(token)
    caplog.set_level(logging.INFO, logger="httpx")
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    with httpx.Client(transport=transport, base_url="https://api.telegram.org") as client:
        client.post(f"/bot{token}/getUpdates")
    lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert lines and all(token not in line and f"/bot{REDACTED}/getUpdates" in line for line in lines)
