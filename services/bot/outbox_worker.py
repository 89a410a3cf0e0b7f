"""Delivers outbox messages through the Bot API, in order, each once.

Telegram 429 waits its retry_after; 5xx, timeouts and network errors back off exponentially;
after `max_attempts` failures, or at once on a refusal that no retry fixes (400/403), a
message becomes a dead letter and the admins are alerted. The message id Telegram returns is
stored, and the row is marked sent right after the call returns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Awaitable

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from services.bot.keyboards import keyboard
from services.clock import utcnow
from services.dispatch.outbox import Outbox, Outgoing
from services.dispatch.responses import ResponseService
from services.infra.notifier import Notifier
from services.vocabulary import LOW_LANE_KINDS, OutboxKind

log = logging.getLogger(__name__)


async def _to_the_end(work: Awaitable[None]) -> None:
    """Run `work` to completion; a cancellation meanwhile is delivered once it is done."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


class OutboxWorker:
    def __init__(
        self,
        outbox: Outbox,
        responses: ResponseService,
        notifier: Notifier,
        *,
        max_attempts: int = 8,
        max_backoff_s: float = 60.0,
        idle_poll_s: float = 5.0,
    ) -> None:
        self._outbox = outbox
        self._responses = responses
        self._notifier = notifier
        self._max_attempts = max_attempts
        self._max_backoff_s = max_backoff_s
        self._idle_poll_s = idle_poll_s
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self, bot: Bot) -> None:
        while True:
            try:
                waited = await self.step(bot)
            except Exception:  # a database blip must not stop delivery for good
                log.exception("outbox worker step failed; retrying shortly")
                waited = self._idle_poll_s
            if waited is not None:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=waited)
                except TimeoutError:
                    pass

    async def step(self, bot: Bot) -> float | None:
        """Deliver the next due message. None if one was handled, else how long to wait."""
        claimed = await self._claim()
        if claimed is None:
            return self._idle_poll_s
        if isinstance(claimed, dt.datetime):
            return max(0.0, min(self._idle_poll_s, (claimed - utcnow()).total_seconds()))
        await self._deliver(bot, claimed)
        return None

    async def _claim(self) -> Outgoing | dt.datetime | None:
        # The claim commits in a database thread that a stop cannot interrupt. A stop landing
        # meanwhile would lose the claimed row's id and leave it leased for the whole lease,
        # so the claim runs to its end and a row it took is handed back before stopping.
        claiming = asyncio.ensure_future(self._outbox.claim_next())
        try:
            return await asyncio.shield(claiming)
        except asyncio.CancelledError:
            claimed = await claiming
            if isinstance(claimed, Outgoing):
                await self._outbox.release(claimed.id)
            raise

    async def _deliver(self, bot: Bot, message: Outgoing) -> None:
        try:
            sent = await bot.send_message(
                message.chat_id,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(message.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except asyncio.CancelledError:
            # Stopped mid-send (a deploy, a restart): hand the message back now, so the next
            # worker sends it at once instead of after the lease.
            await self._outbox.release(message.id)
            raise
        except RetryAfter as exc:
            delay = exc.retry_after.total_seconds() if isinstance(exc.retry_after, dt.timedelta) else exc.retry_after
            await _to_the_end(self._failed(message, float(delay), f"429: retry after {delay}"))
        except (BadRequest, Forbidden) as exc:
            await _to_the_end(self._bury(message, f"refused: {exc.message}"))
        except TelegramError as exc:  # 5xx, timeouts, network errors
            delay = min(self._max_backoff_s, 2**message.attempts) * random.uniform(0.8, 1.2)
            await _to_the_end(self._failed(message, delay, f"{type(exc).__name__}: {exc.message}"))
        else:
            # The bookkeeping after a call finishes even if a stop lands meanwhile: a response
            # must not stay «в очереди» although the dispatcher has it.
            await _to_the_end(self._sent(message, sent.message_id))

    async def _sent(self, message: Outgoing, telegram_message_id: int) -> None:
        await self._outbox.mark_sent(message.id, telegram_message_id)
        if message.kind == OutboxKind.DISPATCHER:
            await self._responses.mark_announced(message.response_id, telegram_message_id)

    async def _failed(self, message: Outgoing, delay_s: float, error: str) -> None:
        if message.attempts + 1 >= self._max_attempts:
            await self._bury(message, error)
            return
        log.warning("outbox message %s: %s; retry in %.1f s", message.id, error, delay_s)
        await self._outbox.retry_later(message.id, delay_s=delay_s, error=error)

    async def _bury(self, message: Outgoing, error: str) -> None:
        log.error("outbox message %s is a dead letter: %s", message.id, error)
        await self._outbox.bury(message.id, error=error)
        # An undeliverable admin alert must not breed more alerts, and a driver who blocked the
        # bot is not an incident: new-cargo alerts to them are dead letters on the admin page only.
        if message.kind not in (OutboxKind.ALERT, *LOW_LANE_KINDS):
            await self._notifier.alert(
                "error", f"outbox_dead_{message.kind}", f"Сообщение бота №{message.id} ({message.kind}) не доставлено: {error}"
            )
