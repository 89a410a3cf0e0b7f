"""Everything the fake Telegram remembers. Only the server's event loop touches it (Bot API and
control calls alike), so it needs no locks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.calls import CallLog
from sandbox.telegram.chats import Chats
from sandbox.telegram.config import FakeTelegramConfig
from sandbox.telegram.faults import Faults
from sandbox.telegram.updates import Updates

MEMBER_STATUSES = ("member", "administrator", "creator")


@dataclass
class CallbackQuery:
    """A button press sent to the bot, and what the bot answered (answerCallbackQuery)."""

    id: str
    update: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)


class TelegramState:
    def __init__(self, config: FakeTelegramConfig) -> None:
        self.config = config
        self.faults = Faults()
        self.calls = CallLog()
        self.chats = Chats(config)
        self.updates = Updates(config)
        self.reset()

    def reset(self) -> None:
        """Back to how the server started; hung calls are let go. Message and update ids keep
        counting up (see chats.py and updates.py)."""
        self.faults.clear()
        self.calls.clear()
        self.chats.clear()
        self.updates.clear()
        self.members: dict[int, dict[int, str]] = {}  # chat id → user id → status
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (scope JSON, language) → commands
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}  # chat id (None: the default) → button
        self.callback_queries: dict[str, CallbackQuery] = {}
        if self.config.dispatcher_chat is not None and self.config.dispatcher_user is not None:
            self.set_members(self.config.dispatcher_chat, [self.config.dispatcher_user], "member")

    def set_members(self, chat_id: int, user_ids: list[int], status: str) -> None:
        """Give users a status in a chat; "left" takes them out."""
        members = self.members.setdefault(chat_id, {})
        for user_id in user_ids:
            if status == "left":
                members.pop(user_id, None)
            else:
                members[user_id] = status

    def member_status(self, chat_id: int, user_id: int) -> str:
        return self.members.get(chat_id, {}).get(user_id, "left")


# A Bot API method: (state, the calling bot's User, typed params) → the "result" to answer.
MethodHandler = Callable[[TelegramState, dict[str, Any], dict[str, Any]], Awaitable[Any]]
