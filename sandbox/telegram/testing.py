"""`FakeTelegramServer`: the fake Bot API on a free loopback port, for any test suite.

    with FakeTelegramServer(dispatcher_chat=-1000000000001, dispatcher_user=900000001) as fake:
        bot = telegram.Bot("123456:any-token", base_url=fake.base_url)   # python-telegram-bot
        fake.chat(-1000000000001)["messages"]                             # what the chat shows now
        fake.press_button(-1000000000001, message_id, "accept:7")         # → our webhook
        fake.fault(status=502, count=2, method="sendMessage")
        fake.reset()                                                      # fresh state between tests

The server runs uvicorn in a background thread with its own event loop, so the helpers are
plain sync calls usable from sync and async tests alike. One catch: press_button, send_text and
post_update wait for the webhook's answer, so when the webhook is served by the test's own event
loop, call them through `await asyncio.to_thread(...)`. The helpers speak HTTP to
`/__control/*`; see sandbox/telegram/control.py for the wire format.
"""

from __future__ import annotations

import enum
from typing import Any

from starlette.applications import Starlette

from sandbox.local_server import LocalServer
from sandbox.telegram.app import create_app
from sandbox.telegram.config import FakeTelegramConfig


class _Registered(enum.Enum):
    SECRET = "the secret_token given to setWebhook"


REGISTERED_SECRET = _Registered.SECRET


class FakeTelegramServer(LocalServer):
    name = "fake Telegram"

    def __init__(self, config: FakeTelegramConfig | None = None, **overrides: Any) -> None:
        super().__init__()
        self.config = (config or FakeTelegramConfig()).replace(**overrides)
        # Longer than a webhook delivery may take, so press_button always gets its report.
        self.control_timeout_s = self.config.webhook_timeout_s + 10

    def create_app(self) -> Starlette:
        return create_app(self.config)

    @property
    def base_url(self) -> str:
        """What python-telegram-bot's `base_url` takes: it appends the token and the method."""
        return f"{self.url}/bot"

    # ---- control --------------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded Bot API calls, oldest first: seq, method, params (typed), time, status, ok,
        result, description, faulted, fault."""
        return self._control("GET", "/calls", params={"method": method} if method else None)

    def chat(self, chat_id: int) -> dict[str, Any]:
        """{"chat", "messages"}: each message as the chat shows it now (text, entities, buttons,
        reply_markup, edit_date) plus source_text, parse_mode and history (earlier versions)."""
        return self._control("GET", f"/chats/{chat_id}")

    def fault(self, **spec: Any) -> dict[str, Any]:
        """Queue a fault, e.g. fault(status=502, count=2, method="sendMessage"),
        fault(retry_after=5) (a 429), fault(kind="hang", duration_s=1.5)."""
        return self._control("POST", "/faults", spec)

    def clear_faults(self) -> int:
        """Drop pending faults and release hung calls; how many faults were dropped."""
        return self._control("DELETE", "/faults")["cleared"]

    def set_members(self, chat_id: int, user_ids: list[int], status: str = "member") -> dict[str, Any]:
        """Give users a status in a chat ("member", "administrator", "creator"); "left" removes them."""
        return self._control("POST", "/members", {"chat_id": chat_id, "user_ids": user_ids, "status": status})

    def press_button(
        self, chat_id: int, message_id: int, data: str, *, from_user: int | dict | None = None, require_button: bool = True
    ) -> dict[str, Any]:
        """Press an inline button: a callback_query update to the webhook (or the getUpdates
        queue). The report has update_id, delivered_to, status (our HTTP status), error,
        callback_query_id and the bot's answers so far. require_button=False presses a button
        the message no longer shows (a stale client)."""
        body = {"chat_id": chat_id, "message_id": message_id, "data": data, "require_button": require_button}
        return self._control("POST", "/press_button", body | _sender(from_user))

    def send_text(self, text: str, *, from_user: int | dict | None = None, chat_id: int | None = None) -> dict[str, Any]:
        """A user writes to the bot (their private chat unless chat_id is given): a message
        update, with bot_command entities for "/start cargo_123"."""
        body = {"text": text} | ({} if chat_id is None else {"chat_id": chat_id})
        return self._control("POST", "/send_text", body | _sender(from_user))

    def post_update(self, update: dict[str, Any], *, secret: str | _Registered | None = REGISTERED_SECRET) -> dict[str, Any]:
        """POST a raw update to the webhook: with the registered secret, another `secret`, or
        (secret=None) no secret header at all. An update_id is added when missing."""
        body: dict[str, Any] = {"update": update}
        if secret is not REGISTERED_SECRET:
            body["secret"] = secret
        return self._control("POST", "/post_update", body)

    def reset(self) -> None:
        """Everything back to how the server started; message and update ids keep growing."""
        self._control("POST", "/reset")

    def webhook(self) -> dict[str, Any]:
        """getWebhookInfo plus the registered secret_token."""
        return self._control("GET", "/webhook")


def _sender(from_user: int | dict | None) -> dict[str, Any]:
    return {} if from_user is None else {"from_user": from_user}
