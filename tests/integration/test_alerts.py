"""New-cargo alerts end to end: the sandbox publishes cargos as its (controlled) clock moves, the
poller finds them through the shared cache, the outbox delivers them to the fake Telegram, and
the driver's «Отключить» comes back through the webhook.

The sandbox clock is frozen and stepped, so which cargos are new is decided by the test; the
cache window is one real second so a test can step through several windows quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re

import pytest
from sqlmodel import select

from sandbox.telegram.testing import FakeTelegramServer
from services.alerts.ledger import AlertDelivery
from services.alerts.quiet_hours import MSK
from services.alerts.saved_searches import alert_query
from services.dispatch.outbox import OutboxMessage
from services.feed.filters import validate_filters
from services.infra.db import run_db
from tests.integration.test_bot_loop import DISPATCHERS, WEBHOOK_SECRET, buttons_of, eventually, serving
from tests.support.postgres_server import fresh_database
from tests.support.processes import free_port

pytestmark = pytest.mark.both_spellings  # plain and drifted sandbox answers
WINDOW = 1.0
DRIVER = 700000901
SECOND_DRIVER = 700000902
STRANGER = 700000666
CARGO_LINK = re.compile(r"\?startapp=cargo_(\d+)$")


@pytest.fixture(scope="module")
def alerts_telegram_server():
    with FakeTelegramServer(dispatcher_chat=DISPATCHERS) as server:
        yield server


@pytest.fixture
def telegram(alerts_telegram_server: FakeTelegramServer) -> FakeTelegramServer:
    alerts_telegram_server.reset()
    return alerts_telegram_server


@pytest.fixture
async def start_app(make_runtime, telegram, sandbox):
    """A runtime with a one-second cache window; with bot=True its bot and webhook run too."""
    sandbox.set_clock(0, frozen=True)  # the cargo list holds still until a test moves it
    stack = contextlib.AsyncExitStack()

    async def start(*, bot: bool = True, **overrides):
        port = free_port()
        values = {
            "telegram_api_base_url": telegram.url,
            "telegram_webhook_secret": WEBHOOK_SECRET,
            "bot_webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
            "dispatcher_chat_id": DISPATCHERS,
            "outbox_max_backoff_s": 1.0,
            "outbox_max_attempts": 30,
            "list_cache_fresh_s": WINDOW,
        }
        runtime = make_runtime(**{**values, **overrides})
        if bot:
            await runtime.bot.start()
            await stack.enter_async_context(serving(runtime, port))
        return runtime

    yield start
    await stack.aclose()


def advance(sandbox, seconds: float) -> None:
    sandbox.set_clock(seconds, frozen=True)


async def next_window() -> None:
    await asyncio.sleep(WINDOW + 0.05)


async def page_ids(runtime, raw_filters: dict) -> list[str]:
    """The ids the poller saw last (from the shared cache: no upstream call within the window)."""
    served = await runtime.cargos.list_page(alert_query(validate_filters(raw_filters)))
    return [item.id for item in served.value.data]


def driver_messages(telegram: FakeTelegramServer, chat_id: int = DRIVER) -> list[dict]:
    return telegram.chat(chat_id)["messages"]


def linked_cargo(message: dict) -> str:
    [url] = [b["url"] for row in message["buttons"] for b in row if "url" in b]
    found = CARGO_LINK.search(url)
    assert found, url
    return found.group(1)


async def ledger(runtime) -> list[AlertDelivery]:
    return await run_db(runtime.searches._engine, lambda s: list(s.exec(select(AlertDelivery)).all()))


async def outbox_rows(runtime) -> list[OutboxMessage]:
    return await run_db(
        runtime.searches._engine, lambda s: list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "cargo_alert")).all())
    )


async def test_cargo_appearing_alerts_each_driver_once(start_app, sandbox, telegram):
    runtime = await start_app()
    search = await runtime.searches.create(DRIVER, "Все грузы", {}, alerts=True)

    baseline = await runtime.alerts.poll_once()
    assert (baseline.polled, baseline.new_cargos, baseline.messages) == (1, 0, 0)  # no flood at switch-on
    before = await page_ids(runtime, {})

    advance(sandbox, 40)  # about three cargos are published
    await next_window()
    found = await runtime.alerts.poll_once()
    after = await page_ids(runtime, {})
    expected = [cargo for cargo in after if cargo not in before]
    assert 1 <= len(expected) <= 5
    assert found.sent == found.messages == len(expected)

    messages = await eventually(lambda: len(driver_messages(telegram)) >= len(expected) and driver_messages(telegram))
    assert sorted(linked_cargo(m) for m in messages) == sorted(expected)
    for message in messages:
        assert "Новый груз по поиску «Все грузы»" in message["text"]
        assert "→" in message["text"] and "\xa0т" in message["text"] and "₽" in message["text"]
        assert buttons_of(message) == ["Открыть груз", "Отключить"]
        assert message["buttons"][1][0]["callback_data"] == f"alert_off:{search.id}"

    # Polling again (same window, next window) sends nothing more.
    await runtime.alerts.poll_once()
    await next_window()
    again = await runtime.alerts.poll_once()
    assert again.polled == 1 and again.messages == 0
    await asyncio.sleep(0.5)
    assert len(driver_messages(telegram)) == len(expected)
    assert len([c for c in telegram.calls("sendMessage") if c["ok"]]) == len(expected)


async def test_alerts_only_for_cargo_new_since_switch_on(start_app, sandbox):
    runtime = await start_app(bot=False)
    early = await runtime.searches.create(DRIVER, "Ранний", {}, alerts=True)
    await runtime.alerts.poll_once()
    advance(sandbox, 30)
    await next_window()
    first = await runtime.alerts.poll_once()
    assert first.sent >= 1
    # A second driver switches on now: what the query already found is not new for them.
    late = await runtime.searches.create(SECOND_DRIVER, "Поздний", {}, alerts=True)
    await next_window()
    assert (await runtime.alerts.poll_once()).sent == 0
    advance(sandbox, 60)
    await next_window()
    second = await runtime.alerts.poll_once()
    rows = await ledger(runtime)
    early_ids = {r.cargo_id for r in rows if r.search_id == early.id}
    late_ids = {r.cargo_id for r in rows if r.search_id == late.id}
    assert len(late_ids) == second.sent // 2 >= 1
    assert late_ids < early_ids and len(early_ids) == first.sent + len(late_ids)


async def test_digest_when_more_than_five_arrive_at_once(start_app, sandbox, telegram):
    runtime = await start_app()
    search = await runtime.searches.create(DRIVER, "Все грузы", {}, alerts=True)
    await runtime.alerts.poll_once()
    advance(sandbox, 110)  # about nine cargos
    await next_window()
    found = await runtime.alerts.poll_once()
    assert found.sent > 5 and found.messages == 1
    [digest] = await eventually(lambda: driver_messages(telegram))
    assert f"Новые грузы: {found.sent}" in digest["text"]
    assert digest["text"].count("•") == found.sent
    assert buttons_of(digest) == ["Открыть грузы", "Отключить"]
    assert digest["buttons"][1][0]["callback_data"] == f"alert_off:{search.id}"
    await asyncio.sleep(0.5)
    assert len(driver_messages(telegram)) == 1


# Quiet-hours tests run at a fixed time of day, whatever the time the suite runs: one a minute
# before midnight, so the driver's quiet hours wrap past it.
QUIET_CLOCK_AT = dt.datetime(2026, 12, 1, 23, 59, 30, tzinfo=MSK)
MORNING = dt.datetime(2026, 12, 1, 9, 0, tzinfo=MSK)


def _hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


async def test_quiet_hours_hold_alerts_then_one_digest(start_app, sandbox, telegram):
    runtime = await start_app()
    now = QUIET_CLOCK_AT
    runtime.alerts.now = lambda: now
    await runtime.searches.create(DRIVER, "Ночные", {}, alerts=True)
    await runtime.searches.set_quiet_hours(DRIVER, _hhmm(now - dt.timedelta(hours=1)), _hhmm(now + dt.timedelta(hours=1)))
    await runtime.alerts.poll_once()
    advance(sandbox, 40)
    await next_window()
    held = await runtime.alerts.poll_once()
    assert held.held >= 1 and held.sent == 0 and held.messages == 0
    advance(sandbox, 80)
    await next_window()
    more = await runtime.alerts.poll_once()
    assert more.held >= 1 and more.messages == 0
    await asyncio.sleep(1.5)
    assert driver_messages(telegram) == []  # nothing during quiet hours

    # Quiet hours end (the driver moves them; the clock reaching 07:00 works the same way).
    await runtime.searches.set_quiet_hours(DRIVER, _hhmm(now + dt.timedelta(hours=2)), _hhmm(now + dt.timedelta(hours=3)))
    released = await runtime.alerts.poll_once()
    total = held.held + more.held
    assert released.released == total and released.messages == 1
    [digest] = await eventually(lambda: driver_messages(telegram))
    assert "Пока были тихие часы" in digest["text"] and f": {total}" in digest["text"]
    assert digest["text"].count("•") == min(total, 15)
    await runtime.alerts.poll_once()
    await asyncio.sleep(0.5)
    assert len(driver_messages(telegram)) == 1
    assert {r.status for r in await ledger(runtime)} == {"sent"}


async def test_switching_off_during_quiet_hours_drops_what_was_held(start_app, sandbox):
    runtime = await start_app(bot=False)
    runtime.alerts.now = lambda: MORNING
    search = await runtime.searches.create(DRIVER, "Ночные", {}, alerts=True)
    await runtime.searches.set_quiet_hours(DRIVER, "00:00", "23:59")
    await runtime.alerts.poll_once()
    advance(sandbox, 40)
    await next_window()
    assert (await runtime.alerts.poll_once()).held >= 1
    await runtime.searches.set_alerts(DRIVER, search.id, False)
    await runtime.searches.set_quiet_hours(DRIVER, "", "")
    assert (await runtime.alerts.poll_once()).released == 0
    assert {r.status for r in await ledger(runtime)} == {"dropped"}
    assert await outbox_rows(runtime) == []


async def test_switch_off_button(start_app, sandbox, telegram):
    runtime = await start_app()
    search = await runtime.searches.create(DRIVER, "Казань и всё", {}, alerts=True)
    await runtime.alerts.poll_once()
    advance(sandbox, 30)  # publications are at most 24 s apart: at least one, at most three
    await next_window()
    assert (await runtime.alerts.poll_once()).sent >= 1
    message = (await eventually(lambda: driver_messages(telegram)))[0]
    data = message["buttons"][1][0]["callback_data"]

    # Someone else's press (a forwarded message) changes nothing.
    stranger = await asyncio.to_thread(telegram.press_button, DRIVER, message["message_id"], data, from_user=STRANGER)
    assert stranger["status"] == 200
    assert (await runtime.searches.get(DRIVER, search.id)).alerts_on

    report = await asyncio.to_thread(telegram.press_button, DRIVER, message["message_id"], data, from_user=DRIVER)
    assert report["status"] == 200
    answers = [c["params"].get("text", "") for c in telegram.calls("answerCallbackQuery") if c["ok"]]
    assert answers[-1] == ("Уведомления по поиску «Казань и всё» отключены. Включить снова — в приложении, «Мои поиски».")
    assert not (await runtime.searches.get(DRIVER, search.id)).alerts_on
    edited = driver_messages(telegram)[0]
    assert buttons_of(edited) == ["Открыть груз", "🔕 Уведомления отключены"]
    sent_before = len(driver_messages(telegram))

    advance(sandbox, 60)
    await next_window()
    after = await runtime.alerts.poll_once()
    assert after.polled == 0 and after.messages == 0  # no search with alerts on: nothing to poll
    await asyncio.sleep(0.5)
    assert len(driver_messages(telegram)) == sent_before


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_two_workers_without_shared_locks_still_alert_once(start_app, sandbox, request, database):
    """No Redis: each "worker" has its own locks and cache, so both poll and both find the same
    cargos. The database's unique (driver, cargo) still lets only one message through."""
    overrides = {}
    if database == "postgresql":
        # One database per sandbox spelling: the app keeps one engine per database URL.
        spelling = request.node.callspec.params.get("sandbox", "plain")
        overrides["database_url"] = fresh_database(request.getfixturevalue("postgres_url"), f"alerts_race_{spelling}")
    first = await start_app(bot=False, **overrides)
    second = await start_app(bot=False, **overrides)
    for n in range(3):
        await first.searches.create(DRIVER + n, "Все", {}, alerts=True)
    await asyncio.gather(first.alerts.poll_once(), second.alerts.poll_once())
    advance(sandbox, 50)
    await next_window()
    reports = await asyncio.gather(first.alerts.poll_once(), second.alerts.poll_once())
    assert [r.polled for r in reports] == [1, 1]
    rows = await ledger(first)
    per_driver = len(rows) // 3
    assert per_driver >= 1 and len(rows) == 3 * per_driver
    assert sum(r.sent for r in reports) == len(rows)
    assert len(await outbox_rows(first)) == len(rows)
    cargo_ids = [json.loads(m.payload)["buttons"][0][0]["url"].rsplit("_", 1)[1] for m in await outbox_rows(first)]
    assert len(set(zip([m.chat_id for m in await outbox_rows(first)], cargo_ids, strict=True))) == len(rows)


async def test_two_workers_on_redis_poll_each_query_once_per_window(start_app, sandbox, telegram, redis_server, redis_client):
    """200 drivers, 30 distinct searches, two workers sharing one Redis: one upstream list call
    per query per window, and exactly one alert per driver per cargo."""
    # A window long enough that polling 30 queries on a busy 2-core CI box fits inside it:
    # "once per window" must not depend on how fast this machine is.
    window = 4.0
    workers = [await start_app(bot=False, redis_url=redis_server.url, list_cache_fresh_s=window) for _ in range(2)]
    filters = [{"price_min": str(1000 * (n + 1))} for n in range(30)]
    for driver in range(200):
        await workers[0].searches.create(DRIVER + driver, "Поиск", filters[driver % 30], alerts=True)
    # The feed already holds one of these queries: the poller shares its cache entry.
    await page_ids(workers[1], filters[0])

    def list_calls() -> int:
        return sandbox.stats()["list"]

    start = list_calls()
    reports = await asyncio.gather(*(w.alerts.poll_once() for w in workers))
    assert list_calls() - start == 29  # the feed's entry was fresh: 29 calls, not 30
    assert sum(r.polled for r in reports) == 30
    await asyncio.gather(*(w.alerts.poll_once() for w in workers))
    assert list_calls() - start == 29  # same window: nothing more

    advance(sandbox, 40)
    await asyncio.sleep(window + 0.05)
    start = list_calls()
    reports = await asyncio.gather(*(w.alerts.poll_once() for w in workers))
    assert list_calls() - start == 30
    assert sum(r.polled for r in reports) == 30
    rows = await ledger(workers[0])
    assert sum(r.sent for r in reports) == len(rows) >= 200  # every driver got at least one
    assert len({(r.driver_id, r.cargo_id) for r in rows}) == len(rows)
    assert len(await outbox_rows(workers[0])) == len(rows)

    # Again, concurrently, in the next window: nothing new, one call per query.
    await asyncio.sleep(window + 0.05)
    start = list_calls()
    reports = await asyncio.gather(*(w.alerts.poll_once() for w in workers))
    assert list_calls() - start == 30 and sum(r.sent for r in reports) == 0
    assert sandbox.stats()["rate_limited"] == 0
