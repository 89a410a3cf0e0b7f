"""The driver's feed: one page of cargo cards plus what the UI needs to page on."""

from __future__ import annotations

import dataclasses

from services.cargo_cards import card_view
from services.cargo_service import CargoService
from services.filters import DriverFilters, build_query


@dataclasses.dataclass(frozen=True)
class FeedPage:
    cards: list[dict[str, str]]
    total: int | None
    next_offset: int | None
    fetched_at: float
    stale: bool


async def load_feed_page(cargos: CargoService, filters: DriverFilters | None = None, *, offset: int = 0) -> FeedPage:
    served = await cargos.list_page(build_query(filters, offset=offset))
    page = served.value
    return FeedPage(
        cards=[card_view(item) for item in page.data],
        total=page.total,
        next_offset=page.next_offset(),
        fetched_at=served.fetched_at,
        stale=served.stale,
    )
