"""Fake Telegram contract tests: real HTTP over loopback against one FakeTelegramServer per
session, reset before every test, with the real python-telegram-bot as the client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from sandbox.background import BackgroundServer, quiet_server
from sandbox.telegram.testing import FakeTelegramServer
from tests.sandbox_telegram.support import DISPATCHER, DISPATCHER_CHAT, WebhookReceiver, make_bot


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeTelegramServer]:
    # A short long-poll cap keeps the getUpdates tests quick.
    with FakeTelegramServer(
        dispatcher_chat=DISPATCHER_CHAT, dispatcher_user=DISPATCHER, long_poll_cap_s=1.0, webhook_timeout_s=3.0
    ) as server:
        yield server


@pytest.fixture
def fake(fake_server: FakeTelegramServer) -> FakeTelegramServer:
    fake_server.reset()
    return fake_server


@pytest.fixture
async def bot(fake: FakeTelegramServer) -> AsyncIterator[Bot]:
    async with make_bot(fake.base_url) as client:  # initialize() calls getMe
        yield client


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[tuple[WebhookReceiver, str]]:
    receiver = WebhookReceiver()
    server = BackgroundServer(quiet_server(receiver.app), "webhook receiver")
    url = server.start()
    yield receiver, f"{url}/telegram/webhook"
    server.stop()


@pytest.fixture
def receiver(receiver_server: tuple[WebhookReceiver, str]) -> WebhookReceiver:
    receiver_server[0].clear()
    return receiver_server[0]


@pytest.fixture
def webhook_url(receiver_server: tuple[WebhookReceiver, str]) -> str:
    return receiver_server[1]
