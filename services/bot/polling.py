"""`python -m services.bot.polling`: the bot without a public URL, for local development
against real Telegram. It removes the webhook, then long-polls for updates; the outbox worker
runs alongside, so responses made in a local app reach the dispatcher chat."""

from __future__ import annotations

import asyncio
import logging

from services.runtime import build_runtime
from services.settings import load_settings

log = logging.getLogger(__name__)


async def poll() -> None:
    runtime = build_runtime(load_settings(bot_webhook_url=""))
    application = runtime.bot.application
    await runtime.bot.start()
    await application.bot.delete_webhook()
    offset = 0
    try:
        while True:
            updates = await application.bot.get_updates(offset=offset, timeout=25,
                                                        allowed_updates=["message", "callback_query"])
            for update in updates:
                offset = update.update_id + 1
                await application.process_update(update)
    finally:
        await runtime.aclose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(poll())
