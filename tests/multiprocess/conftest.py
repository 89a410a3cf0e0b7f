"""Two app instances as production runs them, sharing one redis-server and one PostgreSQL
database, in front of the CargoTech sandbox and the fake Telegram Bot API."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator

import pytest
import redis

from sandbox.telegram.testing import FakeTelegramServer
from sandbox.testing import TEST_EPOCH, SandboxServer
from services.identity.telegram_auth import sign_init_data
from services.infra.settings import DEV_BOT_TOKEN
from tests.e2e.reflex_socket import ROOT_STATE, ReflexSocket
from tests.support.app_process import AppProcess
from tests.support.postgres_server import fresh_database
from tests.support.processes import ROOT

DISPATCHERS = -1000000000077
DISPATCHER = {"id": 900000077, "first_name": "Ирина", "last_name": "Диспетчер"}
SESSION = f"{ROOT_STATE}.cargo_webapp___state___session_state____session_state"
FEED = f"{ROOT_STATE}.cargo_webapp___state___feed_state____feed_state"
DETAIL = f"{ROOT_STATE}.cargo_webapp___state___detail_state____detail_state"
RESPONSES = f"{ROOT_STATE}.cargo_webapp___state___responses_state____responses_state"
LOGS = ROOT / "test-artifacts" / "multiprocess" / str(os.getpid())  # concurrent runs keep their own


@pytest.fixture(scope="session")
def mp_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(pinned_at=TEST_EPOCH) as server:
        yield server


@pytest.fixture(scope="session")
def mp_telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(dispatcher_chat=DISPATCHERS, dispatcher_user=DISPATCHER["id"]) as server:
        yield server


@dataclasses.dataclass
class Cluster:
    a: AppProcess
    b: AppProcess
    sandbox: SandboxServer
    telegram: FakeTelegramServer
    database_url: str
    redis_url: str


@pytest.fixture
def cluster(mp_sandbox, mp_telegram, redis_server, postgres_url, request) -> Iterator[Cluster]:  # noqa: F811 - fixtures are taken by name
    """A fresh database, an empty Redis, and instances A and B started one after the other."""
    mp_sandbox.reset()
    mp_sandbox.set_clock(0, frozen=True)  # the list must not shift between two instances' calls
    mp_telegram.reset()
    redis.Redis.from_url(redis_server.url).flushall()
    database_url = fresh_database(postgres_url, f"mp_{request.node.name[:40].lower()}")
    port_a = AppProcess("a", {}, LOGS).port
    env = {
        "APP_ENV": "dev",
        "CARGOTECH_BASE_URL": mp_sandbox.url,
        "CARGOTECH_LOGIN_INTERVAL_S": "0",  # only the cross-process single flight may stop a second login
        "TELEGRAM_API_BASE_URL": mp_telegram.url,
        "BOT_WEBHOOK_URL": f"http://127.0.0.1:{port_a}/telegram/webhook",
        "DISPATCHER_CHAT_ID": str(DISPATCHERS),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "GRANIAN_WORKERS": "1",
        **getattr(request, "param", {}),
    }
    a = AppProcess("a", env, LOGS, port=port_a)
    b = AppProcess("b", env, LOGS)
    for app in (a, b):
        app.log_path.unlink(missing_ok=True)
        app.start()
        ReflexSocket(app.url).close()  # the first websocket sets up the instance's socket.io side
    try:
        yield Cluster(a, b, mp_sandbox, mp_telegram, database_url, redis_server.url)
    finally:
        a.stop()
        b.stop()
        mp_sandbox.clear_faults()
        mp_telegram.clear_faults()
    for app in (a, b):
        assert "Traceback" not in app.log(), f"server error, see {app.log_path}"


class Driver:
    """One driver's tab, connected to one instance over Reflex's websocket protocol."""

    def __init__(self, app: AppProcess, driver_id: int, name: str = "Водитель") -> None:
        self.driver_id = driver_id
        self.socket = ReflexSocket(app.url)
        user = {"id": driver_id, "first_name": name, "last_name": str(driver_id), "language_code": "ru"}
        init_data = sign_init_data({"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE-mp"}, DEV_BOT_TOKEN)
        self.socket.send(f"{SESSION}.exchange", {"init_data": init_data})
        self.socket.wait_for(lambda d: d.get(SESSION, {}).get("signed_in_rx_state_") is True)
        self.feed_result()  # signing in on "/" loads the feed: let that finish first

    def send(self, state: str, handler: str, payload: dict | None = None, *, path: str = "/") -> None:
        self.socket.pathname = path
        self.socket.send(f"{state}.{handler}", payload)

    def feed_result(self, timeout: float = 60) -> dict:
        """The feed's vars as the last load left them (deltas carry only what changed, so they
        are merged from the start of the load to its end)."""
        seen: dict = {"cards_rx_state_": [], "error_rx_state_": ""}

        def finished(delta: dict) -> bool:
            seen.update(delta.get(FEED, {}))
            return delta.get(FEED, {}).get("loading_rx_state_") is False

        self.socket.wait_for(finished, timeout=timeout)
        return seen

    def close(self) -> None:
        self.socket.close()
