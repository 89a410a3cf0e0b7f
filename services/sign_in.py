"""Signing a driver in: Telegram initData → a server-side session.

Outside Telegram there is no initData. In dev, a dev sign-in signs initData for a fixed test
driver with the dev bot token, so the very same validation runs; in prod the driver is told to
open the app from the bot.
"""

from __future__ import annotations

import json

from services.runtime import Runtime
from services.settings import DEV_ADMIN_ID
from services.sessions import SessionData, exchange_init_data
from services.telegram_auth import MAX_INIT_DATA_CHARS as MAX_INIT_DATA
from services.telegram_auth import InitDataError, TelegramUser, sign_init_data

DEV_DRIVER = {"id": DEV_ADMIN_ID, "first_name": "Иван", "last_name": "Петров (dev)", "username": "dev_driver",
              "language_code": "ru"}

NOT_IN_TELEGRAM = "Откройте приложение из бота CargoTech в Telegram."
SIGN_IN_FAILED = "Не удалось войти. Закройте и снова откройте приложение из бота."


class SignInRefused(Exception):
    """`user_message` is Russian, for the driver."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def dev_init_data(bot_token: str) -> str:
    return sign_init_data({"user": json.dumps(DEV_DRIVER, ensure_ascii=False), "query_id": "dev"}, bot_token)


async def sign_in(runtime: Runtime, init_data: str) -> tuple[str, TelegramUser]:
    """(session id, driver). Raises SignInRefused."""
    settings = runtime.settings
    assert settings.telegram_bot_token is not None
    bot_token = settings.telegram_bot_token.get_secret_value()
    if not isinstance(init_data, str) or len(init_data) > MAX_INIT_DATA:
        raise SignInRefused(SIGN_IN_FAILED)
    if not init_data:
        if settings.is_prod:
            raise SignInRefused(NOT_IN_TELEGRAM)
        init_data = dev_init_data(bot_token)
    try:
        return await exchange_init_data(runtime.sessions, init_data, bot_token, monitor=runtime.auth_monitor)
    except InitDataError as exc:
        raise SignInRefused(SIGN_IN_FAILED) from exc


async def resume(runtime: Runtime, session_id: str) -> SessionData | None:
    if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
        return None
    return await runtime.sessions.get(session_id)
