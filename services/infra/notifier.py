"""Alerts for the people who run the service (the admin chat, once the bot is wired).

The token manager and health checks only know this interface; the default writes to the log
at the alert's level, so nothing is lost before a bot is configured.
"""

from __future__ import annotations

import logging
from typing import Literal, Protocol

Level = Literal["warning", "error", "critical"]
log = logging.getLogger("alerts")


class Notifier(Protocol):
    async def alert(self, level: Level, key: str, text: str) -> None:
        """`key` identifies the condition, so a notifier can deduplicate repeats."""


class LogNotifier:
    async def alert(self, level: Level, key: str, text: str) -> None:
        log.log(logging.getLevelName(level.upper()), "ALERT [%s] %s", key, text)
