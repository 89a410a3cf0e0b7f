"""Shared constants and the stand-in for our app's webhook endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot
from telegram.request import HTTPXRequest

TOKEN = "7000000001:test-token-for-the-fake"
BOT_ID = 7000000001
DISPATCHER_CHAT = -1000000000001
DISPATCHER = 900000001
DRIVER = 500000001
SECRET = "webhook-secret_42"
ACCEPT_KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Принять", "callback_data": "accept:7"}, {"text": "Отклонить", "callback_data": "reject:7"}],
        [{"text": "Выполнено", "callback_data": "done:7"}],
    ]
}


def make_bot(base_url: str, *, read_timeout: float = 5.0) -> Bot:
    """The real python-telegram-bot client, pointed at the fake."""
    request = HTTPXRequest(connect_timeout=2.0, read_timeout=read_timeout)
    return Bot(TOKEN, base_url=base_url, request=request, get_updates_request=HTTPXRequest(read_timeout=5.0))


class WebhookReceiver:
    """Our app's webhook, reduced to recording what arrives and answering `status`; `on_update`
    runs while the request is held open, as a real handler would."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.on_update: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        self.app = Starlette(routes=[Route("/telegram/webhook", self._receive, methods=["POST"])])

    def clear(self) -> None:
        self.requests.clear()
        self.status, self.on_update = 200, None

    async def _receive(self, request: Request) -> Response:
        update = await request.json()
        self.requests.append({"headers": dict(request.headers), "update": update})
        if self.on_update is not None:
            await self.on_update(update)
        return Response(status_code=self.status)
