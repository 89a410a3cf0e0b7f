"""Fake Telegram settings: who the bot is, which chat plays the dispatchers, and timing limits."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FakeTelegramConfig:
    bot_username: str = "cargotech_dev_bot"
    bot_first_name: str = "CargoTech (dev)"
    # The dispatcher group: named in chat objects, and its dispatcher is a member from the start.
    dispatcher_chat: int | None = None
    dispatcher_chat_title: str = "Диспетчерская"
    # Who presses buttons on the HTML page (and in press_button when no user is given).
    dispatcher_user: int | None = None
    # getUpdates never waits longer than this, whatever `timeout` asks, so tests and shutdown
    # are not held by an idle long poll.
    long_poll_cap_s: float = 2.0
    # How long an update POST to the webhook may take before it counts as failed.
    webhook_timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if not self.bot_username or not self.bot_username.isascii():
            raise ValueError("bot_username must be a non-empty ASCII name")
        for name in ("dispatcher_chat", "dispatcher_user"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value == 0):
                raise ValueError(f"{name} must be a non-zero integer id")
        if self.dispatcher_user is not None and self.dispatcher_user < 0:
            raise ValueError("dispatcher_user is a user id, so it is positive")
        for name in ("long_poll_cap_s", "webhook_timeout_s"):
            if not 0 < getattr(self, name) <= 600:
                raise ValueError(f"{name} must be between 0 and 600 seconds")

    def replace(self, **changes: Any) -> FakeTelegramConfig:
        """A copy with `changes`; ValueError names an unknown setting."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)
