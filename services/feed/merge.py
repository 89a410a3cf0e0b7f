"""How a loaded page joins the cards already on screen.

Cargos shift between polls, so a deeper page may repeat a card already shown: it is dropped by
id (folded duplicates' ids included). Then reposts of one load by several companies fold into
one card, and the list is sorted the way the driver chose. A first page (offset 0) replaces
what was shown."""

from __future__ import annotations

from services.feed.cards import CardView
from services.feed.folding import fold_duplicates, folded_ids
from services.feed.head import merge_new
from services.feed.sort import sort_cards


def merge_page(shown: list[CardView], page_cards: list[CardView], offset: int, sort: str) -> list[CardView]:
    if offset == 0:
        return sort_cards(fold_duplicates(page_cards), sort)
    known = folded_ids(shown)
    fresh = [card for card in page_cards if card["id"] not in known]
    return sort_cards(fold_duplicates(shown + fresh), sort)


def merge_head(shown: list[CardView], head_cards: list[CardView], sort: str) -> list[CardView]:
    """The «N новых грузов» tap: a fresh first page's new cards join in front of what is shown
    (no duplicates, reposts folded), then the driver's sort applies."""
    return sort_cards(fold_duplicates(merge_new(shown, head_cards, folded_ids(shown))), sort)
