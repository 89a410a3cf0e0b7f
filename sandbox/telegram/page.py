"""The page a developer watches during `make run` to play the dispatcher: `/` shows every chat,
`/chat/<chat_id>` one of them, as Telegram would (text with its formatting and line breaks,
inline buttons under it). Pressing a callback button posts the press to the bot's webhook as the
user in the "presses" field (the configured dispatcher by default); the page re-reads itself
every 2 s. Rendered on the server so tests can read it with a plain GET.
"""

from __future__ import annotations

import html
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sandbox.telegram.chats import StoredMessage
from sandbox.telegram.formatting import safe_link, to_html
from sandbox.telegram.state import TelegramState

STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; background: #dfe7ee; color: #1b1b1b; }
header, nav, form { padding: 8px 16px; background: #fff; border-bottom: 1px solid #c8d2db; }
header h1 { font-size: 18px; margin: 0 0 4px; }
#status { color: #2a6f2a; margin-left: 12px; }
#status.error { color: #b00020; }
main { padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.chat { background: #c9d8c5; border-radius: 8px; padding: 8px; width: 480px; max-width: 100%; }
.chat h2 { font-size: 16px; margin: 0 0 8px; }
.message { background: #fff; border-radius: 10px; padding: 6px 10px; margin: 6px 0; max-width: 85%; }
.message.user { background: #effdde; margin-left: auto; }
.meta { font-size: 12px; color: #6b7a86; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.keyboard .row { display: flex; gap: 4px; margin-top: 4px; }
.keyboard button, .keyboard a { flex: 1; padding: 6px; border: 0; border-radius: 6px; background: #5d8ab3;
  color: #fff; text-align: center; text-decoration: none; font: inherit; cursor: pointer; }
.keyboard button:disabled { background: #9aa9b6; cursor: default; }
.spoiler { background: #9aa9b6; } .quote { border-left: 3px solid #5d8ab3; padding-left: 6px; display: block; }
.empty { color: #6b7a86; }
"""

SCRIPT = """
const statusLine = document.getElementById('status');
const presser = document.getElementById('presser');
function describe(report) {
  if (report.delivered_to === 'webhook') {
    return report.error ? 'Вебхук: ' + report.error : 'Доставлено, вебхук ответил ' + report.status;
  }
  if (report.delivered_to === 'getUpdates') return 'Вебхук не задан: обновление ждёт getUpdates';
  return 'Не доставлено: ' + report.reason;
}
async function refresh() {
  const response = await fetch(location.href);
  const page = new DOMParser().parseFromString(await response.text(), 'text/html');
  document.getElementById('live').replaceWith(page.getElementById('live'));
}
async function control(path, body) {
  statusLine.textContent = 'Отправляю…';
  const response = await fetch('/__control/' + path, {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  const answer = await response.json();
  statusLine.className = response.ok && !answer.error ? '' : 'error';
  statusLine.textContent = response.ok ? describe(answer) : 'Ошибка: ' + answer.message;
  refresh();
}
document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-callback]');
  if (!button) return;
  control('press_button', {chat_id: Number(button.dataset.chat), message_id: Number(button.dataset.message),
                           data: button.dataset.callback, from_user: Number(presser.value) || undefined});
});
const form = document.getElementById('send');
if (form) form.addEventListener('submit', (event) => {
  event.preventDefault();
  control('send_text', {chat_id: Number(form.dataset.chat), text: form.elements.text.value,
                        from_user: Number(form.elements.sender.value) || undefined});
  form.elements.text.value = '';
});
setInterval(refresh, 2000);
"""


async def all_chats(request: Request) -> Response:
    state: TelegramState = request.app.state.sandbox
    chat_ids = state.chats.chat_ids()
    dispatcher_chat = state.config.dispatcher_chat
    if dispatcher_chat is not None and dispatcher_chat not in chat_ids:
        chat_ids.insert(0, dispatcher_chat)  # the chat the developer came to watch, even while empty
    return HTMLResponse(_page(state, chat_ids, single=None))


async def one_chat(request: Request) -> Response:
    state: TelegramState = request.app.state.sandbox
    try:
        chat_id = int(request.path_params["chat_id"])
    except ValueError:
        return HTMLResponse("<p>Нет такого чата.</p>", status_code=404)
    return HTMLResponse(_page(state, [chat_id], single=chat_id))


def _page(state: TelegramState, chat_ids: list[int], *, single: int | None) -> str:
    config, webhook = state.config, state.updates.webhook
    webhook_line = (
        f"Вебхук: <code>{html.escape(webhook.url)}</code>" if webhook.url else "Вебхук не задан: обновления ждут getUpdates"
    )
    chats = (
        "".join(_chat(state, chat_id) for chat_id in chat_ids)
        or '<p class="empty">Пока ни одного сообщения: бот ещё ничего не отправил.</p>'
    )
    links = " · ".join(
        f'<a href="/chat/{chat_id}">{html.escape(_title(state.chats.chat(chat_id)))}</a>' for chat_id in state.chats.chat_ids()
    )
    presser = "" if config.dispatcher_user is None else str(config.dispatcher_user)
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Фейковый Telegram</title><style>{STYLE}</style></head>
<body>
<header>
  <h1>Фейковый Telegram · @{html.escape(config.bot_username)}</h1>
  <label>Кнопки нажимает пользователь с id <input id="presser" type="number" value="{presser}"></label>
  <span id="status"></span>
</header>
<nav><a href="/">Все чаты</a>{" · " + links if links else ""}</nav>
{_send_form(state, single) if single is not None else ""}
<div id="live"><p style="padding: 0 16px">{webhook_line}</p><main>{chats}</main></div>
<script>{SCRIPT}</script>
</body></html>"""


def _chat(state: TelegramState, chat_id: int) -> str:
    chat = state.chats.chat(chat_id)
    messages = "".join(_message(stored) for stored in state.chats.messages(chat_id)) or '<p class="empty">Сообщений пока нет.</p>'
    return (
        f'<section class="chat"><h2><a href="/chat/{chat_id}">{html.escape(_title(chat))}</a> '
        f"<small>{chat_id}</small></h2>{messages}</section>"
    )


def _message(stored: StoredMessage) -> str:
    author = html.escape(stored.sender.get("first_name", ""))
    sent_at = time.strftime("%H:%M:%S", time.localtime(stored.date))
    edited = " · изменено" if stored.edit_date else ""
    rows = "".join(f'<div class="row">{"".join(_button(stored, button) for button in row)}</div>' for row in stored.buttons())
    keyboard = f'<div class="keyboard">{rows}</div>' if rows else ""
    return (
        f'<div class="message {"bot" if stored.from_bot else "user"}" data-message-id="{stored.message_id}">'
        f'<div class="meta">{author} · {sent_at}{edited}</div>'
        f'<div class="text">{to_html(stored.text, stored.entities)}</div>{keyboard}</div>'
    )


def _button(stored: StoredMessage, button: dict[str, Any]) -> str:
    text = html.escape(button.get("text", ""))
    if "callback_data" in button:
        return (
            f'<button type="button" data-chat="{stored.chat["id"]}" data-message="{stored.message_id}" '
            f'data-callback="{html.escape(button["callback_data"])}">{text}</button>'
        )
    link = safe_link(button.get("url") or (button.get("web_app") or {}).get("url"))
    if link:
        return f'<a href="{html.escape(link)}" target="_blank" rel="noopener">{text} ↗</a>'
    return f'<button type="button" disabled>{text}</button>'


def _send_form(state: TelegramState, chat_id: int) -> str:
    # In a private chat only its owner writes; in a group, the dispatcher by default.
    sender = chat_id if chat_id > 0 else state.config.dispatcher_user
    return (
        f'<form id="send" data-chat="{chat_id}">Написать в этот чат от имени пользователя с id '
        f'<input name="sender" type="number" value="{sender or ""}"> '
        '<input name="text" size="40" placeholder="/start cargo_123" required> '
        '<button type="submit">Отправить</button></form>'
    )


def _title(chat: dict[str, Any]) -> str:
    return chat.get("title") or " ".join(filter(None, (chat.get("first_name"), chat.get("last_name"))))
