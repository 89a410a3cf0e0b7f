"""The next page of a feed the driver is scrolling, consistent with what is already on screen.

CargoTech pages by offset while cargos keep arriving at the head and vanishing anywhere, and the
shared cache holds each page with its own age. Two pages read at different moments cannot be
joined by their offsets: between the two reads the list may have moved up or down. So every
deeper read is a window of two pages, the one before the offset and the one from it, in one
answer: the cards shown at its top anchor it, and only the cargos after the deepest shown one
are new. One answer is one moment of the exchange, so nothing between the anchor and the new
cards can be skipped.

* The first page fixes a generation (its fetch time). A window older than that is not used: it
  is fetched again (and cached for everyone). Likewise, when one «Показать ещё» reads several
  windows, none is older than the newest read before it, so the steps see one moment.
* New cargos at the head push the list down, so a window may hold only cards already shown; then
  the window after it follows by itself, and the infinite scroll never stalls.
* A window with no shown card at all means the list moved by more than a page since the last
  read: up (cargos withdrawn above the driver) or down (more arrivals than the driver has seen).
  Earlier windows are read first, then later ones, until one holds a shown card.

Each extra step is one more window of the same query, through the same cache: at most
MAX_STEPS more per «Показать ещё», never a loop. Windows sit on page boundaries, so drivers
scrolling one query share them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from services.cargotech.models import CargoItem
from services.cargotech.upstream_budget import Caller
from services.feed.cache import CargoService
from services.feed.filters import PAGE_SIZE, DriverFilters, build_query

MAX_STEPS = 4  # extra windows one «Показать ещё» may read while reconciling


@dataclasses.dataclass(frozen=True)
class NextPage:
    items: list[CargoItem]  # cargos not shown yet, in the exchange's order
    next_offset: int | None  # where the page after these starts; None at the end
    total: int | None
    fetched_at: float
    stale: bool
    upstream_pages: int  # windows read to produce this one (1 when nothing needed reconciling)


def window_start(offset: int) -> int:
    """Where the window read for the cargos from `offset` begins: one page earlier."""
    return max(0, offset - PAGE_SIZE)


def window_query(filters: DriverFilters | None, offset: int) -> dict[str, str]:
    start = window_start(offset)
    return build_query(filters, offset=start, limit=offset + PAGE_SIZE - start)


def _after_overlap(items: list[CargoItem], shown: Collection[str]) -> list[CargoItem] | None:
    """The cargos after the deepest one already shown; None when the window shows none of them."""
    deepest = max((i for i, item in enumerate(items) if item.id in shown), default=None)
    if deepest is None:
        return None
    return [item for item in items[deepest + 1 :] if item.id not in shown]


async def next_page(
    cargos: CargoService,
    filters: DriverFilters | None,
    *,
    offset: int,
    shown: Collection[str],
    generation: float,
    caller: Caller | None = None,
) -> NextPage:
    """The cargos that continue the shown list from `offset` (the offset the last page said).
    `shown` holds every id on screen (folded duplicates included); `generation` is the fetch time
    of the first page shown."""
    at, reads, upward = offset, 0, True
    moment = generation  # windows read after the first are no older than the newest one read
    while True:
        served = await cargos.list_page(window_query(filters, at), not_before=moment, caller=caller)
        reads += 1
        moment = max(moment, served.fetched_at)
        window = served.value
        following = window.next_offset()
        fresh = _after_overlap(window.data, shown)
        if fresh is None and reads <= MAX_STEPS:
            if upward and at > PAGE_SIZE:
                at -= PAGE_SIZE  # the list moved up: the continuation is earlier
                continue
            if following is not None:
                at = offset + PAGE_SIZE if upward else at + PAGE_SIZE  # it moved down: further on
                upward = False
                continue
        if fresh is None:
            # No anchor within reach (the list moved by more than the steps cover, or this is
            # its end): the page from `at` as it stands, without cards already shown.
            fresh = [item for item in window.data[at - window_start(at) :] if item.id not in shown]
        if fresh or following is None or reads > MAX_STEPS:
            return NextPage(fresh, following, window.total, served.fetched_at, served.stale, reads)
        # Only cards already shown after the anchor: the window after this one continues it.
        at, upward = following, False
