"""`python -m services.bot.setup`: point Telegram at this deployment.

Sets the webhook (PUBLIC_URL + /telegram/webhook, with TELEGRAM_WEBHOOK_SECRET), the bot's
commands, and the chat menu button that opens the Mini App. Run it once per deployment (and
again when PUBLIC_URL changes).
"""

from __future__ import annotations

import asyncio
import sys

from telegram import BotCommand, MenuButtonWebApp, WebAppInfo

from services.bot.runner import build_application
from services.infra.settings import SettingsError, load_settings


async def configure() -> str:
    settings = load_settings()
    assert settings.telegram_webhook_secret is not None
    base = settings.public_url.rstrip("/")
    webhook = settings.bot_webhook_url or f"{base}/telegram/webhook"
    application = build_application(settings)
    async with application.bot as bot:
        await bot.set_webhook(
            webhook,
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=["message", "callback_query"],
        )
        await bot.set_my_commands([BotCommand("start", "Открыть грузы CargoTech")])
        await bot.set_chat_menu_button(menu_button=MenuButtonWebApp("Грузы", WebAppInfo(f"{base}/")))
        return f"@{bot.username}: webhook {webhook}, menu button → {base}/"


def main() -> None:
    try:
        print(asyncio.run(configure()))
    except SettingsError as exc:
        sys.exit(str(exc))


if __name__ == "__main__":
    main()
