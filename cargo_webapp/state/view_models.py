"""Typed rows the pages read from state vars, so a misspelt key fails in mypy and at compile
time instead of in the browser. Flags are real booleans, not "1"/"" strings.

The rows states build are typed here; the feed card, the detail and a contact are typed where
services build them (`services/feed/cards.py: CardView`, `services/feed/detail_view.py:
DetailView, ContactRow`). The console's other tables are still `dict[str, str]`.
"""

from __future__ import annotations

from typing import TypedDict


class ResponseItem(TypedDict):
    """One row of «Мои отклики»."""

    cargo_id: str
    route: str
    price: str
    status: str  # the Russian badge text
    at: str  # when the driver responded, Moscow time


class SearchRow(TypedDict):
    """One saved search in «Мои поиски»."""

    id: str
    name: str
    summary: str  # what the filters say, when the name does not already
    alerts: bool  # new cargos go to the bot


class WeightChip(TypedDict):
    """One truck-class chip of the feed's filters."""

    value: str
    label: str  # «1,5 т · 9 м³»
    active: bool


class TokenView(TypedDict):
    """The admin console's CargoTech token panel."""

    state: str  # Russian
    state_code: str
    id: str
    obtained: str
    verified: str
    expires: str
    key_id: str
    error: str
    has_error: bool


NO_TOKEN_VIEW = TokenView(
    state="", state_code="", id="", obtained="", verified="", expires="", key_id="", error="", has_error=False
)
