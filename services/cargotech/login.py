"""The login call itself: phone + password → token, in either answer shape."""

from __future__ import annotations

import dataclasses
import logging

import httpx
from httpx._client import USE_CLIENT_DEFAULT, UseClientDefault

from services.cargotech.errors import CargoTechAuthFailed, CargoTechUnavailable
from services.cargotech.retry_policy import RETRYABLE_STATUSES

log = logging.getLogger(__name__)


class LoginTransient(CargoTechUnavailable):
    """A login that may well succeed if asked again: 429, 5xx, a timeout or a dropped connection."""


@dataclasses.dataclass(frozen=True)
class LoginResult:
    # repr=False keeps the secret out of logs and tracebacks.
    token: str = dataclasses.field(repr=False)
    expires_in: int | None = None
    refresh_token: str | None = dataclasses.field(default=None, repr=False)

    @property
    def token_id(self) -> str | None:
        """The numeric id before `|` in a Sanctum token: safe to log and show admins."""
        head, sep, _ = self.token.partition("|")
        return head if sep and head.isdigit() else None


def parse_login_answer(body: object) -> LoginResult:
    """Accept the real `{"data": {"token"}}` answer and the OAuth-like `access_token` shape."""
    if isinstance(body, dict):
        data = body.get("data")
        if isinstance(data, dict) and isinstance(data.get("token"), str):
            return LoginResult(token=data["token"])
        if isinstance(body.get("access_token"), str):
            expires = body.get("expires_in")
            return LoginResult(
                token=body["access_token"],
                expires_in=int(expires) if isinstance(expires, (int, float)) else None,
                refresh_token=body.get("refresh_token") if isinstance(body.get("refresh_token"), str) else None,
            )
    raise CargoTechUnavailable("login answer has no token")


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (the API sends integers), or None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


async def login(http: httpx.AsyncClient, phone: str, password: str, *, timeout_s: float | None = None) -> LoginResult:
    """POST /v1/auth/login. Raises CargoTechAuthFailed (401/403/422), LoginTransient (worth
    retrying) or CargoTechUnavailable (any other answer we cannot use)."""
    timeout: float | UseClientDefault = USE_CLIENT_DEFAULT if timeout_s is None else max(0.05, timeout_s)
    try:
        response = await http.post(
            "/v1/auth/login", json={"phone": phone, "password": password, "remember": True}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        raise LoginTransient(f"login transport error: {type(exc).__name__}") from exc
    if response.status_code in (401, 403, 422):
        raise CargoTechAuthFailed(f"login refused with {response.status_code}", status=response.status_code)
    if response.status_code in RETRYABLE_STATUSES or response.status_code >= 500:
        raise LoginTransient(f"login answered {response.status_code}", retry_after_s=retry_after_seconds(response))
    if response.status_code != 200:
        raise CargoTechUnavailable(f"login answered {response.status_code}", retry_after_s=retry_after_seconds(response))
    try:
        return parse_login_answer(response.json())
    except ValueError as exc:
        # An HTML page from a proxy in front of CargoTech, typically mid-deploy.
        raise LoginTransient("login answer is not JSON") from exc
