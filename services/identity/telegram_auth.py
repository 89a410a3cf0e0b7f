"""Telegram Mini App `initData`: who the driver is, proven by Telegram's signature.

Two checks, as Telegram specifies (core.telegram.org/bots/webapps, "Validating data received via the
Mini App" and "Validating data for Third-Party Use"):

* `validate_init_data`: the `hash` field is hex HMAC-SHA256 of the data-check string, keyed with
  HMAC-SHA256(key="WebAppData", msg=bot_token). Only `hash` leaves the data-check string; a
  `signature` field stays in it (the published init-data-golang vector only verifies that way).
* `validate_third_party`: the `signature` field is Telegram's Ed25519 signature, checkable without
  the bot token, over f"{bot_id}:WebAppData\\n" + the pairs without `hash` and `signature`.

initData is form-encoded (URLSearchParams), so `+` decodes to a space: aiogram's published vector
with `+`-encoded spaces only verifies that way. Every value is hashed exactly as decoded, never
re-serialised: the `user` JSON keeps Telegram's `\\/` escapes, and re-encoding it would break the hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar
from urllib.parse import quote, unquote_plus, urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

log = logging.getLogger("telegram_auth")

# Telegram's published Ed25519 keys for third-party validation. The production key verifies real
# Telegram signatures (the init-data-golang and init-data-node vectors); the test-environment key is
# as published by those libraries, with no signed sample to confirm it.
TELEGRAM_PUBLIC_KEY_PROD = "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d"
TELEGRAM_PUBLIC_KEY_TEST = "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec"

# Telegram's clock and ours disagree a little; more than this ahead is not skew but a forged date.
FUTURE_SKEW_S = 60
# Real initData is a few KB; refusing megabytes up front keeps HMAC and JSON work bounded.
MAX_INIT_DATA_CHARS = 16_384

Reason = Literal["missing_hash", "bad_hash", "expired", "malformed"]
_AUTH_DATE = re.compile(r"[0-9]{1,12}")
T = TypeVar("T")


class InitDataError(ValueError):
    """initData was rejected; `reason` is a stable label for metrics and the failure monitor."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


@dataclass(frozen=True, slots=True)
class TelegramUser:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    photo_url: str | None
    is_premium: bool
    allows_write_to_pm: bool
    auth_date: int
    start_param: str | None
    query_id: str | None


def validate_init_data(init_data: str, bot_token: str, *, max_age_s: int | None = 300, now: float | None = None) -> TelegramUser:
    """The user initData vouches for, if its `hash` was made with `bot_token` and it is fresh.

    `max_age_s=None` skips the age check (a date far in the future is still refused).
    """
    try:
        fields = _parse(init_data)
        received = fields.pop("hash", "")
        if not received:
            raise InitDataError("missing_hash", "initData has no hash")
        auth_date = _auth_date(fields)
        expected = hmac.new(_secret_key(bot_token), _check_string(fields).encode(), hashlib.sha256).hexdigest()
        # Bytes, so that a non-ASCII hash is a mismatch rather than a TypeError.
        if not hmac.compare_digest(expected.encode(), received.encode()):
            raise InitDataError("bad_hash", "initData hash does not match the bot token")
        # Age is judged only on data Telegram really signed, so "expired" in the logs means a
        # genuine but stale launch, never a forgery.
        _check_age(auth_date, max_age_s, now)
        return _user(fields, auth_date)
    except InitDataError as exc:
        log.warning("initData rejected: %s", exc.reason)
        raise


def validate_third_party(
    init_data: str,
    bot_id: int,
    *,
    public_key_hex: str,
    max_age_s: int | None = 300,
    now: float | None = None,
) -> TelegramUser:
    """The user initData vouches for, if Telegram's Ed25519 `signature` over it checks out.

    `public_key_hex` is TELEGRAM_PUBLIC_KEY_PROD or TELEGRAM_PUBLIC_KEY_TEST; a key that is not
    32 hex-encoded bytes is a configuration error and raises ValueError.
    """
    public_key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
    try:
        fields = _parse(init_data)
        fields.pop("hash", None)
        signature = _unbase64url(fields.pop("signature", ""))
        auth_date = _auth_date(fields)
        message = f"{bot_id}:WebAppData\n{_check_string(fields)}".encode()
        try:
            public_key.verify(signature, message)
        except InvalidSignature:
            raise InitDataError("bad_hash", "initData signature is not Telegram's for this bot") from None
        _check_age(auth_date, max_age_s, now)
        return _user(fields, auth_date)
    except InitDataError as exc:
        log.warning("third-party initData rejected: %s", exc.reason)
        raise


def sign_init_data(fields: Mapping[str, str], bot_token: str) -> str:
    """A URL-encoded initData string carrying `fields`, signed as Telegram would sign it.

    For the dev sign-in and tests. `auth_date` defaults to now; `fields` must not contain `hash`.
    """
    if "hash" in fields:
        raise ValueError("fields must not contain 'hash': it is computed here")
    signed = {"auth_date": str(int(time.time())), **fields}
    digest = hmac.new(_secret_key(bot_token), _check_string(signed).encode(), hashlib.sha256).hexdigest()
    # quote, not quote_plus: spaces become %20 as in real Telegram initData, and a literal '+' is %2B.
    return urlencode([*sorted(signed.items()), ("hash", digest)], quote_via=quote)


def _parse(init_data: str) -> dict[str, str]:
    if not init_data:
        raise InitDataError("malformed", "initData is empty")
    if len(init_data) > MAX_INIT_DATA_CHARS:
        raise InitDataError("malformed", "initData is too long")
    fields: dict[str, str] = {}
    for pair in init_data.split("&"):
        raw_key, sep, raw_value = pair.partition("=")
        if not sep:
            raise InitDataError("malformed", "initData has a field without '='")
        try:
            key, value = unquote_plus(raw_key, errors="strict"), unquote_plus(raw_value, errors="strict")
        except UnicodeDecodeError:
            raise InitDataError("malformed", "initData is not UTF-8") from None
        # Two values for one key would let the hashed value and the trusted value differ.
        if key in fields:
            raise InitDataError("malformed", "initData repeats a field")
        fields[key] = value
    return fields


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))


def _secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _unbase64url(signature: str) -> bytes:
    if not signature:
        raise InitDataError("missing_hash", "initData has no signature")
    try:
        # Telegram sends base64url without padding; b64decode wants it back.
        decoded = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except (binascii.Error, ValueError):
        raise InitDataError("bad_hash", "initData signature is not base64url") from None
    if len(decoded) != 64:
        raise InitDataError("bad_hash", "initData signature is not an Ed25519 signature")
    return decoded


def _auth_date(fields: Mapping[str, str]) -> int:
    value = fields.get("auth_date")
    if value is None or not _AUTH_DATE.fullmatch(value):
        raise InitDataError("malformed", "initData auth_date is missing or not an integer")
    return int(value)


def _check_age(auth_date: int, max_age_s: int | None, now: float | None) -> None:
    current = time.time() if now is None else now
    if auth_date > current + FUTURE_SKEW_S:
        raise InitDataError("expired", "initData auth_date is in the future")
    if max_age_s is not None and current - auth_date > max_age_s:
        raise InitDataError("expired", f"initData is older than {max_age_s} s")


def _user(fields: Mapping[str, str], auth_date: int) -> TelegramUser:
    try:
        raw = json.loads(fields["user"])
    except (KeyError, ValueError):
        raise InitDataError("malformed", "initData has no valid user JSON") from None
    if not isinstance(raw, dict):
        raise InitDataError("malformed", "initData user is not a JSON object")
    user_id = raw.get("id")
    if type(user_id) is not int or user_id <= 0:  # bool is an int subclass; ids are positive
        raise InitDataError("malformed", "initData user id is not a positive integer")
    first_name = raw.get("first_name")
    if not isinstance(first_name, str):
        raise InitDataError("malformed", "initData user has no first_name")
    return TelegramUser(
        id=user_id,
        first_name=first_name,
        last_name=_optional(raw, "last_name", str),
        username=_optional(raw, "username", str),
        language_code=_optional(raw, "language_code", str),
        photo_url=_optional(raw, "photo_url", str),
        is_premium=_optional(raw, "is_premium", bool) or False,
        allows_write_to_pm=_optional(raw, "allows_write_to_pm", bool) or False,
        auth_date=auth_date,
        start_param=fields.get("start_param"),
        query_id=fields.get("query_id"),
    )


def _optional(raw: Mapping[str, object], key: str, kind: type[T]) -> T | None:
    value = raw.get(key)
    if value is None or isinstance(value, kind):
        return value
    raise InitDataError("malformed", f"initData user field {key} has the wrong type")
