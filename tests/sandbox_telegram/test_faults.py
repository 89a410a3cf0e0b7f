"""Injected failures as python-telegram-bot sees them; a faulted call changes nothing."""

import asyncio
import time

import pytest
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from tests.sandbox_telegram.support import DISPATCHER_CHAT, DRIVER


async def test_502_is_a_network_error_and_sends_nothing(bot, fake):
    fake.fault(status=502, count=2, method="sendMessage")
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(DISPATCHER_CHAT, "Отклик")
    assert await bot.get_me()  # other methods are untouched
    assert fake.chat(DISPATCHER_CHAT)["messages"] == []
    faulted = fake.calls("sendMessage")
    assert [(c["status"], c["faulted"]) for c in faulted] == [(502, True), (502, True)]
    assert faulted[0]["params"]["text"] == "Отклик" and faulted[0]["fault"]["kind"] == "status"
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик")  # the fault is used up
    assert [m["message_id"] for m in fake.chat(DISPATCHER_CHAT)["messages"]] == [sent.message_id]


async def test_429_raises_retry_after_with_telegrams_delay(bot, fake):
    fault = fake.fault(retry_after=7, method="sendMessage")
    assert (fault["status"], fault["retry_after"]) == (429, 7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(DRIVER, "Ваш отклик принят")
    assert flood.value.retry_after == 7
    assert fake.calls("sendMessage")[0]["description"] == "Too Many Requests: retry after 7"
    assert fake.chat(DRIVER)["messages"] == []


async def test_a_fault_can_say_what_telegram_says(bot, fake):
    fake.fault(status=403, description="Forbidden: bot was blocked by the user", method="sendMessage")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(DRIVER, "Ваш отклик принят")


async def test_hang_times_out_and_is_released_by_clear(bot, fake):
    fake.fault(kind="hang", method="editMessageText")
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик")
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await bot.edit_message_text("✅", chat_id=DISPATCHER_CHAT, message_id=sent.message_id, read_timeout=0.3)
    assert time.monotonic() - started < 2
    await asyncio.sleep(0.1)  # the server notices the client is gone
    hung = fake.calls("editMessageText")[0]
    assert hung["faulted"] and hung["status"] is None and "gave up" in hung["description"]
    assert fake.chat(DISPATCHER_CHAT)["messages"][0]["text"] == "Отклик"

    fake.fault(kind="hang", method="getMe")
    waiting = asyncio.create_task(bot.get_me(read_timeout=5))
    await asyncio.sleep(0.2)
    assert fake.clear_faults() == 0  # the hang was used by the waiting call; release it
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await waiting


async def test_a_duration_fault_expires(bot, fake):
    fake.fault(status=500, duration_s=0.3)
    with pytest.raises(NetworkError):
        await bot.get_me()
    with pytest.raises(NetworkError):
        await bot.send_message(DRIVER, "x")
    await asyncio.sleep(0.35)
    assert await bot.send_message(DRIVER, "x")


def test_bad_fault_specs_are_refused(fake):
    for spec in ({"kind": "explode"}, {"status": 200}, {"count": 0}, {"colour": "red"}, {"method": ""}):
        with pytest.raises(ValueError):
            fake.fault(**spec)
