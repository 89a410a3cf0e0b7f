"""The bot loop against the fake Telegram Bot API over HTTP: a response reaches the dispatcher
chat once, a decision comes back to the driver, outages and restarts lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
import uvicorn
from starlette.applications import Starlette

from sandbox.telegram.testing import FakeTelegramServer
from services.bot.outbox_worker import OutboxWorker
from services.bot.webhook import webhook_route
from services.dispatch.outbox import Outbox, Outgoing
from services.infra.runtime import Runtime
from services.infra.tables import engine_for
from services.vocabulary import ResponseStatus
from tests.support.processes import free_port

DISPATCHERS = -1000000000001
DISPATCHER = {"id": 900000001, "first_name": "Анна", "last_name": "Диспетчер", "username": "anna_disp"}
STRANGER = {"id": 900000666, "first_name": "Чужой"}
DRIVER = 700000777
WEBHOOK_SECRET = "test-webhook-secret"


@pytest.fixture(scope="session")
def telegram_server() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(dispatcher_chat=DISPATCHERS, dispatcher_user=DISPATCHER["id"]) as server:
        yield server


@pytest.fixture
def telegram(telegram_server: FakeTelegramServer) -> FakeTelegramServer:
    telegram_server.reset()
    telegram_server.set_members(DISPATCHERS, [DISPATCHER["id"]])
    return telegram_server


@contextlib.asynccontextmanager
async def serving(runtime: Runtime, port: int) -> AsyncIterator[None]:
    """Our webhook on a real loopback port, in this test's event loop (where the runtime lives)."""
    app = Starlette(routes=[webhook_route(WEBHOOK_SECRET, lambda: runtime.bot)])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def start_bot(make_runtime, telegram: FakeTelegramServer):
    """Build a runtime wired to the fake Telegram, start its bot and serve its webhook."""
    stack = contextlib.AsyncExitStack()

    async def start(**overrides) -> Runtime:
        port = free_port()  # each "process" has its own address; starting registers it as the webhook
        values = {
            "telegram_api_base_url": telegram.url,
            "telegram_webhook_secret": WEBHOOK_SECRET,
            "bot_webhook_url": f"http://127.0.0.1:{port}/telegram/webhook",
            "dispatcher_chat_id": DISPATCHERS,
            "outbox_max_backoff_s": 1.0,
            "outbox_max_attempts": 30,
        }
        runtime = make_runtime(**{**values, **overrides})
        await runtime.bot.start()
        await stack.enter_async_context(serving(runtime, port))
        return runtime

    yield start
    await stack.aclose()


async def respond(runtime: Runtime, cargo_id: str = "2648937001", driver_id: int = DRIVER):
    view, _ = await runtime.responses.respond(
        driver_id=driver_id,
        cargo_id=cargo_id,
        phone="8 916 123-45-67",
        driver_name="Пётр Водитель",
        username="petr_driver",
        route="Москва → Казань",
        price="85 000 ₽",
    )
    return view


def sent_messages(telegram: FakeTelegramServer, chat_id: int) -> list[dict]:
    return telegram.chat(chat_id)["messages"]


async def eventually(check, timeout_s: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


def buttons_of(message: dict) -> list[str]:
    return [button["text"] for row in message.get("buttons") or [] for button in row]


async def test_response_to_dispatcher_and_decision_back_to_driver(start_bot, telegram):
    runtime = await start_bot()
    seen: list[tuple[int, str, str]] = []

    async def listener(driver_id: int, cargo_id: str, status: str) -> None:
        seen.append((driver_id, cargo_id, status))

    runtime.responses.listeners.append(listener)
    await respond(runtime)

    # 1–2. The dispatcher message goes out with the driver's details and buttons.
    messages = await eventually(lambda: sent_messages(telegram, DISPATCHERS))
    message = messages[0]
    assert "Пётр Водитель" in message["text"] and "+79161234567" in message["text"]
    assert "Москва → Казань" in message["text"]
    assert buttons_of(message) == ["Принять", "Отклонить"]
    await eventually(lambda: seen == [(DRIVER, "2648937001", ResponseStatus.SENT)])

    # 3. A dispatcher accepts.
    data = message["buttons"][0][0]["callback_data"]
    report = await asyncio.to_thread(telegram.press_button, DISPATCHERS, message["message_id"], data, from_user=DISPATCHER)
    assert report["status"] == 200
    edited = sent_messages(telegram, DISPATCHERS)[0]
    assert "✅ Принят — Анна Диспетчер" in edited["text"]
    assert buttons_of(edited) == ["Выполнено"]

    # 4. The driver is told, through the outbox.
    to_driver = await eventually(lambda: sent_messages(telegram, DRIVER))
    assert "принял" in to_driver[0]["text"]
    assert seen[-1] == (DRIVER, "2648937001", ResponseStatus.ACCEPTED)

    # Pressing a stale button changes nothing; «Выполнено» completes.
    again = await asyncio.to_thread(
        telegram.press_button, DISPATCHERS, message["message_id"], data, from_user=DISPATCHER, require_button=False
    )
    assert again["status"] == 200
    done = sent_messages(telegram, DISPATCHERS)[0]["buttons"][0][0]["callback_data"]
    await asyncio.to_thread(telegram.press_button, DISPATCHERS, message["message_id"], done, from_user=DISPATCHER)
    assert seen[-1][2] == ResponseStatus.COMPLETED
    assert [r.status for r in await runtime.responses.list_for(DRIVER)] == ["completed"]


async def test_only_dispatchers_decide(start_bot, telegram):
    runtime = await start_bot()
    await respond(runtime)
    message = (await eventually(lambda: sent_messages(telegram, DISPATCHERS)))[0]
    data = message["buttons"][0][0]["callback_data"]
    report = await asyncio.to_thread(telegram.press_button, DISPATCHERS, message["message_id"], data, from_user=STRANGER)
    assert report["status"] == 200
    answers = [c for c in telegram.calls("answerCallbackQuery") if c["ok"]]
    assert "Только диспетчеры" in answers[-1]["params"]["text"]
    assert [r.status for r in await runtime.responses.list_for(DRIVER)] == ["sent"]
    assert "Принят" not in sent_messages(telegram, DISPATCHERS)[0]["text"]


async def test_forged_webhook_is_refused_and_changes_nothing(start_bot, telegram):
    runtime = await start_bot()
    await respond(runtime)
    message = (await eventually(lambda: sent_messages(telegram, DISPATCHERS)))[0]
    forged = {
        "callback_query": {
            "id": "1",
            "chat_instance": "1",
            "data": message["buttons"][0][0]["callback_data"],
            "from": {**DISPATCHER, "is_bot": False},
        }
    }
    for secret in (None, "guessed-secret"):
        report = await asyncio.to_thread(telegram.post_update, forged, secret=secret)
        assert report["status"] == 401
    assert [r.status for r in await runtime.responses.list_for(DRIVER)] == ["sent"]


async def test_double_tap_and_twenty_concurrent_responds_make_one_message(start_bot, telegram):
    runtime = await start_bot()
    await asyncio.gather(*(respond(runtime) for _ in range(20)))
    await eventually(lambda: sent_messages(telegram, DISPATCHERS))
    await asyncio.sleep(1.0)  # anything extra would have gone out by now
    assert len(sent_messages(telegram, DISPATCHERS)) == 1
    assert len([c for c in telegram.calls("sendMessage") if c["ok"]]) == 1


async def test_bot_api_down_for_a_minute_then_delivered_once_in_order(start_bot, telegram):
    runtime = await start_bot(outbox_max_backoff_s=5.0)
    telegram.fault(status=502, duration_s=60, method="sendMessage")
    for n in range(3):
        await respond(runtime, cargo_id=f"264893710{n}")
    await asyncio.sleep(5)
    assert sent_messages(telegram, DISPATCHERS) == []
    assert {r.status for r in await runtime.responses.list_for(DRIVER)} == {ResponseStatus.QUEUED}
    messages = await eventually(
        lambda: len(sent_messages(telegram, DISPATCHERS)) == 3 and sent_messages(telegram, DISPATCHERS), timeout_s=75
    )
    assert [m["text"].count("№26489371") for m in messages] == [1, 1, 1]
    assert ["2648937100" in messages[0]["text"], "2648937101" in messages[1]["text"], "2648937102" in messages[2]["text"]] == [
        True,
        True,
        True,
    ]
    assert len([c for c in telegram.calls("sendMessage") if c["ok"]]) == 3
    assert [c for c in telegram.calls("sendMessage") if c["faulted"]]


async def test_restart_during_the_outage_delivers_after_the_restart(start_bot, telegram):
    first = await start_bot()
    telegram.fault(status=502, duration_s=3, method="sendMessage")
    await respond(first)
    await asyncio.sleep(1)
    await first.bot.stop()  # the process dies while Telegram is down
    assert sent_messages(telegram, DISPATCHERS) == []
    await asyncio.sleep(2.5)
    second = await start_bot()  # a new process on the same database
    await eventually(lambda: sent_messages(telegram, DISPATCHERS))
    await asyncio.sleep(1)
    assert len(sent_messages(telegram, DISPATCHERS)) == 1
    assert [r.status for r in await second.responses.list_for(DRIVER)] == ["sent"]


class SlowToReturnClaims(Outbox):
    """A claim that has committed but not yet reached the worker: the window in which a stop
    lands when the database thread finishes after the cancel."""

    def __init__(self, database_url: str) -> None:
        super().__init__(engine_for(database_url))
        self.committed = asyncio.Event()

    async def claim_next(self) -> Outgoing | dt.datetime | None:
        claimed = await super().claim_next()
        if isinstance(claimed, Outgoing):
            self.committed.set()
            await asyncio.sleep(0.5)
        return claimed


async def test_a_worker_stopped_while_claiming_hands_the_message_back_at_once(make_runtime, start_bot, telegram):
    """Without the hand-back the claimed row stays leased for 30 s and the next process waits."""
    first = make_runtime(dispatcher_chat_id=DISPATCHERS)
    await respond(first)
    outbox = SlowToReturnClaims(first.settings.database_url)
    worker = OutboxWorker(outbox, first.responses, first.notifier)
    running = asyncio.create_task(worker.run(first.bot.application.bot))
    await asyncio.wait_for(outbox.committed.wait(), timeout=10)
    running.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await running
    assert (await first.outbox.counts())["sending"] == 0
    await start_bot()  # a new process on the same database
    await eventually(lambda: sent_messages(telegram, DISPATCHERS), timeout_s=10.0)
    assert len(sent_messages(telegram, DISPATCHERS)) == 1


async def test_a_worker_stopped_mid_send_hands_the_message_back_at_once(start_bot, telegram):
    """A deploy stops the bot while a sendMessage hangs: the next process sends the message
    right away, not after the 30 s lease the stopped one held."""
    first = await start_bot()
    telegram.fault(kind="hang", duration_s=60, method="sendMessage")
    await respond(first)
    for _ in range(100):
        if (await first.outbox.counts())["sending"] == 1:
            break
        await asyncio.sleep(0.05)
    assert (await first.outbox.counts())["sending"] == 1  # claimed, the call in flight
    await first.bot.stop()
    assert (await first.outbox.counts())["pending"] == 1
    telegram.clear_faults()
    await start_bot()  # a new process on the same database
    await eventually(lambda: sent_messages(telegram, DISPATCHERS), timeout_s=10.0)
    assert len(sent_messages(telegram, DISPATCHERS)) == 1


async def test_dead_letter_after_repeated_failures_alerts_the_admins(start_bot, telegram, caplog):
    runtime = await start_bot(outbox_max_attempts=2)
    telegram.fault(status=502, count=5, method="sendMessage")
    with caplog.at_level(logging.ERROR):
        await respond(runtime)
        for _ in range(50):
            if (await runtime.outbox.counts())["dead"] == 1:
                break
            await asyncio.sleep(0.1)
    assert (await runtime.outbox.counts())["dead"] == 1
    assert any(r.name == "alerts" and "не доставлено" in r.getMessage() for r in caplog.records)
    telegram.clear_faults()
    [dead] = await runtime.outbox.dead_letters()
    assert "502" in dead.last_error or "Bad Gateway" in dead.last_error
    assert await runtime.outbox.retry_dead(dead.id)  # the admin's «повторить»
    runtime.bot.worker.wake()
    await eventually(lambda: sent_messages(telegram, DISPATCHERS))


async def test_start_and_deep_link(start_bot, telegram):
    await start_bot()
    await asyncio.to_thread(telegram.send_text, "/start", from_user={"id": DRIVER, "first_name": "Пётр"})
    await asyncio.to_thread(telegram.send_text, "/start cargo_2648937001", from_user={"id": DRIVER, "first_name": "Пётр"})
    from_bot = [m for m in sent_messages(telegram, DRIVER) if (m.get("from") or {}).get("is_bot")]
    greeting, deep = from_bot[-2:]
    assert "CargoTech" in greeting["text"]
    assert greeting["buttons"][0][0]["web_app"]["url"] == "http://localhost:3000/"
    assert deep["buttons"][0][0]["web_app"]["url"] == "http://localhost:3000/cargo/2648937001"


async def test_admin_alerts_reach_the_admin_chat_once_per_condition(start_bot, telegram):
    admins = -1000000000777
    runtime = await start_bot(admin_chat_id=admins)
    for _ in range(3):
        await runtime.notifier.alert("critical", "cargotech_login_403", "CargoTech: аккаунт заблокирован (403)")
    await runtime.notifier.alert("error", "breaker_open", "CargoTech недоступен уже 5 мин <b>")
    messages = await eventually(lambda: len(sent_messages(telegram, admins)) == 2 and sent_messages(telegram, admins))
    assert messages[0]["text"] == "🚨 CargoTech: аккаунт заблокирован (403)"
    assert messages[1]["text"].endswith("5 мин <b>")  # escaped, shown as text
    await asyncio.sleep(0.5)
    assert len(sent_messages(telegram, admins)) == 2
