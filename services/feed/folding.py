"""Folding duplicate postings: the same load (route, loading dates, weight, price) posted by
several companies or sources shows as one card with a «+2 похожих» hint naming the others.

Deterministic: the card that comes first in the given order stays (the feed folds in the
exchange's own order, newest first, before sorting), the others fold into it in order. Folding
is idempotent and works incrementally: folding `shown + next_page` merges the next page's
duplicates into cards already shown, so duplicates fold across pages of the loaded list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from services.feed.cards import CardView

# What makes two postings the same load. Dates are the display range (day precision), since
# sources round loading times differently; weight in kg and price in kopecks are exact.
FoldField = Literal["from_city", "to_city", "dates", "sort_weight", "sort_price"]
FOLD_FIELDS: tuple[FoldField, ...] = ("from_city", "to_city", "dates", "sort_weight", "sort_price")
SOURCE_SEP = " · "  # company names may contain commas
REQUIRED: tuple[FoldField, ...] = ("from_city", "to_city", "dates", "sort_weight")  # without these, never guess


def fold_key(card: CardView) -> str | None:
    """The identity of the load a card describes; None when the card says too little to tell."""
    if not all(card.get(field) for field in REQUIRED):
        return None
    return "|".join(card.get(field, "") for field in FOLD_FIELDS)


def similar_hint(count: int) -> str:
    if count <= 0:
        return ""
    return f"+{count} похожий" if count % 10 == 1 and count % 100 != 11 else f"+{count} похожих"


def _split(text: str, sep: str) -> list[str]:
    return [part for part in text.split(sep) if part] if text else []


def _absorb(head: CardView, other: CardView) -> None:
    """Merge `other` (and whatever it had already absorbed) into `head`, skipping ids it knows."""
    ids = _split(head.get("dup_ids", ""), ",")
    sources = _split(head.get("dup_sources", ""), SOURCE_SEP)
    known = set(ids) | {head["id"]}
    other_ids = [other["id"], *_split(other.get("dup_ids", ""), ",")]
    other_sources = [other.get("company", ""), *_split(other.get("dup_sources", ""), SOURCE_SEP)]
    for cargo_id in other_ids:
        if cargo_id not in known:
            known.add(cargo_id)
            ids.append(cargo_id)
    for source in other_sources:
        if source and source not in sources and source != head.get("company"):
            sources.append(source)
    head["dup_ids"] = ",".join(ids)
    head["dup_sources"] = SOURCE_SEP.join(sources)
    head["dup_hint"] = similar_hint(len(ids))
    # The head keeps its own marks; a repost that is «новый» or re-priced makes the group so.
    if other.get("new") and not head.get("new"):
        head["new"] = other["new"]


def fold_duplicates(cards: Iterable[CardView]) -> list[CardView]:
    """One card per load, in the order of each load's first card. Input dicts are not changed."""
    folded: list[CardView] = []
    heads: dict[str, CardView] = {}
    for card in cards:
        key = fold_key(card)
        if key is None:
            folded.append(card)
            continue
        head = heads.get(key)
        if head is None:
            heads[key] = head = CardView(**card)
            folded.append(head)
        elif card["id"] != head["id"]:
            _absorb(head, card)
    return folded


def folded_ids(cards: Iterable[CardView]) -> set[str]:
    """Every cargo id the cards stand for, their folded duplicates included."""
    ids: set[str] = set()
    for card in cards:
        ids.add(card["id"])
        ids.update(_split(card.get("dup_ids", ""), ","))
    return ids
