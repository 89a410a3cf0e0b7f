"""The account and its endpoints: login (Sanctum or seed shape), refresh (seed shape), /v1/me.

Passwords and tokens are compared and stored, never logged or echoed."""

from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.responses import ValidationFailed, json_object, json_response, message, not_found, unauthenticated

if TYPE_CHECKING:
    from sandbox.state import SandboxState

ACCOUNT_ID = 12345
ACCOUNT_NAME = "Иван Петров"
ACCOUNT_COMPANY = {
    "id": 50017,
    "inn": "7814471234",  # a St Petersburg INN with a valid check digit
    "name": "ООО «Северный путь»",
    "type": "legal",
    "security_status": "verified",
}
BAD_CREDENTIALS = "These credentials do not match our records."


def normalise_phone(text: str) -> str:
    """Digits only, Russian numbers as 7XXXXXXXXXX, so `+7 911 111-11-11` equals `89111111111`."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] == "8":
        return "7" + digits[1:]
    if len(digits) == 10:
        return "7" + digits
    return digits


def masked_phone(text: str) -> str:
    digits = normalise_phone(text)
    return f"+{digits[0]} {digits[1:4]} ***-**-{digits[-2:]}" if len(digits) == 11 else "***"


def bearer_token(request: Request) -> str | None:
    """The token from `Authorization: Bearer …`; cookies are never accepted."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def suspended() -> Response:
    return message(403, "This account is suspended.")


def _required_text(body: dict[str, Any] | None, *names: str) -> list[str]:
    body = body or {}  # like Laravel: a body that is not a JSON object has no fields
    missing = {
        name: f"The {name} field is required." for name in names if not isinstance(body.get(name), str) or not body[name].strip()
    }
    if missing:
        raise ValidationFailed(missing)
    return [body[name] for name in names]


def _seed_answer(state: SandboxState, pair: tuple[str, str]) -> Response:
    return json_response(
        {
            "access_token": pair[0],
            "token_type": "Bearer",
            "expires_in": state.config.expires_in,
            "refresh_token": pair[1],
            "driver_id": ACCOUNT_ID,
            "driver_name": ACCOUNT_NAME,
        }
    )


async def login(request: Request, state: SandboxState) -> Response:
    phone, password = _required_text(await json_object(request), "phone", "password")
    config = state.config
    phone_ok = normalise_phone(phone) == normalise_phone(config.phone)
    password_ok = hmac.compare_digest(password.encode(), config.password.encode())
    if not (phone_ok and password_ok):
        return ValidationFailed({"phone": BAD_CREDENTIALS}).response(config.bad_credentials_status)
    if config.suspended:
        return suspended()
    state.stats.logins_ok += 1
    if config.auth_shape == "seed":
        return _seed_answer(state, state.tokens.mint_pair(ACCOUNT_ID, state.clock.now(), config.expires_in))
    return json_response({"data": {"token": state.tokens.mint_sanctum()}})


async def refresh(request: Request, state: SandboxState) -> Response:
    """Seed shape only: the real API has no refresh endpoint."""
    if state.config.auth_shape != "seed":
        return not_found()
    (refresh_token,) = _required_text(await json_object(request), "refresh_token")
    if state.config.suspended:
        return suspended()
    pair = state.tokens.refresh(refresh_token, ACCOUNT_ID, state.clock.now(), state.config.expires_in)
    return unauthenticated() if pair is None else _seed_answer(state, pair)


async def me(request: Request, state: SandboxState) -> Response:
    return json_response(
        {
            "data": {
                "id": ACCOUNT_ID,
                "name": ACCOUNT_NAME,
                "phone": masked_phone(state.config.phone),
                "company": ACCOUNT_COMPANY,
            }
        }
    )
