"""Signing a driver in: Telegram initData → a server-side session.

Outside Telegram there is no initData. In dev, a dev sign-in signs initData for a fixed test
driver with the dev bot token, so the very same validation runs; in prod the driver is told to
open the app from the bot.
"""

from __future__ import annotations

import hashlib
import json

from services.cargotech.models import CARGO_ID_RE
from services.errors import UserFacingError
from services.identity.sessions import SessionData, exchange_init_data
from services.identity.telegram_auth import MAX_INIT_DATA_CHARS as MAX_INIT_DATA
from services.identity.telegram_auth import InitDataError, TelegramUser, sign_init_data, validate_init_data
from services.infra.runtime import Runtime
from services.infra.settings import DEV_ADMIN_ID

DEV_DRIVER = {
    "id": DEV_ADMIN_ID,
    "first_name": "Иван",
    "last_name": "Петров (dev)",
    "username": "dev_driver",
    "language_code": "ru",
}

NOT_IN_TELEGRAM = "Откройте приложение из бота CargoTech в Telegram."
SIGN_IN_FAILED = "Не удалось войти. Закройте и снова откройте приложение из бота."


class SignInRefused(UserFacingError):
    """Why the app will not sign this launch in, in Russian, for the driver."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message=user_message)


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


# --- what a launch asks for ------------------------------------------------------------------
# A driver who has opened the app before is signed in by their stored session, but every launch
# brings its own initData: a t.me/<bot>?startapp=cargo_<id> link must open that cargo for them too.


def cargo_path(start_param: str | None) -> str | None:
    """`/cargo/<id>` for a launch through `startapp=cargo_<id>`; None for any other start_param."""
    start = start_param or ""
    if start.startswith("cargo_") and CARGO_ID_RE.match(start[6:]):
        return f"/cargo/{start[6:]}"
    return None


def launch_key(init_data: str) -> str:
    """A fingerprint of one launch (its signed initData, unique per launch), so a reload of the
    same web view does not follow the launch's link again."""
    return hashlib.sha256(init_data.encode()).hexdigest()[:16]


def read_launch(init_data: str, bot_token: str, *, now: float | None = None) -> TelegramUser | None:
    """Who launched the app and with which start_param, if Telegram signed it and it is fresh;
    None for no initData, a forgery or an old launch (a reload minutes later)."""
    if not isinstance(init_data, str) or not init_data or len(init_data) > MAX_INIT_DATA:
        return None
    try:
        return validate_init_data(init_data, bot_token, now=now)
    except InitDataError:
        return None


def launch_of(runtime: Runtime, init_data: str) -> TelegramUser | None:
    settings = runtime.settings
    assert settings.telegram_bot_token is not None
    return read_launch(init_data, settings.telegram_bot_token.get_secret_value())
