"""JSON answers in the shapes the real (Laravel) API uses."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response


def dump_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


async def json_object(request: Request) -> dict[str, Any] | None:
    """The request body as a JSON object; {} when empty, None when it is not an object."""
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def json_response(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return raw_json(dump_json(payload), status, headers)


def raw_json(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """For bodies assembled from pre-serialised parts (the cargo list)."""
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def message(status: int, text: str, headers: Mapping[str, str] | None = None) -> Response:
    return json_response({"message": text}, status, headers)


def unauthenticated() -> Response:
    return message(401, "Unauthenticated.")


def not_found() -> Response:
    return message(404, "Not Found.")


class ValidationFailed(Exception):
    """Laravel's 422: every bad field at once, each with its messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)

    def response(self, status: int = 422) -> Response:
        messages = list(self.errors.values())
        summary = messages[0]
        if len(messages) > 1:
            more = len(messages) - 1
            summary += f" (and {more} more error{'s' if more > 1 else ''})"
        return json_response({"message": summary, "errors": {f: [m] for f, m in self.errors.items()}}, status)
