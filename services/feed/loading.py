"""The driver's feed: one page of cargo cards plus what the UI needs to page on."""

from __future__ import annotations

import dataclasses

from services.cargotech.upstream_budget import Caller
from services.feed.cache import CargoService
from services.feed.cards import CardView, card_view
from services.feed.filters import DriverFilters, build_query, query_key
from services.feed.marks import FeedMarks
from services.feed.paging import next_page
from services.market.lane_rates import LaneRates

NEW_FILTERS_FAILED = "Грузы по новым фильтрам не загрузились"


@dataclasses.dataclass(frozen=True)
class FeedPage:
    cards: list[CardView]
    total: int | None
    next_offset: int | None
    fetched_at: float
    stale: bool
    refreshing: bool = False  # past its freshness window while a refresh runs: load again shortly


def filters_key(filters: DriverFilters | None) -> str:
    """Which list a set of filters asks CargoTech for: equal filters, equal keys."""
    return query_key(build_query(filters))


async def load_feed_page(
    cargos: CargoService,
    filters: DriverFilters | None = None,
    *,
    offset: int = 0,
    marks: FeedMarks | None = None,
    driver_id: int | None = None,
    caller: Caller | None = None,
    rates: LaneRates | None = None,
) -> FeedPage:
    """A page of cards. With `rates`, each card carries its market badge (services.market.lane_rates).
    With `marks` and `driver_id`, the page counts as the driver's feed activity
    and its cards carry «новый» and the old price (services.feed.marks). Duplicates are not folded
    here: the caller folds the whole loaded list (services.feed.folding)."""
    served = await cargos.list_page(build_query(filters, offset=offset), caller=caller)
    page = served.value
    cards = [card_view(item) for item in page.data]
    if marks is not None and driver_id is not None:
        since = await marks.visit_since(driver_id)
        marks.mark(cards, await marks.observe(page.data), since)
    if rates is not None:
        await rates.badge_cards(page.data, cards)
    return FeedPage(
        cards=cards,
        total=page.total,
        next_offset=page.next_offset(),
        fetched_at=served.fetched_at,
        stale=served.stale,
        refreshing=served.refreshing,
    )


async def load_next_feed_page(
    cargos: CargoService,
    filters: DriverFilters | None,
    *,
    offset: int,
    shown: set[str],
    generation: float,
    marks: FeedMarks | None = None,
    driver_id: int | None = None,
    caller: Caller | None = None,
    rates: LaneRates | None = None,
) -> FeedPage:
    """The cards that continue a shown list (services.feed.paging): only cargos not on screen,
    in the exchange's order, with no gap against the first page's generation."""
    page = await next_page(cargos, filters, offset=offset, shown=shown, generation=generation, caller=caller)
    cards = [card_view(item) for item in page.items]
    if marks is not None and driver_id is not None:
        since = await marks.visit_since(driver_id)
        marks.mark(cards, await marks.observe(page.items), since)
    if rates is not None:
        await rates.badge_cards(page.items, cards)
    return FeedPage(cards=cards, total=page.total, next_offset=page.next_offset, fetched_at=page.fetched_at, stale=page.stale)
