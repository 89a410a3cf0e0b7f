"""Bot API methods about receiving updates: setWebhook, deleteWebhook, getWebhookInfo, getUpdates.

Unlike Telegram, plain-http and loopback webhook URLs on any port are accepted: the app under
test listens on 127.0.0.1.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.telegram import params as p
from sandbox.telegram.protocol import bad_request
from sandbox.telegram.state import MethodHandler, TelegramState

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_UPDATES = 100


async def set_webhook(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    url = p.string(params, "url") or ""
    drop_pending = p.boolean(params, "drop_pending_updates")
    if not url:  # an empty url removes the webhook
        state.updates.delete_webhook(drop_pending=drop_pending)
        return True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: invalid webhook URL specified")
    secret = p.string(params, "secret_token") or None
    if secret is not None and not SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = p.integer(params, "max_connections")
    if max_connections is not None and not 1 <= max_connections <= 100:
        raise bad_request("invalid max_connections specified")
    state.updates.set_webhook(
        url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=_allowed_updates(params),
        drop_pending=drop_pending,
    )
    return True


async def delete_webhook(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    state.updates.delete_webhook(drop_pending=p.boolean(params, "drop_pending_updates"))
    return True


async def get_webhook_info(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    return state.updates.webhook_info()


async def get_updates(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    limit = p.integer(params, "limit") or MAX_UPDATES
    timeout = p.integer(params, "timeout") or 0
    return await state.updates.poll(
        offset=p.integer(params, "offset"),
        limit=min(max(limit, 1), MAX_UPDATES),
        timeout=max(timeout, 0),
        allowed_updates=_allowed_updates(params),
    )


def _allowed_updates(params: dict[str, Any]) -> list[str] | None:
    allowed = p.json_value(params, "allowed_updates", list)
    if allowed is not None and not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed_updates JSON array")
    return allowed


METHODS: dict[str, MethodHandler] = {
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "getUpdates": get_updates,
}
