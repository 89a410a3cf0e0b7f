"""What the bot does with updates: /start (with deep links) and the dispatchers' buttons."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from services.bot.keyboards import keyboard
from services.cargotech.models import CARGO_ID_RE
from services.dispatch.messages import buttons_for, decided_text, parse_callback
from services.dispatch.responses import ResponseService

log = logging.getLogger(__name__)

MEMBER_STATUSES = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
MEMBERSHIP_TTL_S = 60.0


class BotHandlers:
    def __init__(
        self,
        responses: ResponseService,
        *,
        webapp_url: str,
        dispatcher_chat_id: int,
        alert_off: Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        self._responses = responses
        self._alert_off = alert_off  # the «Отключить» button under new-cargo alerts
        self._webapp_url = webapp_url.rstrip("/")
        self._dispatcher_chat_id = dispatcher_chat_id
        self._members: dict[int, tuple[bool, float]] = {}  # user id → (member?, checked at)

    def install(self, application: Application) -> None:
        application.add_handler(CommandHandler("start", self.start))
        application.add_handler(CallbackQueryHandler(self.button, pattern=r"^resp:"))
        if self._alert_off is not None:
            from services.alerts.bot_buttons import PATTERN

            application.add_handler(CallbackQueryHandler(self._alert_off, pattern=PATTERN))

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is None:
            return
        url, text = self._webapp_url + "/", "Здравствуйте! Здесь грузы с биржи CargoTech: фильтры, детали и отклик в два касания."
        argument = context.args[0] if context.args else ""
        if argument.startswith("cargo_") and CARGO_ID_RE.match(argument[6:]):
            url, text = f"{self._webapp_url}/cargo/{argument[6:]}", "Откройте груз в приложении:"
        button = InlineKeyboardButton("Открыть грузы" if url.endswith("/") else "Открыть груз", web_app=WebAppInfo(url))
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=InlineKeyboardMarkup([[button]]))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        parsed = parse_callback(query.data or "")
        if parsed is None:
            await query.answer("Неизвестная кнопка")
            return
        if not await self._is_dispatcher(context, query.from_user.id):
            # No state change: only members of the dispatcher chat decide.
            await query.answer("Только диспетчеры могут менять статус отклика.", show_alert=True)
            return
        response_id, action = parsed
        by_name = query.from_user.full_name or query.from_user.username or str(query.from_user.id)
        decision = await self._responses.decide(response_id, action, by_name=by_name)
        await query.answer(decision.message)
        row = decision.response
        if not decision.changed or row is None or row.decided_at is None:
            return
        try:
            await query.edit_message_text(
                decided_text(row.dispatcher_text, row.status, by_name, row.decided_at),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(buttons_for(row.id or 0, row.status)),
            )
        except TelegramError as exc:  # the decision stands; the message catches up on the next press
            log.warning("could not edit the dispatcher message: %s", exc)

    async def _is_dispatcher(self, context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
        known = self._members.get(user_id)
        if known and time.monotonic() - known[1] < MEMBERSHIP_TTL_S:
            return known[0]
        try:
            member = await context.bot.get_chat_member(self._dispatcher_chat_id, user_id)
            is_member = member.status in MEMBER_STATUSES
        except TelegramError as exc:
            log.warning("membership check failed: %s", exc)
            return False
        self._members[user_id] = (is_member, time.monotonic())
        return is_member
