"""The Bot API's answer envelope and its errors.

Every answer is `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description":
"...", "parameters"?: {"retry_after": N}}`, the shape python-telegram-bot turns into its
exceptions (RetryAfter from parameters.retry_after, BadRequest for 400, InvalidToken for 401/404,
NetworkError for 5xx).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from sandbox.responses import json_response

# A real token is `<bot id>:<35 characters>`; any well-formed one is accepted here.
TOKEN_PATTERN = re.compile(r"(\d{1,20}):(.+)")


class BotApiError(Exception):
    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body

    def response(self) -> Response:
        return json_response(self.body(), self.status)


def bad_request(detail: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {detail}")


def unauthorized() -> BotApiError:
    return BotApiError(401, "Unauthorized")


def not_found() -> BotApiError:
    return BotApiError(404, "Not Found")


def ok(result: Any) -> Response:
    return json_response({"ok": True, "result": result})


def bot_id_from_token(token: str) -> int:
    """The bot's user id (the token's digits); Unauthorized for anything not token-shaped."""
    match = TOKEN_PATTERN.fullmatch(token)
    if match is None or int(match.group(1)) == 0:
        raise unauthorized()
    return int(match.group(1))
