"""Driver sessions in memory and in a real Redis, the initData exchange, and the failure alert."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import replace

import pytest

from services.identity.auth_failures import AuthFailureMonitor
from services.identity.sessions import SessionData, SessionStore, exchange_init_data
from services.identity.telegram_auth import InitDataError, TelegramUser, sign_init_data
from services.infra.notifier import Level
from services.primitives.redis_conn import make_redis_client
from tests.support.fakes import ManualClock
from tests.support.redis_server import RedisServer

TOKEN = "123456:session-test-token"
T0 = 1_750_000_000.0


class RecordingNotifier:
    """Stands in for the admin chat: keeps the alerts it was asked to send."""

    def __init__(self) -> None:
        self.alerts: list[tuple[Level, str, str]] = []

    async def alert(self, level: Level, key: str, text: str) -> None:
        self.alerts.append((level, key, text))


class BrokenNotifier:
    async def alert(self, level: Level, key: str, text: str) -> None:
        raise ConnectionError("admin chat unreachable")


IVAN = TelegramUser(
    id=7001,
    first_name="Иван",
    last_name=None,
    username="ivan_truck",
    language_code="ru",
    photo_url=None,
    is_premium=False,
    allows_write_to_pm=True,
    auth_date=int(T0),
    start_param=None,
    query_id=None,
)


def driver(driver_id: int = 7001, **overrides: object) -> TelegramUser:
    return replace(IVAN, id=driver_id, **overrides)  # type: ignore[arg-type]  # any field, for the test


def init_data_for(driver_id: int, auth_date: float = T0) -> str:
    user = json.dumps({"id": driver_id, "first_name": "Иван", "last_name": "Петров"}, ensure_ascii=False)
    return sign_init_data({"auth_date": str(int(auth_date)), "user": user}, TOKEN)


@pytest.fixture(params=["memory", "redis"])
async def store_factory(request):
    """Builds SessionStores on the parametrised backend; Redis ones share one real server."""
    if request.param == "memory":
        yield lambda **kwargs: SessionStore(**kwargs)
        return
    client = make_redis_client(request.getfixturevalue("redis_server").url)
    await client.flushdb()
    yield lambda **kwargs: SessionStore(client, **kwargs)
    await client.aclose()


# --- the session lifecycle, on both backends ---


async def test_create_and_get(store_factory):
    clock = ManualClock(T0)
    store = store_factory(clock=clock)
    session_id = await store.create(driver(last_name="Петров"))
    assert len(session_id) >= 43  # 32 random bytes, url-safe base64
    clock.advance(5)
    assert await store.get(session_id) == SessionData(7001, "Иван", "Петров", "ivan_truck", T0, T0 + 5)
    assert await store.get("not-a-session") is None
    assert await store.get("") is None


async def test_one_session_per_driver(store_factory):
    store = store_factory()
    first = await store.create(driver())
    other_driver = await store.create(driver(8002))
    second = await store.create(driver())
    assert first != second
    assert await store.get(first) is None
    assert (await store.get(second)).driver_id == 7001
    assert (await store.get(other_driver)).driver_id == 8002


async def test_revoke_and_revoke_driver(store_factory):
    store = store_factory()
    one, two = await store.create(driver()), await store.create(driver(8002))
    await store.revoke(one)
    assert await store.get(one) is None
    assert await store.get(two) is not None
    await store.revoke_driver(8002)
    assert await store.get(two) is None
    await store.revoke("unknown")
    await store.revoke_driver(404)
    # The driver can sign in again after a logout.
    assert await store.get(await store.create(driver())) is not None


async def test_memory_sessions_expire_unless_used():
    clock = ManualClock(T0)
    store = SessionStore(ttl_s=100, clock=clock)
    used, idle = await store.create(driver()), await store.create(driver(8002))
    for _ in range(3):  # 180 s in all, but never 100 s without a request
        clock.advance(60)
        assert await store.get(used) is not None
    assert await store.get(idle) is None
    clock.advance(100)
    assert await store.get(used) is None


async def test_redis_sessions_expire_and_slide(redis_client):
    store = SessionStore(redis_client, ttl_s=0.3)
    idle = await store.create(driver(8002))
    await asyncio.sleep(0.4)
    assert await store.get(idle) is None
    assert await redis_client.keys("*") == []  # the driver index expired with its session

    store = SessionStore(redis_client, ttl_s=60)
    session_id = await store.create(driver())
    keys = sorted(await redis_client.keys("*"))
    for key in keys:  # as if 59.9 s had passed
        await redis_client.pexpire(key, 100)
    assert await store.get(session_id) is not None
    for key in keys:
        assert 59_000 < await redis_client.pttl(key) <= 60_000


async def test_redis_holds_only_a_hash_of_the_session_id(redis_client):
    store = SessionStore(redis_client)
    session_id = await store.create(driver())
    await store.create(driver(8002))
    dump = []
    async for key in redis_client.scan_iter("*"):
        dump.append(key)
        if await redis_client.type(key) == b"hash":
            dump += [item for pair in (await redis_client.hgetall(key)).items() for item in pair]
        else:
            dump.append(await redis_client.get(key))
    blob = b"\n".join(dump)
    assert session_id.encode() not in blob
    assert hashlib.sha256(session_id.encode()).hexdigest().encode() in blob


async def test_redis_down_falls_back_to_memory_with_one_warning(caplog):
    caplog.set_level(logging.WARNING, logger="services.identity.sessions")
    with RedisServer() as server:
        client = make_redis_client(server.url, timeout_s=0.5)
        store = SessionStore(client)
        before = await store.create(driver(8002))

        server.stop()
        during = await store.create(driver())
        assert (await store.get(during)).driver_id == 7001
        assert await store.get(before) is None  # it lives in Redis, out of reach
        for _ in range(3):
            await store.get(during)
        warnings = [r for r in caplog.records if r.name == "services.identity.sessions"]
        assert len(warnings) == 1 and "driver sessions" in warnings[0].getMessage()

        server.start()  # empty, on the same port
        await asyncio.sleep(1.1)  # RedisHealth retries Redis one second after a failure
        assert (await store.get(during)).driver_id == 7001  # kept by the process that issued it
        after = await store.create(driver())
        assert await store.get(during) is None  # still one session per driver
        assert (await store.get(after)).driver_id == 7001
        assert len(await client.keys("*")) == 2  # the new session and its driver index, in Redis
        await client.aclose()


# --- exchanging initData ---


async def test_exchange_opens_a_session_and_a_replay_only_replaces_it():
    store = SessionStore()
    init_data = init_data_for(7001)
    session_id, user = await exchange_init_data(store, init_data, TOKEN, now=T0 + 10)
    assert (user.id, user.last_name) == (7001, "Петров")
    assert (await store.get(session_id)).driver_id == 7001

    replayed_id, replayed_user = await exchange_init_data(store, init_data, TOKEN, now=T0 + 20)
    assert replayed_user == user and replayed_id != session_id
    assert await store.get(session_id) is None
    assert (await store.get(replayed_id)).driver_id == 7001


async def test_max_age_applies_to_the_exchange_not_to_the_session():
    clock = ManualClock(T0)
    store = SessionStore(clock=clock)
    init_data = init_data_for(7001, auth_date=T0)
    session_id, _ = await exchange_init_data(store, init_data, TOKEN, now=T0 + 60)
    clock.advance(3600)
    assert await store.get(session_id) is not None
    with pytest.raises(InitDataError) as info:
        await exchange_init_data(store, init_data, TOKEN, now=T0 + 3600)
    assert info.value.reason == "expired"


async def test_failed_exchanges_are_counted_and_alerted_once():
    notifier = RecordingNotifier()
    monitor = AuthFailureMonitor(notifier, clock=ManualClock(T0))
    store = SessionStore()
    forged = init_data_for(7001).replace("7001", "7002")
    for _ in range(15):
        with pytest.raises(InitDataError):
            await exchange_init_data(store, forged, TOKEN, monitor=monitor, now=T0)
    assert len(notifier.alerts) == 1
    level, key, text = notifier.alerts[0]
    assert (level, key) == ("warning", "initdata_failures")
    assert "bad_hash" in text and "неудачных" in text
    assert await store.get("anything") is None


# --- the failure monitor ---


async def test_monitor_alerts_on_the_eleventh_failure_in_a_minute_once_per_window():
    notifier, clock = RecordingNotifier(), ManualClock(T0)
    monitor = AuthFailureMonitor(notifier, clock=clock)
    for _ in range(10):
        await monitor.record("bad_hash")
        clock.advance(1)
    assert notifier.alerts == []
    await monitor.record("expired")
    assert len(notifier.alerts) == 1 and "expired" in notifier.alerts[0][2]
    for _ in range(20):
        await monitor.record("bad_hash")
        clock.advance(1)
    assert len(notifier.alerts) == 1  # still within a minute of the alert (sent at +10 s, now +30 s)
    clock.advance(39)
    await monitor.record("bad_hash")
    assert len(notifier.alerts) == 1  # +69 s: 11 failures since +9 s, but the quiet minute runs to +70 s
    clock.advance(1)
    await monitor.record("bad_hash")
    assert len(notifier.alerts) == 2


async def test_monitor_counts_a_sliding_window():
    notifier, clock = RecordingNotifier(), ManualClock(T0)
    monitor = AuthFailureMonitor(notifier, clock=clock)
    for _ in range(30):  # one every 6 s: never more than 10 in any minute
        await monitor.record("bad_hash")
        clock.advance(6)
    assert notifier.alerts == []


async def test_monitor_shares_the_count_through_redis(redis_client):
    notifier, clock = RecordingNotifier(), ManualClock(T0)
    workers = [AuthFailureMonitor(notifier, redis_client=redis_client, clock=clock) for _ in range(2)]
    for _ in range(6):
        for worker in workers:
            await worker.record("bad_hash")
    assert len(notifier.alerts) == 1  # 12 failures in all, 6 per worker: only the shared count exceeds 10
    clock.advance(61)
    await workers[0].record("bad_hash")
    assert await redis_client.zcard("ct:authfail:events") == 1


async def test_monitor_survives_a_broken_notifier(caplog):
    monitor = AuthFailureMonitor(BrokenNotifier(), threshold=0, clock=ManualClock(T0))
    await monitor.record("bad_hash")
    assert "could not send" in caplog.text
