"""The fake Telegram ASGI app: `create_app(FakeTelegramConfig(...))`."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from sandbox.telegram import control, page
from sandbox.telegram.bot_api import bot_api_call
from sandbox.telegram.config import FakeTelegramConfig
from sandbox.telegram.protocol import BotApiError
from sandbox.telegram.state import TelegramState

__all__ = ["FakeTelegramConfig", "create_app"]


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths ("/bot<token>/" with no method, say) answer in the Bot API's shape too.
    assert isinstance(exc, HTTPException)
    return BotApiError(exc.status_code, "Not Found" if exc.status_code == 404 else str(exc.detail)).response()


def create_app(config: FakeTelegramConfig | None = None) -> Starlette:
    routes = [
        Route("/bot{token}/{method}", bot_api_call, methods=["GET", "POST"]),
        Route("/", page.all_chats, methods=["GET"]),
        Route("/chat/{chat_id}", page.one_chat, methods=["GET"]),
        Mount("/__control", routes=control.routes),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    # Named `sandbox` because sandbox.serving.make_server releases hung calls at shutdown
    # through app.state.sandbox.faults.
    app.state.sandbox = TelegramState(config or FakeTelegramConfig())
    return app
