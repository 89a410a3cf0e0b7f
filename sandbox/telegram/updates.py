"""Where updates go: POSTed to the webhook when one is set, else queued for getUpdates.

Webhook POSTs carry the registered secret in X-Telegram-Bot-Api-Secret-Token, like Telegram's,
and are made while the control call waits, so it can report our server's HTTP status. A failed
POST is recorded as the webhook's last error (getWebhookInfo shows it) and not retried. Updates
queued while no webhook was set stay queued when one is set (Telegram would deliver them).

update_ids only ever grow, even across a reset: the app under test may remember ids it has seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from sandbox.responses import dump_json
from sandbox.telegram.config import FakeTelegramConfig
from sandbox.telegram.protocol import BotApiError

FIRST_UPDATE_ID = 100_000_001
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What a bot gets when it never named allowed_updates (Telegram leaves these three out).
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


class Updates:
    def __init__(self, config: FakeTelegramConfig) -> None:
        self._config = config
        self._update_ids = itertools.count(FIRST_UPDATE_ID)  # survives clear(), see the docstring
        self._arrived = asyncio.Event()  # wakes long polls; replaced after each wake-up
        self._poll_generation = 0  # a newer getUpdates ends an older one, as in Telegram
        self.clear()

    def clear(self) -> None:
        self.webhook = Webhook()
        self.allowed_updates: list[str] = []  # [] means the default set
        self.pending: list[dict[str, Any]] = []
        self._wake()

    def new(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": self.next_id(), kind: payload}

    def next_id(self) -> int:
        return next(self._update_ids)

    # ---- delivery --------------------------------------------------------------------------------

    async def dispatch(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver an update the way Telegram would; a report of where it went."""
        kind = next(key for key in update if key != "update_id")
        report: dict[str, Any] = {"update_id": update["update_id"]}
        if not self._wanted(kind):
            return report | {"delivered_to": None, "reason": f"{kind} is not in allowed_updates"}
        if not self.webhook.url:
            self.pending.append(update)
            self._wake()
            return report | {"delivered_to": "getUpdates"}
        return report | await self.post(update, self.webhook.secret_token)

    async def post(self, update: dict[str, Any], secret: str | None) -> dict[str, Any]:
        """POST an update to the webhook with `secret` as the secret header (none when None)."""
        headers = {"Content-Type": "application/json"} | ({SECRET_HEADER: secret} if secret is not None else {})
        error = None
        try:
            async with httpx.AsyncClient(timeout=self._config.webhook_timeout_s, trust_env=False) as client:
                response = await client.post(self.webhook.url, content=dump_json(update), headers=headers)
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        else:
            status = response.status_code
            if not 200 <= status < 300:
                error = f"Wrong response from the webhook: {status} {_phrase(status)}"
        if error is not None:
            self.webhook.last_error_date, self.webhook.last_error_message = int(time.time()), error
        return {"delivered_to": "webhook", "status": status, "error": error}

    def _wanted(self, kind: str) -> bool:
        return kind in self.allowed_updates if self.allowed_updates else kind not in OPT_IN_UPDATE_TYPES

    # ---- webhook settings ------------------------------------------------------------------------

    def set_webhook(
        self,
        url: str,
        *,
        secret_token: str | None,
        max_connections: int | None,
        allowed_updates: list[str] | None,
        drop_pending: bool,
    ) -> None:
        self.webhook = Webhook(url=url, secret_token=secret_token, max_connections=max_connections or 40)
        self._configure(allowed_updates, drop_pending)

    def delete_webhook(self, *, drop_pending: bool) -> None:
        self.webhook = Webhook()
        self._configure(None, drop_pending)

    def webhook_info(self) -> dict[str, Any]:
        webhook = self.webhook
        info: dict[str, Any] = {"url": webhook.url, "has_custom_certificate": False, "pending_update_count": len(self.pending)}
        if webhook.url:
            info["max_connections"] = webhook.max_connections
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        if webhook.last_error_date is not None:
            info |= {"last_error_date": webhook.last_error_date, "last_error_message": webhook.last_error_message}
        return info

    def _configure(self, allowed_updates: list[str] | None, drop_pending: bool) -> None:
        if allowed_updates is not None:  # absent: keep the previous setting, as Telegram does
            self.allowed_updates = allowed_updates
        if drop_pending:
            self.pending.clear()

    # ---- getUpdates ------------------------------------------------------------------------------

    async def poll(
        self, *, offset: int | None, limit: int, timeout: float, allowed_updates: list[str] | None
    ) -> list[dict[str, Any]]:
        """Queued updates from `offset` on, waiting up to `timeout` (capped) for the first one."""
        if self.webhook.url:
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        self._configure(allowed_updates, drop_pending=False)
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()
        deadline = time.monotonic() + min(timeout, self._config.long_poll_cap_s)
        while not self.pending and (remaining := deadline - time.monotonic()) > 0:
            arrived = self._arrived
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), remaining)
            if generation != self._poll_generation:
                raise BotApiError(
                    409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
                )
        return self.pending[:limit]

    def _confirm(self, offset: int | None) -> None:
        """Forget updates before `offset`; a negative offset keeps only the last -offset ones."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            del self.pending[:offset]
        else:
            self.pending = [update for update in self.pending if update["update_id"] >= offset]

    def _wake(self) -> None:
        self._arrived.set()
        self._arrived = asyncio.Event()


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
