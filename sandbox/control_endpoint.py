"""The wrapper every `/__control/*` handler of both stand-ins goes through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.responses import message


def control(handler: Callable[[Request, Any], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Call `handler(request, app state)`; bad control input answers 422 and changes nothing."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, request.app.state.sandbox)
        except ValueError as exc:
            return message(422, str(exc))

    return endpoint
