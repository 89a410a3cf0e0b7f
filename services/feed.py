"""The driver's feed: one page of cargo cards plus what the UI needs to page on."""

from __future__ import annotations

import dataclasses

from services.cargo_cards import card_view
from services.cargo_service import CargoService
from services.feed_marks import FeedMarks
from services.filters import DriverFilters, build_query
from services.upstream_budget import Caller


@dataclasses.dataclass(frozen=True)
class FeedPage:
    cards: list[dict[str, str]]
    total: int | None
    next_offset: int | None
    fetched_at: float
    stale: bool


async def load_feed_page(
    cargos: CargoService,
    filters: DriverFilters | None = None,
    *,
    offset: int = 0,
    marks: FeedMarks | None = None,
    driver_id: int | None = None,
    caller: Caller | None = None,
) -> FeedPage:
    """A page of cards. With `marks` and `driver_id`, the page counts as the driver's feed activity
    and its cards carry «новый» and the old price (services.feed_marks). Duplicates are not folded
    here: the caller folds the whole loaded list (services.duplicate_folding)."""
    served = await cargos.list_page(build_query(filters, offset=offset), caller=caller)
    page = served.value
    cards = [card_view(item) for item in page.data]
    if marks is not None and driver_id is not None:
        since = await marks.visit_since(driver_id)
        marks.mark(cards, await marks.observe(page.data), since)
    return FeedPage(
        cards=cards,
        total=page.total,
        next_offset=page.next_offset(),
        fetched_at=served.fetched_at,
        stale=served.stale,
    )
