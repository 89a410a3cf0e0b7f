"""`/__control/*`: a local test tool, so no auth, never recorded as Bot API calls. JSON in and out;
a bad request answers 422 {"message": "..."} and changes nothing.

    GET    /__control/calls[?method=sendMessage]  recorded Bot API calls, oldest first
    GET    /__control/chats/<chat_id>            {"chat", "messages"}: the chat as it looks now
    POST   /__control/faults        {"kind"?: "status"|"hang", "status"?: 502, "retry_after"?: 3,
                                     "description"?, "count"?: N, "duration_s"?: S, "method"?: "sendMessage"}
    GET    /__control/faults        the faults still pending
    DELETE /__control/faults        drop them all and release hung calls
    POST   /__control/members       {"chat_id", "user_ids": [...], "status"?: "member"|"administrator"|
                                     "creator"|"left"}  ("left" takes them out)
    POST   /__control/press_button  {"chat_id", "message_id", "data", "from_user"?: id or User,
                                     "require_button"?: true}  → delivery report + callback_query_id, answers
    POST   /__control/send_text     {"text", "from_user"?: id or User, "chat_id"?: private chat by default}
    POST   /__control/post_update   {"update": {...}, "secret"?: "..." or null}  raw POST to the webhook;
                                    no "secret": the registered one, null: no secret header at all
    POST   /__control/reset         back to how the server started
    GET    /__control/webhook       getWebhookInfo plus the registered secret_token

from_user defaults to the configured dispatcher_user. A delivery report is {"update_id",
"delivered_to": "webhook"|"getUpdates"|null, "status"?: our HTTP status, "error"?, "reason"?}.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.control_endpoint import control
from sandbox.responses import json_object, json_response
from sandbox.telegram.formatting import bot_command_entities
from sandbox.telegram.state import MEMBER_STATUSES, CallbackQuery, TelegramState


async def _body(request: Request) -> dict[str, Any]:
    body = await json_object(request)
    if body is None:
        raise ValueError("the body must be a JSON object")
    return body


def _integer(value: Any, name: str, *, positive: bool = False) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value == 0 or (positive and value < 0):
        raise ValueError(f"{name} must be a {'positive' if positive else 'non-zero'} integer")
    return value


def _from_user(state: TelegramState, body: dict[str, Any]) -> dict[str, Any]:
    spec = body.get("from_user", state.config.dispatcher_user)
    if spec is None:
        raise ValueError("from_user is required: no dispatcher_user is configured")
    return state.chats.remember_user(spec)


def _chat_instance(chat_id: int) -> str:
    """Telegram's opaque per-chat id in callback queries: stable for a chat, signed 64-bit."""
    return str(int.from_bytes(hashlib.sha256(str(chat_id).encode()).digest()[:8], "big", signed=True))


async def calls(request: Request, state: TelegramState) -> Response:
    return json_response([call.as_json() for call in state.calls.matching(request.query_params.get("method"))])


async def chat(request: Request, state: TelegramState) -> Response:
    chat_id = _integer(request.path_params["chat_id"], "chat_id")
    return json_response(
        {"chat": state.chats.chat(chat_id), "messages": [stored.view() for stored in state.chats.messages(chat_id)]}
    )


async def add_fault(request: Request, state: TelegramState) -> Response:
    return json_response(state.faults.add(await _body(request)).as_json(), 201)


async def list_faults(request: Request, state: TelegramState) -> Response:
    return json_response([fault.as_json() for fault in state.faults.pending()])


async def clear_faults(request: Request, state: TelegramState) -> Response:
    return json_response({"cleared": state.faults.clear()})


async def members(request: Request, state: TelegramState) -> Response:
    body = await _body(request)
    chat_id = _integer(body.get("chat_id"), "chat_id")
    user_ids = body.get("user_ids")
    if not isinstance(user_ids, list) or not user_ids:
        raise ValueError("user_ids must be a non-empty list of user ids")
    user_ids = [_integer(user_id, "a user id", positive=True) for user_id in user_ids]
    status = body.get("status", "member")
    if status not in (*MEMBER_STATUSES, "left"):
        raise ValueError(f"status must be one of {', '.join((*MEMBER_STATUSES, 'left'))}")
    state.set_members(chat_id, user_ids, status)
    return json_response(
        {"chat_id": chat_id, "members": {str(user_id): s for user_id, s in state.members.get(chat_id, {}).items()}}
    )


async def press_button(request: Request, state: TelegramState) -> Response:
    body = await _body(request)
    chat_id = _integer(body.get("chat_id"), "chat_id")
    message_id = _integer(body.get("message_id"), "message_id", positive=True)
    data = body.get("data")
    if not isinstance(data, str):
        raise ValueError("data (the button's callback_data) must be a string")
    pressed = state.chats.message(chat_id, message_id)
    if pressed is None:
        raise ValueError(f"chat {chat_id} has no message {message_id}")
    # A real client can only press what it shows; require_button=false plays a stale client.
    if body.get("require_button", True) and not pressed.has_callback(data):
        raise ValueError(f"message {message_id} has no button with callback_data {data!r}")
    query_id = str(secrets.randbits(63))
    update = state.updates.new(
        "callback_query",
        {
            "id": query_id,
            "from": _from_user(state, body),
            "message": pressed.to_api(),
            "chat_instance": _chat_instance(chat_id),
            "data": data,
        },
    )
    query = state.callback_queries[query_id] = CallbackQuery(query_id, update)
    report = await state.updates.dispatch(update)
    return json_response(report | {"callback_query_id": query_id, "answers": query.answers})


async def send_text(request: Request, state: TelegramState) -> Response:
    body = await _body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    chat_id = _integer(body["chat_id"], "chat_id") if "chat_id" in body else None
    user = _from_user(state, body)
    if chat_id is None:
        chat_id = user["id"]  # the user's private chat with the bot
    sent = state.chats.add(chat_id, user, text=text, entities=bot_command_entities(text), source_text=text)
    report = await state.updates.dispatch(state.updates.new("message", sent.to_api()))
    return json_response(report | {"message_id": sent.message_id})


async def post_update(request: Request, state: TelegramState) -> Response:
    body = await _body(request)
    update = body.get("update")
    if not isinstance(update, dict):
        raise ValueError("update must be a JSON object")
    if not state.updates.webhook.url:
        raise ValueError("no webhook is set: call setWebhook first")
    secret = body.get("secret", state.updates.webhook.secret_token)  # null: send no secret header
    if secret is not None and not isinstance(secret, str):
        raise ValueError("secret must be a string or null")
    update = {"update_id": state.updates.next_id()} | update
    return json_response({"update_id": update["update_id"]} | await state.updates.post(update, secret))


async def reset(request: Request, state: TelegramState) -> Response:
    state.reset()
    return json_response({"reset": True})


async def webhook(request: Request, state: TelegramState) -> Response:
    return json_response(state.updates.webhook_info() | {"secret_token": state.updates.webhook.secret_token})


routes = [
    Route("/calls", control(calls), methods=["GET"]),
    Route("/chats/{chat_id}", control(chat), methods=["GET"]),
    Route("/faults", control(add_fault), methods=["POST"]),
    Route("/faults", control(list_faults), methods=["GET"]),
    Route("/faults", control(clear_faults), methods=["DELETE"]),
    Route("/members", control(members), methods=["POST"]),
    Route("/press_button", control(press_button), methods=["POST"]),
    Route("/send_text", control(send_text), methods=["POST"]),
    Route("/post_update", control(post_update), methods=["POST"]),
    Route("/reset", control(reset), methods=["POST"]),
    Route("/webhook", control(webhook), methods=["GET"]),
]
