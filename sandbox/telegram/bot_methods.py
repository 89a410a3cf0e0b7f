"""Bot API methods about the bot and its chats: getMe, setMyCommands, getMyCommands,
setChatMenuButton, getChatMenuButton, getChatMember."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.telegram import params as p
from sandbox.telegram.config import FakeTelegramConfig
from sandbox.telegram.protocol import bad_request
from sandbox.telegram.state import MethodHandler, TelegramState

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMAND_DESCRIPTION = 256
MENU_BUTTON_TYPES = ("commands", "web_app", "default")
DEFAULT_MENU_BUTTON = {"type": "default"}
# The rights python-telegram-bot requires of a ChatMemberAdministrator: a dispatcher admin.
ADMINISTRATOR_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def bot_user(bot_id: int, config: FakeTelegramConfig) -> dict[str, Any]:
    """The bot as a User object, in every message it sends."""
    return {"id": bot_id, "is_bot": True, "first_name": config.bot_first_name, "username": config.bot_username}


async def get_me(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    return bot | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def set_my_commands(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    commands = p.json_value(params, "commands", list)
    if commands is None:
        raise bad_request('parameter "commands" is required')
    for command in commands:
        if (
            not isinstance(command, dict)
            or not COMMAND_NAME.fullmatch(str(command.get("command", "")))
            or not isinstance(command.get("description"), str)
            or not 1 <= len(command["description"]) <= MAX_COMMAND_DESCRIPTION
        ):
            raise bad_request("BOT_COMMAND_INVALID")
    state.commands[_commands_key(params)] = [
        {"command": command["command"], "description": command["description"]} for command in commands
    ]
    return True


async def get_my_commands(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    return state.commands.get(_commands_key(params), [])


async def set_chat_menu_button(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    chat_id = p.chat_id(params) if params.get("chat_id") not in (None, "") else None
    button = p.json_value(params, "menu_button", dict) or DEFAULT_MENU_BUTTON
    kind = button.get("type")
    web_app = button.get("web_app")
    if kind not in MENU_BUTTON_TYPES or (
        kind == "web_app"
        and not (
            isinstance(button.get("text"), str)
            and button["text"]
            and isinstance(web_app, dict)
            and isinstance(web_app.get("url"), str)
            and web_app["url"]
        )
    ):
        raise bad_request("can't parse menu button JSON object")
    if kind == "default":  # back to the bot-wide button (for a chat) or to none at all
        state.menu_buttons.pop(chat_id, None)
    else:
        state.menu_buttons[chat_id] = button
    return True


async def get_chat_menu_button(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    chat_id = p.chat_id(params) if params.get("chat_id") not in (None, "") else None
    buttons = state.menu_buttons
    return buttons.get(chat_id) or buttons.get(None) or DEFAULT_MENU_BUTTON


async def get_chat_member(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    chat_id = p.chat_id(params)
    user_id = p.integer(params, "user_id", empty="invalid user_id specified")
    assert user_id is not None
    if user_id == bot["id"]:
        # The bot posts in the chats it is asked about, so it is at least a member of them.
        status = state.members.get(chat_id, {}).get(user_id, "member")
        return _chat_member(status, bot)
    return _chat_member(state.member_status(chat_id, user_id), state.chats.user(user_id))


def _chat_member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    member = {"status": status, "user": user}
    if status == "administrator":
        return member | ADMINISTRATOR_RIGHTS
    if status == "creator":
        return member | {"is_anonymous": False}
    return member


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    """Commands are kept per (scope, language_code), like Telegram's command lists."""
    scope = p.json_value(params, "scope", dict) or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.string(params, "language_code") or ""


METHODS: dict[str, MethodHandler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChatMember": get_chat_member,
}
