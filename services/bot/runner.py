"""The bot inside the app process: python-telegram-bot in webhook mode plus the outbox worker.

Telegram may be down when the app starts; the runner keeps trying in the background instead
of failing the app, and answers webhooks with 503 (Telegram retries them) until it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from services.bot.handlers import BotHandlers
from services.bot.outbox_worker import OutboxWorker
from services.infra.log_redaction import redact_in_logs
from services.infra.settings import Settings

log = logging.getLogger(__name__)


def build_application(settings: Settings) -> Application:
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    redact_in_logs(token)  # the Bot API carries it in every request URL
    builder = Application.builder().token(token).updater(None)
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    return builder.build()


class BotRunner:
    def __init__(self, settings: Settings, handlers: BotHandlers, worker: OutboxWorker) -> None:
        self._settings = settings
        self.application = build_application(settings)
        handlers.install(self.application)
        self.worker = worker
        self.ready = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        """Initialise against Telegram (retrying), then run the outbox worker."""
        delay = 1.0
        while True:
            try:
                await self.application.initialize()
                await self.application.start()
                break
            except TelegramError as exc:
                log.warning("Telegram unavailable at start (%s); retrying in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
        if self._settings.bot_webhook_url:
            await self._register_webhook()
        self.ready.set()
        self._tasks.append(asyncio.create_task(self.worker.run(self.application.bot)))

    async def _register_webhook(self) -> None:
        # Dev and tests point the fake Bot API at this process; production uses `python -m services.bot.setup`.
        assert self._settings.telegram_webhook_secret is not None
        try:
            await self.application.bot.set_webhook(
                self._settings.bot_webhook_url,
                secret_token=self._settings.telegram_webhook_secret.get_secret_value(),
                allowed_updates=["message", "callback_query"],
            )
        except TelegramError as exc:
            log.warning("could not register the webhook: %s", exc)

    async def process(self, data: dict) -> None:
        await self.application.process_update(Update.de_json(data, self.application.bot))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.ready.is_set():  # stop once, however often we are asked
            self.ready.clear()
            await self.application.stop()
            await self.application.shutdown()
