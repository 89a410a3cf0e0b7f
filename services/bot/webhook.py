"""POST /telegram/webhook: Telegram's updates, accepted only with our secret header."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.bot.runner import BotRunner

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000


def webhook_route(secret: str, runner: Callable[[], BotRunner]) -> Route:
    async def receive(request: Request) -> JSONResponse:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call without the right secret from %s", request.client.host if request.client else "?")
            return JSONResponse({"ok": False, "error": "unauthorized"}, status_code=401)
        bot = runner()
        if not bot.ready.is_set():
            return JSONResponse({"ok": False, "error": "starting"}, status_code=503)
        body = await request.body()
        try:
            update = json.loads(body) if len(body) <= MAX_BODY else None
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return JSONResponse({"ok": False, "error": "bad update"}, status_code=400)
        await bot.process(update)
        return JSONResponse({"ok": True})

    return Route("/telegram/webhook", receive, methods=["POST"])
