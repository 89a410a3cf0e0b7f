"""What a fresh first page of the driver's query says about the list already on screen.

The list on screen is never reordered under the driver's thumb. When the head of the query is
looked at again (a re-check of the first page), its answer is compared with what is shown, by id:

* New cargos are the ones at the head of the fresh page, above the first card the screen already
  shows. They are only counted («3 новых груза»); they join the list when the driver asks for them,
  newest first, in front of the cards shown, with no duplicates.
* A shown card is withdrawn («снят») when the fresh page no longer holds it although it still
  holds a card that stood below it in the page the screen was loaded from. CargoTech lists a query
  newest first and only adds at the head, so nothing can pass a card on its way down: a card that
  drops out while one below it stays has left the list (withdrawn, or changed so that it no longer
  matches the query, which for this list is the same). A card pushed off the page's end by new
  arrivals takes every card below it with it, so it is never taken for withdrawn. When the fresh
  page holds none of the old page's cards (the head moved a whole page or more), nothing is
  concluded. The detail screen's 404 is the other signal: that cargo is withdrawn too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from services.feed.cards import CardView

NEW_FORMS = ("новый груз", "новых груза", "новых грузов")


def new_at_head(fresh_ids: Sequence[str], shown: Collection[str]) -> list[str]:
    """Ids at the head of a fresh first page, newest first, that come before every card already
    shown. With no shown card on the fresh page at all, every card on it is new."""
    new: list[str] = []
    for cargo_id in fresh_ids:
        if cargo_id in shown:
            break
        if cargo_id not in new:
            new.append(cargo_id)
    return new


def merge_new(cards: Sequence[CardView], head: Sequence[CardView], shown: Collection[str] = ()) -> list[CardView]:
    """The cards of a fresh first page that are not on screen yet, in front of the cards shown
    (newest first), with no id twice. Only the head above the first shown card is taken.
    `shown` adds ids on screen that are not a card's own (folded reposts)."""
    shown = {card["id"] for card in cards} | set(shown)
    new_ids = set(new_at_head([card["id"] for card in head], shown))
    taken: set[str] = set()
    front: list[CardView] = []
    for card in head:
        if card["id"] in new_ids and card["id"] not in taken:
            taken.add(card["id"])
            front.append(card)
    return [*front, *cards]


def withdrawn_from_head(old_ids: Sequence[str], fresh_ids: Collection[str]) -> list[str]:
    """Ids of the old first page (in its order) the fresh first page shows to be withdrawn: those
    missing from it while a card below them is still on it."""
    fresh = set(fresh_ids)
    deepest = max((n for n, cargo_id in enumerate(old_ids) if cargo_id in fresh), default=None)
    if deepest is None:
        return []
    return [cargo_id for cargo_id in old_ids[:deepest] if cargo_id not in fresh]


def new_cargos_label(count: int) -> str:
    """«1 новый груз», «2 новых груза», «5 новых грузов», «21 новый груз»; '' for none."""
    if count <= 0:
        return ""
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        form = NEW_FORMS[0]
    elif 2 <= units <= 4 and not 12 <= tens <= 14:
        form = NEW_FORMS[1]
    else:
        form = NEW_FORMS[2]
    return f"{count} {form}"
