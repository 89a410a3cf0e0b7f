"""Bot API methods that write in chats: sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, sendChatAction.

Where Telegram's behaviour surprises, the fake copies it: editMessageText without reply_markup
removes the inline keyboard; an edit that changes nothing is a 400 "message is not modified";
web_app buttons are refused outside private chats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.telegram import params as p
from sandbox.telegram.chats import StoredMessage
from sandbox.telegram.formatting import PARSE_MODES, parse_html, utf16_len
from sandbox.telegram.protocol import bad_request
from sandbox.telegram.state import MethodHandler, TelegramState

MAX_TEXT_LENGTH = 4096  # UTF-16 units, after parse_mode
MAX_CALLBACK_DATA_BYTES = 64
BUTTON_ACTIONS = frozenset(
    {
        "callback_data",
        "url",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
OTHER_MARKUPS = frozenset({"keyboard", "remove_keyboard", "force_reply"})
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


async def send_message(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    chat_id = p.chat_id(params)
    formatted = _formatted_text(params)
    link_preview = p.json_value(params, "link_preview_options", dict)
    if link_preview is None and p.boolean(params, "disable_web_page_preview"):
        link_preview = {"is_disabled": True}
    message = state.chats.add(
        chat_id,
        bot,
        text=formatted.text,
        entities=formatted.entities,
        source_text=formatted.source,
        parse_mode=formatted.parse_mode,
        reply_markup=_reply_markup(params, chat_id),
        link_preview_options=link_preview,
    )
    return message.to_api()


async def edit_message_text(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    message = _message_to_edit(state, params)
    formatted = _formatted_text(params)
    # No reply_markup in the call means no keyboard after it, as in Telegram.
    reply_markup = _reply_markup(params, message.chat["id"])
    if (formatted.text, formatted.entities, reply_markup) == message.content():
        raise bad_request(NOT_MODIFIED)
    message.edit(
        text=formatted.text,
        entities=formatted.entities,
        source_text=formatted.source,
        parse_mode=formatted.parse_mode,
        reply_markup=reply_markup,
    )
    return message.to_api()


async def edit_message_reply_markup(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    message = _message_to_edit(state, params)
    reply_markup = _reply_markup(params, message.chat["id"])
    if reply_markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.edit(
        text=message.text,
        entities=message.entities,
        source_text=message.source_text,
        parse_mode=message.parse_mode,
        reply_markup=reply_markup,
    )
    return message.to_api()


async def answer_callback_query(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    query = state.callback_queries.get(p.string(params, "callback_query_id") or "")
    if query is None:
        raise bad_request(QUERY_INVALID)
    answer = {
        "text": p.string(params, "text"),
        "show_alert": p.boolean(params, "show_alert"),
        "url": p.string(params, "url"),
        "cache_time": p.integer(params, "cache_time"),
    }
    query.answers.append({name: value for name, value in answer.items() if value is not None})
    return True


async def send_chat_action(state: TelegramState, bot: dict[str, Any], params: dict[str, Any]) -> Any:
    p.chat_id(params)
    if p.string(params, "action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@dataclass(frozen=True)
class FormattedText:
    source: str  # as sent
    text: str  # as shown
    entities: list[dict[str, Any]]
    parse_mode: str | None  # canonical spelling


def _formatted_text(params: dict[str, Any]) -> FormattedText:
    source = p.string(params, "text")
    if source is None:
        raise bad_request("message text is empty")
    requested = p.string(params, "parse_mode") or None
    parse_mode = None
    if requested is not None:
        parse_mode = next((mode for mode in PARSE_MODES if mode.lower() == requested.lower()), None)
        if parse_mode is None:
            raise bad_request(f"unsupported parse_mode {requested!r}")
    if parse_mode == "HTML":
        text, entities = parse_html(source)
    elif parse_mode is None:
        text, entities = source, p.json_value(params, "entities", list) or []
        if not all(_is_entity(entity) for entity in entities):
            raise bad_request("can't parse entities JSON object")
    else:
        text, entities = source, []  # Markdown is kept as sent, see formatting.py
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return FormattedText(source, text, entities, parse_mode)


def _is_entity(entity: Any) -> bool:
    return (
        isinstance(entity, dict)
        and isinstance(entity.get("type"), str)
        and all(type(entity.get(field)) is int and entity[field] >= 0 for field in ("offset", "length"))
    )


def _reply_markup(params: dict[str, Any], chat_id: int) -> dict[str, Any] | None:
    markup = p.json_value(params, "reply_markup", dict)
    if markup is None:
        return None
    if "inline_keyboard" not in markup:
        if not OTHER_MARKUPS & markup.keys():
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for button in (button for row in rows for button in row):
        _check_button(button, chat_id)
    return markup


def _check_button(button: Any, chat_id: int) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request("can't parse inline keyboard button: Text must be a non-empty String")
    if not BUTTON_ACTIONS & button.keys():
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES):
        raise bad_request("BUTTON_DATA_INVALID")
    if "web_app" in button and chat_id < 0:  # Mini App buttons only work in private chats
        raise bad_request("BUTTON_TYPE_INVALID")


def _message_to_edit(state: TelegramState, params: dict[str, Any]) -> StoredMessage:
    if params.get("inline_message_id") is not None:
        raise bad_request("inline messages are not supported by the fake Telegram")
    chat_id = p.chat_id(params)
    message_id = p.integer(params, "message_id", empty="message identifier is not specified")
    assert message_id is not None
    message = state.chats.message(chat_id, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


METHODS: dict[str, MethodHandler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
}
