"""Sending and editing messages through python-telegram-bot; what the chat shows afterwards."""

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, WebAppInfo
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from tests.sandbox_telegram.support import ACCEPT_KEYBOARD, BOT_ID, DISPATCHER_CHAT, DRIVER, TOKEN

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Принять", callback_data="accept:7"), InlineKeyboardButton("Отклонить", callback_data="reject:7")],
        [InlineKeyboardButton("Выполнено", callback_data="done:7")],
    ]
)


async def test_get_me_is_the_bot_of_the_token(bot):
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (BOT_ID, True, "cargotech_dev_bot")


async def test_send_message_with_a_keyboard_round_trips(bot, fake):
    sent = await bot.send_message(
        DISPATCHER_CHAT,
        "<b>Отклик</b> на груз 7\nВодитель: Иван",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert sent.chat.id == DISPATCHER_CHAT and sent.chat.type == "supergroup"
    assert sent.from_user.id == BOT_ID and sent.date.timestamp() > 0
    assert sent.text == "Отклик на груз 7\nВодитель: Иван"  # the tags became an entity
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 6)]
    assert sent.reply_markup == KEYBOARD
    to_driver = await bot.send_message(DRIVER, "Водителю")
    second = await bot.send_message(DISPATCHER_CHAT, "ещё один")
    assert second.message_id == sent.message_id + 1  # ids count up per chat
    assert (await bot.send_message(DRIVER, "ещё")).message_id == to_driver.message_id + 1

    shown = fake.chat(DISPATCHER_CHAT)
    assert shown["chat"]["title"] == "Диспетчерская"
    first = shown["messages"][0]
    assert first["buttons"] == ACCEPT_KEYBOARD["inline_keyboard"]
    assert first["source_text"].startswith("<b>Отклик</b>") and first["parse_mode"] == "HTML"
    assert first["link_preview_options"] == {"is_disabled": True}
    call = fake.calls("sendMessage")[0]
    assert call["params"]["chat_id"] == DISPATCHER_CHAT  # typed, though the form sent a string
    assert call["params"]["reply_markup"] == ACCEPT_KEYBOARD
    assert call["ok"] and call["result"]["message_id"] == sent.message_id


async def test_message_ids_keep_growing_after_a_reset(bot, fake):
    before = await bot.send_message(DISPATCHER_CHAT, "до сброса")
    fake.reset()  # the app may still hold old ids: they must not point at new messages
    after = await bot.send_message(DISPATCHER_CHAT, "после сброса")
    assert after.message_id > before.message_id
    assert [m["text"] for m in fake.chat(DISPATCHER_CHAT)["messages"]] == ["после сброса"]


async def test_edit_message_text_changes_what_the_chat_shows(bot, fake):
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик на груз 7", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Отклик на груз 7\n✅ Принят", chat_id=DISPATCHER_CHAT, message_id=sent.message_id)
    assert edited.text.endswith("✅ Принят") and edited.edit_date is not None
    shown = fake.chat(DISPATCHER_CHAT)["messages"][0]
    assert shown["text"] == "Отклик на груз 7\n✅ Принят"
    assert shown["buttons"] == []  # no reply_markup in the edit: Telegram drops the keyboard
    assert shown["history"][0]["text"] == "Отклик на груз 7"

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Отклик на груз 7\n✅ Принят", chat_id=DISPATCHER_CHAT, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=DISPATCHER_CHAT, message_id=99)


async def test_edit_reply_markup_keeps_the_text(bot, fake):
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик", reply_markup=KEYBOARD)
    only_done = InlineKeyboardMarkup([[InlineKeyboardButton("Выполнено", callback_data="done:7")]])
    await bot.edit_message_reply_markup(DISPATCHER_CHAT, sent.message_id, reply_markup=only_done)
    shown = fake.chat(DISPATCHER_CHAT)["messages"][0]
    assert shown["text"] == "Отклик" and shown["buttons"] == [[{"text": "Выполнено", "callback_data": "done:7"}]]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(DISPATCHER_CHAT, sent.message_id, reply_markup=only_done)


async def test_a_users_message_cannot_be_edited(bot, fake):
    typed = fake.send_text("привет", from_user=DRIVER)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", chat_id=DRIVER, message_id=typed["message_id"])


@pytest.mark.parametrize(
    ("kwargs", "wording"),
    [
        ({"chat_id": DISPATCHER_CHAT, "text": "   "}, "message text is empty"),
        ({"chat_id": "@dispatchers", "text": "x"}, "chat not found"),
        ({"chat_id": DISPATCHER_CHAT, "text": "x" * 4097}, "message is too long"),
        (
            {"chat_id": DISPATCHER_CHAT, "text": "вес <5 т", "parse_mode": ParseMode.HTML},
            'can\'t parse entities: Unsupported start tag "5" at byte offset 7',
        ),
        (
            {
                "chat_id": DISPATCHER_CHAT,
                "text": "x",
                "reply_markup": InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]]),
            },
            "BUTTON_DATA_INVALID",
        ),
        (
            {
                "chat_id": DISPATCHER_CHAT,
                "text": "x",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("Открыть", web_app=WebAppInfo("https://example.org/app"))]]
                ),
            },
            "BUTTON_TYPE_INVALID",
        ),
    ],
)
async def test_bad_messages_are_refused_with_telegrams_words(bot, fake, kwargs, wording):
    with pytest.raises(BadRequest) as refused:
        await bot.send_message(**kwargs)
    # python-telegram-bot strips "Bad Request: " and capitalises what is left.
    assert refused.value.message.lower() == wording.lower()
    assert fake.chat(DISPATCHER_CHAT)["messages"] == []
    assert fake.calls("sendMessage")[0]["status"] == 400


async def test_web_app_buttons_work_in_private_chats(bot, fake):
    button = InlineKeyboardButton("Открыть грузы", web_app=WebAppInfo("https://example.org/app"))
    await bot.send_message(DRIVER, "Откройте приложение", reply_markup=InlineKeyboardMarkup([[button]]))
    assert fake.chat(DRIVER)["messages"][0]["buttons"][0][0]["web_app"] == {"url": "https://example.org/app"}


async def test_answer_callback_query_needs_a_real_query(bot, fake):
    sent = await bot.send_message(DISPATCHER_CHAT, "Отклик", reply_markup=KEYBOARD)
    press = fake.press_button(DISPATCHER_CHAT, sent.message_id, "accept:7")  # no webhook: queued
    assert await bot.answer_callback_query(press["callback_query_id"], text="Принято") is True
    assert fake.calls("answerCallbackQuery")[0]["params"] == {"callback_query_id": press["callback_query_id"], "text": "Принято"}
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query("12345")


async def test_send_chat_action(bot, fake):
    assert await bot.send_chat_action(DRIVER, ChatAction.TYPING) is True
    with httpx.Client(base_url=f"{fake.base_url}{TOKEN}", trust_env=False) as client:
        refused = client.post("/sendChatAction", json={"chat_id": DRIVER, "action": "dancing"})
    assert refused.json() == {"ok": False, "error_code": 400, "description": "Bad Request: wrong parameter action in request"}
