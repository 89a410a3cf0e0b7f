"""Commands, the menu button, chat membership, and how calls are addressed and read."""

import httpx
import pytest
from telegram import BotCommand, BotCommandScopeAllPrivateChats, MenuButtonDefault, MenuButtonWebApp, WebAppInfo
from telegram.error import BadRequest, InvalidToken

from tests.sandbox_telegram.support import BOT_ID, DISPATCHER, DISPATCHER_CHAT, DRIVER, TOKEN, make_bot


async def test_commands_are_kept_per_scope(bot):
    commands = [BotCommand("start", "Открыть грузы"), BotCommand("help", "Помощь")]
    assert await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats()) is True
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == tuple(commands)
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "upper case is not allowed")])


async def test_menu_button_web_app(bot, fake):
    assert await bot.get_chat_menu_button() == MenuButtonDefault()
    button = MenuButtonWebApp("Грузы", WebAppInfo("https://example.org/app"))
    assert await bot.set_chat_menu_button(menu_button=button) is True
    assert await bot.get_chat_menu_button() == button
    assert await bot.get_chat_menu_button(chat_id=DRIVER) == button  # a chat without its own gets the default
    assert fake.calls("setChatMenuButton")[0]["params"]["menu_button"] == {
        "type": "web_app",
        "text": "Грузы",
        "web_app": {"url": "https://example.org/app"},
    }


async def test_chat_member_status_comes_from_control(bot, fake):
    member = await bot.get_chat_member(DISPATCHER_CHAT, DISPATCHER)  # a member from the start
    assert member.status == "member" and member.user.id == DISPATCHER and member.user.first_name == "Диспетчер"
    assert (await bot.get_chat_member(DISPATCHER_CHAT, DRIVER)).status == "left"

    fake.set_members(DISPATCHER_CHAT, [DRIVER], "administrator")
    admin = await bot.get_chat_member(DISPATCHER_CHAT, DRIVER)
    assert admin.status == "administrator" and admin.can_manage_chat
    fake.set_members(DISPATCHER_CHAT, [DRIVER], "creator")
    assert (await bot.get_chat_member(DISPATCHER_CHAT, DRIVER)).status == "creator"
    fake.set_members(DISPATCHER_CHAT, [DISPATCHER, DRIVER], "left")
    assert (await bot.get_chat_member(DISPATCHER_CHAT, DISPATCHER)).status == "left"
    assert (await bot.get_chat_member(DISPATCHER_CHAT, BOT_ID)).user.is_bot
    with pytest.raises(ValueError, match="status must be one of"):
        fake.set_members(DISPATCHER_CHAT, [DRIVER], "kicked")


async def test_reset_restores_the_configured_members(bot, fake):
    fake.set_members(DISPATCHER_CHAT, [DISPATCHER], "left")
    fake.reset()
    assert (await bot.get_chat_member(DISPATCHER_CHAT, DISPATCHER)).status == "member"


async def test_a_garbled_token_is_unauthorized(fake):
    async with make_bot(fake.base_url) as bot:
        assert bot.token == TOKEN
    with pytest.raises(InvalidToken):
        async with make_bot(fake.base_url.replace("/bot", "/botnot-a-token")):
            pass
    with httpx.Client(base_url=fake.url, trust_env=False) as client:
        answer = client.get("/botabc:def/getMe")
        assert answer.status_code == 401
        assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        assert client.get(f"/bot{TOKEN}/sendPigeon").json() == {"ok": False, "error_code": 404, "description": "Not Found"}


def test_any_body_encoding_and_method_spelling(fake):
    with httpx.Client(base_url=f"{fake.base_url}{TOKEN}", trust_env=False) as client:
        by_query = client.get("/SENDMESSAGE", params={"chat_id": DRIVER, "text": "true"})
        by_json = client.post(
            "/sendMessage", json={"chat_id": str(DRIVER), "text": 42, "reply_markup": '{"remove_keyboard": true}'}
        )
        by_multipart = client.post(
            "/sendmessage", data={"chat_id": str(DRIVER), "text": "файл"}, files={"document": ("a.txt", b"not stored")}
        )
        broken = client.post("/sendMessage", content=b"{nope", headers={"Content-Type": "application/json"})
    assert by_query.json()["result"]["text"] == "true"  # a text stays a string whatever it looks like
    assert by_json.json()["result"]["text"] == "42"
    assert by_json.json()["result"]["reply_markup"] == {"remove_keyboard": True}
    assert by_multipart.json()["result"]["text"] == "файл"
    assert broken.status_code == 400
    assert [call["method"] for call in fake.calls()] == ["sendMessage"] * 4  # recorded by canonical name
