"""Chats as their members see them: every message with its current text and buttons, edits applied.

Message ids count up per chat, as in Telegram groups and private chats, and keep counting after
a reset: the app under test may still hold ids from before it, and an old id must never point
at a new message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.config import FakeTelegramConfig

USER_FIELDS = ("id", "first_name", "last_name", "username", "language_code", "is_premium")


@dataclass
class StoredMessage:
    message_id: int
    chat: dict[str, Any]
    sender: dict[str, Any]  # the User in the message's "from"
    date: int
    text: str  # plain text, after parse_mode
    entities: list[dict[str, Any]]
    source_text: str  # the text as sent, before parse_mode
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    link_preview_options: dict[str, Any] | None = None
    edit_date: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier versions, oldest first

    @property
    def from_bot(self) -> bool:
        return bool(self.sender.get("is_bot"))

    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard's rows, [] when the message has none."""
        return (self.reply_markup or {}).get("inline_keyboard", [])

    def has_callback(self, data: str) -> bool:
        return any(button.get("callback_data") == data for row in self.buttons() for button in row)

    def content(self) -> tuple[Any, ...]:
        """What an edit must change, or Telegram answers "message is not modified"."""
        return self.text, self.entities, self.reply_markup

    def edit(
        self,
        *,
        text: str,
        entities: list[dict[str, Any]],
        source_text: str,
        parse_mode: str | None,
        reply_markup: dict[str, Any] | None,
    ) -> None:
        self.history.append({"text": self.text, "reply_markup": self.reply_markup, "date": self.edit_date or self.date})
        self.text, self.entities, self.source_text = text, entities, source_text
        self.parse_mode, self.reply_markup, self.edit_date = parse_mode, reply_markup, int(time.time())

    def to_api(self) -> dict[str, Any]:
        """The Bot API Message object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
            "text": self.text,
        }
        optional = {
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "link_preview_options": self.link_preview_options,
            "edit_date": self.edit_date,
        }
        return message | {name: value for name, value in optional.items() if value}

    def view(self) -> dict[str, Any]:
        """The Message plus what a test wants to check: the text as sent and the buttons."""
        return self.to_api() | {
            "source_text": self.source_text,
            "parse_mode": self.parse_mode,
            "buttons": self.buttons(),
            "history": self.history,
        }


class Chats:
    def __init__(self, config: FakeTelegramConfig) -> None:
        self._config = config
        self._last_message_id: dict[int, int] = {}  # survives clear(), see the module docstring
        self.clear()

    def clear(self) -> None:
        self._messages: dict[int, dict[int, StoredMessage]] = {}
        self._users: dict[int, dict[str, Any]] = {}

    # ---- users ------------------------------------------------------------------------------------

    def user(self, user_id: int) -> dict[str, Any]:
        """The User object for an id: as last seen in an update, or a made-up profile."""
        name = "Диспетчер" if user_id == self._config.dispatcher_user else f"Пользователь {user_id}"
        return self._users.get(user_id) or {"id": user_id, "is_bot": False, "first_name": name, "language_code": "ru"}

    def remember_user(self, spec: Any) -> dict[str, Any]:
        """A User from a control call's `from_user` (an id, or an object with at least "id");
        ValueError when it is neither."""
        if isinstance(spec, int) and not isinstance(spec, bool):
            spec = {"id": spec}
        if not isinstance(spec, dict):
            raise ValueError("from_user must be a user id or an object with an id")
        user_id = spec.get("id")
        if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
            raise ValueError("a user id is a positive integer")
        unknown = set(spec) - set(USER_FIELDS)
        if unknown:
            raise ValueError(f"unknown user fields: {', '.join(sorted(unknown))}")
        user = self.user(user_id) | spec
        self._users[user_id] = user
        return user

    # ---- chats and messages -------------------------------------------------------------------

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat object: private for users, a (super)group for negative ids."""
        if chat_id > 0:
            user = self.user(chat_id)
            return {"id": chat_id, "type": "private"} | {
                name: user[name] for name in ("first_name", "last_name", "username") if name in user
            }
        title = self._config.dispatcher_chat_title if chat_id == self._config.dispatcher_chat else f"Чат {chat_id}"
        # Supergroup ids are -100…; plain groups have short negative ids.
        return {"id": chat_id, "type": "supergroup" if str(chat_id).startswith("-100") else "group", "title": title}

    def add(
        self,
        chat_id: int,
        sender: dict[str, Any],
        *,
        text: str,
        entities: list[dict[str, Any]],
        source_text: str,
        parse_mode: str | None = None,
        reply_markup: dict[str, Any] | None = None,
        link_preview_options: dict[str, Any] | None = None,
    ) -> StoredMessage:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message = StoredMessage(
            message_id=message_id,
            chat=self.chat(chat_id),
            sender=sender,
            date=int(time.time()),
            text=text,
            entities=entities,
            source_text=source_text,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
            link_preview_options=link_preview_options,
        )
        self._messages.setdefault(chat_id, {})[message_id] = message
        return message

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def messages(self, chat_id: int) -> list[StoredMessage]:
        return list(self._messages.get(chat_id, {}).values())

    def chat_ids(self) -> list[int]:
        """Chats that have messages, the dispatcher chat first."""
        return sorted(self._messages, key=lambda chat_id: (chat_id != self._config.dispatcher_chat, chat_id))
