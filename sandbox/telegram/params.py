"""A Bot API call's parameters, typed the way Telegram reads them.

Telegram takes parameters from the query string and from a JSON, urlencoded or multipart body.
python-telegram-bot 22 POSTs urlencoded forms (multipart only with files) in which every value
that is not already a string is JSON-encoded: `chat_id=-100123`, `show_alert=true`,
`reply_markup={"inline_keyboard": ...}`. So a form value's type comes from the parameter's
name, never from its look: `text=true` stays the string "true".
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from sandbox.telegram.protocol import bad_request

INTEGER_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "max_connections",
        "cache_time",
        "message_thread_id",
        "reply_to_message_id",
    }
)
BOOLEAN_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
    }
)
# Objects and arrays; Telegram also accepts them JSON-serialised inside a JSON body.
OBJECT_PARAMS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "reply_parameters",
        "entities",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
    }
)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_params(request: Request) -> dict[str, Any]:
    """Query and body parameters (the body wins), typed; 400 for a body that cannot be read."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise bad_request("can't parse JSON encoded request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON encoded request body must be an object")
        params.update(body)
    elif content_type in FORM_TYPES:
        async with request.form() as form:
            # Uploaded files are not stored: the bot under test sends text only.
            params.update({key: value for key, value in form.items() if not isinstance(value, UploadFile)})
    return {name: _typed(name, value) for name, value in params.items()}


def _typed(name: str, value: Any) -> Any:
    """Strings converted by the parameter's type; values that do not convert are left for the
    method to reject with Telegram's own wording."""
    if not isinstance(value, str):
        return value
    if name in INTEGER_PARAMS:
        try:
            return int(value)
        except ValueError:
            return value  # e.g. chat_id="@channelusername"
    if name in BOOLEAN_PARAMS:
        return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower(), value)
    if name in OBJECT_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ---- reading one parameter, failing with Telegram's wording -------------------------------------


def chat_id(params: dict[str, Any]) -> int:
    value = params.get("chat_id")
    if value is None or value == "":
        raise bad_request("chat_id is empty")
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request("chat not found")  # an @username: no public chats here
    return value


def integer(params: dict[str, Any], name: str, *, empty: str | None = None) -> int | None:
    """An integer parameter; None when absent, or 400 `empty` when it is required."""
    value = params.get(name)
    if value is None or value == "":
        if empty is not None:
            raise bad_request(empty)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"invalid {name} specified")
    return value


def string(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # {"text": 42} in a JSON body is the text "42"
    raise bad_request(f"{name} must be a string")


def boolean(params: dict[str, Any], name: str) -> bool:
    value = params.get(name, False)
    if not isinstance(value, bool):
        raise bad_request(f"invalid {name} specified")
    return value


def json_value(params: dict[str, Any], name: str, kind: type[dict] | type[list]) -> Any:
    """An object or array parameter, or None when absent."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, kind):
        raise bad_request(f"can't parse {name} JSON {'object' if kind is dict else 'array'}")
    return value
