"""`python -m services.bot.polling`: the bot without a public URL, for local development
against real Telegram. It removes the webhook, then long-polls for updates; the outbox worker
runs alongside, so responses made in a local app reach the dispatcher chat."""

from __future__ import annotations

import asyncio
import logging

from services.infra.runtime import build_runtime
from services.infra.settings import load_settings

log = logging.getLogger(__name__)


async def poll() -> None:
    runtime = build_runtime(load_settings(bot_webhook_url=""))
    application = runtime.bot.application
    await runtime.bot.start()
    await application.bot.delete_webhook()
    offset = 0
    try:
        while True:
            updates = await application.bot.get_updates(offset=offset, timeout=25, allowed_updates=["message", "callback_query"])
            for update in updates:
                offset = update.update_id + 1
                await application.process_update(update)
    finally:
        await runtime.aclose()


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO)
    # httpx logs every request URL at INFO, and the Bot API's URLs carry the token: a long poll
    # would print it every 25 s. The token is also redacted (services/infra/log_redaction.py).
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


if __name__ == "__main__":
    configure_logging()
    asyncio.run(poll())
