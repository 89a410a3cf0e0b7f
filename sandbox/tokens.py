"""Issued tokens. Sanctum tokens (`<id>|<40 chars>`) live until revoked; seed-shape access
tokens expire on the sandbox clock and come with a one-use refresh token."""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import string

_ALPHANUMERIC = string.ascii_letters + string.digits
_JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"HS256","typ":"JWT"}


def _secret(length: int) -> str:
    return "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length))


def _jwt_like(token_id: int, subject: int) -> str:
    claims = base64.urlsafe_b64encode(json.dumps({"sub": subject, "jti": token_id}).encode()).rstrip(b"=").decode()
    return f"{_JWT_HEADER}.{claims}.{secrets.token_urlsafe(32)}"


class TokenStore:
    def __init__(self) -> None:
        self._expiry: dict[str, float | None] = {}  # access token → expiry on the sandbox clock, None: never
        self._refresh: dict[str, str] = {}  # refresh token → the access token it replaces
        # Ids keep growing across revocations and resets, like a database sequence.
        self._ids = itertools.count(1)

    def mint_sanctum(self) -> str:
        token = f"{next(self._ids)}|{_secret(40)}"
        self._expiry[token] = None
        return token

    def mint_pair(self, subject: int, now: float, lifetime_s: int) -> tuple[str, str]:
        access = _jwt_like(next(self._ids), subject)
        refresh = _secret(64)
        self._expiry[access] = now + lifetime_s
        self._refresh[refresh] = access
        return access, refresh

    def is_live(self, token: str | None, now: float) -> bool:
        if token is None or token not in self._expiry:
            return False
        expiry = self._expiry[token]
        if expiry is not None and now >= expiry:
            del self._expiry[token]
            return False
        return True

    def refresh(self, refresh_token: str, subject: int, now: float, lifetime_s: int) -> tuple[str, str] | None:
        """A new pair for a known refresh token; the old access and refresh tokens stop working."""
        old_access = self._refresh.pop(refresh_token, None)
        if old_access is None:
            return None
        self._expiry.pop(old_access, None)
        return self.mint_pair(subject, now, lifetime_s)

    def revoke_all(self) -> int:
        revoked = len(self._expiry)
        self._expiry.clear()
        self._refresh.clear()
        return revoked

    def live_count(self, now: float) -> int:
        return sum(1 for expiry in self._expiry.values() if expiry is None or now < expiry)
