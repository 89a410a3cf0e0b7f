"""getUpdates: with no webhook set, updates wait in a queue for the bot to poll."""

import asyncio
import time

import pytest
from telegram.error import Conflict

from tests.sandbox_telegram.support import DISPATCHER, DISPATCHER_CHAT, DRIVER, make_bot


async def test_updates_queue_until_confirmed(bot, fake):
    first = fake.send_text("/start cargo_1", from_user=DRIVER)
    second = fake.send_text("/start cargo_2", from_user=DRIVER)
    assert first["delivered_to"] == second["delivered_to"] == "getUpdates"
    assert (await bot.get_webhook_info()).pending_update_count == 2

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first["update_id"], second["update_id"]]
    assert [u.message.text for u in updates] == ["/start cargo_1", "/start cargo_2"]
    assert len(await bot.get_updates()) == 2  # not confirmed yet
    confirmed = await bot.get_updates(offset=second["update_id"])  # confirms the first
    assert [u.update_id for u in confirmed] == [second["update_id"]]
    assert await bot.get_updates(offset=second["update_id"] + 1) == ()


async def test_a_press_is_queued_as_a_callback_query(bot, fake):
    sent = await bot.send_message(
        DISPATCHER_CHAT, "Отклик", reply_markup={"inline_keyboard": [[{"text": "Принять", "callback_data": "accept:7"}]]}
    )
    report = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7")
    [update] = await bot.get_updates()
    assert update.callback_query.id == report["callback_query_id"] and update.callback_query.from_user.id == DISPATCHER


async def test_a_long_poll_wakes_when_an_update_arrives(bot, fake):
    polling = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not polling.done()
    fake.send_text("привет", from_user=DRIVER)
    updates = await asyncio.wait_for(polling, 2)
    assert [u.message.text for u in updates] == ["привет"]


async def test_an_idle_long_poll_ends_at_the_cap(bot):
    started = time.monotonic()
    assert await bot.get_updates(timeout=30) == ()  # the session's server caps it at 1 s
    assert 0.8 < time.monotonic() - started < 3


async def test_a_newer_poll_ends_the_older_one(fake):
    async with make_bot(fake.base_url) as first, make_bot(fake.base_url) as second:
        older = asyncio.create_task(first.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        newer = asyncio.create_task(second.get_updates(timeout=10))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await older
        newer.cancel()


async def test_get_updates_conflicts_with_a_webhook(bot, webhook_url):
    await bot.set_webhook(webhook_url)
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_drop_pending_updates(bot, fake):
    fake.send_text("старое", from_user=DRIVER)
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
