"""The «Отключить» button under an alert: switches that saved search's alerts off.

Only the search's owner can do it (the presser's Telegram id must be the search's driver id,
whatever the callback data says); the answer and an edited keyboard confirm it in Russian.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from services.alerts.messages import off_confirmation, parse_off
from services.alerts.saved_searches import SavedSearchError, SavedSearchService

log = logging.getLogger(__name__)

PATTERN = r"^alert_(off:|done$)"
DONE = "alert_done"


class AlertOffButton:
    def __init__(self, searches: SavedSearchService) -> None:
        self._searches = searches

    async def __call__(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        if query.data == DONE:
            await query.answer("Уведомления по этому поиску уже отключены.")
            return
        search_id = parse_off(query.data or "")
        if search_id is None:
            await query.answer("Неизвестная кнопка")
            return
        try:
            view = await self._searches.set_alerts(query.from_user.id, search_id, False)
        except SavedSearchError:
            await query.answer("Этот поиск уже удалён — уведомлений по нему не будет.")
            return
        await query.answer(off_confirmation(view.name))
        message = query.message
        markup = getattr(message, "reply_markup", None)
        if markup is None:
            return
        rows = [[button for button in row if button.callback_data != query.data] for row in markup.inline_keyboard]
        rows = [row for row in rows if row]
        rows.append([InlineKeyboardButton("🔕 Уведомления отключены", callback_data=DONE)])
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
        except TelegramError as exc:  # alerts are off either way; the keyboard is cosmetic
            log.warning("could not edit the alert's keyboard: %s", exc)
