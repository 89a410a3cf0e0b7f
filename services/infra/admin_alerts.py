"""Alerts to the admins' Telegram chat (ADMIN_CHAT_ID), deduplicated and rate limited.

Every alert is logged at its level; the first of a kind (`key`) in `dedupe_s` is also queued in
the bot's outbox for the admin chat, at most `per_hour` an hour, so a flapping condition cannot
flood the chat. Deduplication lives in the shared cache, so several workers send one alert.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from html import escape

from services.dispatch.outbox import Outbox, new_message
from services.infra.notifier import Level, LogNotifier
from services.primitives.cache_backend import CacheBackend
from services.vocabulary import OutboxKind

log = logging.getLogger(__name__)
ICONS = {"warning": "⚠️", "error": "🔴", "critical": "🚨"}


class AdminAlerts:
    def __init__(
        self,
        outbox: Outbox,
        cache: CacheBackend,
        admin_chat_id: int | None,
        *,
        dedupe_s: float = 600.0,
        per_hour: int = 20,
    ) -> None:
        self._outbox = outbox
        self._cache = cache
        self._chat_id = admin_chat_id
        self._dedupe_s = dedupe_s
        self._per_hour = per_hour
        self._sent: deque[float] = deque()
        self._log = LogNotifier()
        self.wake_outbox = lambda: None

    async def alert(self, level: Level, key: str, text: str) -> None:
        await self._log.alert(level, key, text)
        if self._chat_id is None:
            return
        if await self._cache.get(f"alert:{key}") is not None:
            return  # the same condition was reported moments ago
        now = time.monotonic()
        while self._sent and now - self._sent[0] > 3600:
            self._sent.popleft()
        if len(self._sent) >= self._per_hour:
            log.warning("admin alert %s not sent: %d alerts in the last hour", key, len(self._sent))
            return
        self._sent.append(now)
        await self._cache.set(f"alert:{key}", b"1", self._dedupe_s)
        await self._outbox.enqueue(new_message(OutboxKind.ALERT, 0, self._chat_id, f"{ICONS[level]} {escape(text)}"))
        self.wake_outbox()
