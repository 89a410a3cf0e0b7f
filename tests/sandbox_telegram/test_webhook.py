"""Updates delivered to our webhook: button presses, messages, forged posts, delivery failures."""

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from tests.sandbox_telegram.support import DISPATCHER, DISPATCHER_CHAT, DRIVER, SECRET, make_bot

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Принять", callback_data="accept:7")]])
SECRET_HEADER = "x-telegram-bot-api-secret-token"


async def test_set_webhook_and_read_it_back(bot, fake, webhook_url):
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.set_webhook(
        webhook_url, secret_token=SECRET, allowed_updates=["message", "callback_query"], max_connections=10
    )
    info = await bot.get_webhook_info()
    assert (info.url, info.max_connections, info.allowed_updates) == (webhook_url, 10, ("message", "callback_query"))
    assert fake.webhook()["secret_token"] == SECRET
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def test_press_button_posts_a_callback_query_with_the_secret(bot, fake, receiver, webhook_url):
    await bot.set_webhook(webhook_url, secret_token=SECRET)
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик на груз 7", reply_markup=KEYBOARD)

    report = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7")
    assert (report["delivered_to"], report["status"], report["error"]) == ("webhook", 200, None)
    [request] = receiver.requests
    assert request["headers"][SECRET_HEADER] == SECRET
    assert request["headers"]["content-type"] == "application/json"
    update = Update.de_json(request["update"], bot)
    assert update.update_id == report["update_id"]
    query = update.callback_query
    assert (query.id, query.data, query.from_user.id) == (report["callback_query_id"], "accept:7", DISPATCHER)
    assert query.chat_instance and query.message.message_id == sent.message_id
    assert query.message.chat.id == DISPATCHER_CHAT and query.message.reply_markup == KEYBOARD

    again = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7", from_user={"id": DRIVER, "first_name": "Иван"})
    assert again["update_id"] > report["update_id"]
    second = Update.de_json(receiver.requests[1]["update"], bot).callback_query
    assert second.from_user.first_name == "Иван" and second.chat_instance == query.chat_instance
    assert second.id != query.id


async def test_the_bot_can_call_telegram_while_handling_the_update(bot, fake, receiver, webhook_url):
    async def answer_and_edit(update: dict) -> None:
        # Runs on the receiver's own loop, as our app would, with its own client.
        async with make_bot(fake.base_url) as handler_bot:
            query = Update.de_json(update, handler_bot).callback_query
            assert query is not None
            await query.answer("Принято")
            await query.edit_message_text("Отклик на груз 7\n✅ Принят диспетчером")

    receiver.on_update = answer_and_edit
    await bot.set_webhook(webhook_url, secret_token=SECRET)
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик на груз 7", reply_markup=KEYBOARD)
    report = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7")
    assert report["status"] == 200 and report["answers"] == [{"text": "Принято", "show_alert": False}]
    shown = fake.chat(DISPATCHER_CHAT)["messages"][0]
    assert shown["text"].endswith("✅ Принят диспетчером") and shown["buttons"] == []
    with pytest.raises(ValueError, match="no button"):  # the keyboard is gone, nothing to press
        fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7")
    # A stale client can still press it: the same edit again is "message is not modified".
    stale = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7", require_button=False)
    assert stale["status"] == 500 and fake.calls("editMessageText")[-1]["status"] == 400


async def test_send_text_is_a_message_update_with_a_command_entity(bot, fake, receiver, webhook_url):
    await bot.set_webhook(webhook_url, secret_token=SECRET)
    report = fake.send_text("/start cargo_123", from_user={"id": DRIVER, "first_name": "Иван", "username": "ivan"})
    assert report["delivered_to"] == "webhook" and report["status"] == 200
    message = Update.de_json(receiver.requests[0]["update"], bot).message
    assert message.text == "/start cargo_123" and message.chat.type == "private" and message.chat.id == DRIVER
    assert message.from_user.username == "ivan"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 6)]
    assert message.message_id == report["message_id"]
    assert fake.chat(DRIVER)["messages"][0]["text"] == "/start cargo_123"


async def test_forged_posts_carry_the_secret_asked_for(bot, fake, receiver, webhook_url):
    await bot.set_webhook(webhook_url, secret_token=SECRET)
    update = {"message": {"message_id": 1, "date": 0, "chat": {"id": DRIVER, "type": "private"}, "text": "hi"}}
    fake.post_update(update)
    fake.post_update(update, secret=None)
    fake.post_update(update | {"update_id": 5}, secret="forged")
    first, missing, forged = receiver.requests
    assert first["headers"][SECRET_HEADER] == SECRET
    assert SECRET_HEADER not in missing["headers"]
    assert forged["headers"][SECRET_HEADER] == "forged" and forged["update"]["update_id"] == 5


async def test_a_failing_webhook_is_reported_and_remembered(bot, fake, receiver, webhook_url):
    await bot.set_webhook(webhook_url)
    receiver.status = 500
    report = fake.send_text("/start", from_user=DRIVER)
    assert (report["status"], report["error"]) == (500, "Wrong response from the webhook: 500 Internal Server Error")
    assert SECRET_HEADER not in receiver.requests[0]["headers"]  # no secret registered, none sent
    info = await bot.get_webhook_info()
    assert info.last_error_message.endswith("500 Internal Server Error") and info.last_error_date

    await bot.set_webhook(webhook_url.replace("/telegram/webhook", "/nowhere"))
    assert fake.send_text("/start", from_user=DRIVER)["status"] == 404
    await bot.set_webhook("http://127.0.0.1:9/telegram/webhook")  # nothing listens on port 9
    unreachable = fake.send_text("/start", from_user=DRIVER)
    assert unreachable["status"] is None and "ConnectError" in unreachable["error"]


async def test_allowed_updates_filter_what_is_delivered(bot, fake, receiver, webhook_url):
    await bot.set_webhook(webhook_url, allowed_updates=["message"])
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик", reply_markup=KEYBOARD)
    report = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7")
    assert report["delivered_to"] is None and "not in allowed_updates" in report["reason"]
    assert receiver.requests == []


def test_control_refuses_what_cannot_happen(fake):
    with pytest.raises(ValueError, match="has no message"):
        fake.press_button(DISPATCHER_CHAT, 999, "accept:7")
    with pytest.raises(ValueError, match="no webhook is set"):
        fake.post_update({"message": {}})
    with pytest.raises(ValueError, match="user id"):
        fake.send_text("hi", from_user=-5)
