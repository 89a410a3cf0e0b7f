"""Inline keyboards from the plain rows the outbox stores and the handlers build."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup


def keyboard(rows: list[list[dict[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    # A button with "url" opens a link (an alert's t.me/…?startapp=cargo_<id>); others call back.
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b["text"], url=b["url"])
                if "url" in b
                else InlineKeyboardButton(b["text"], callback_data=b["data"])
                for b in row
            ]
            for row in rows
        ]
    )
