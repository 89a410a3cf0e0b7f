"""The next page of a feed the driver is scrolling, consistent with what is already on screen.

CargoTech pages by offset while cargos keep arriving at the head and vanishing anywhere, and the
shared cache holds each page with its own age. So a deeper page is reconciled with the cards
shown, by id:

* The first page fixes a generation (its fetch time). A deeper page older than that is not used:
  it is fetched again (and cached for everyone), because an older page misses the cargos that
  the newer first page pushed down into it.
* Overlap with the shown cards locates the page: only cards after the deepest shown one are new.
  New cargos at the head push the list down, so a page may hold only cards already shown; then
  the next offset follows by itself, and the infinite scroll never stalls.
* A page with no shown card at all may have skipped some (cargos above it were withdrawn, so the
  list moved up): the page before it is fetched too, and reconciled the same way.

Each extra step is one more page of the same query, through the same cache: a bounded number of
calls per «Показать ещё», never a loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from services.cargotech.models import CargoItem
from services.cargotech.upstream_budget import Caller
from services.feed.cache import CargoService
from services.feed.filters import PAGE_SIZE, DriverFilters, build_query

MAX_STEPS = 4  # extra pages one «Показать ещё» may fetch while reconciling


@dataclasses.dataclass(frozen=True)
class NextPage:
    items: list[CargoItem]  # cargos not shown yet, in the exchange's order
    next_offset: int | None  # where the page after these starts; None at the end
    total: int | None
    fetched_at: float
    stale: bool
    upstream_pages: int  # pages read to produce this one (1 when nothing needed reconciling)


def _after_overlap(items: list[CargoItem], shown: Collection[str]) -> list[CargoItem] | None:
    """The cargos after the deepest one already shown; None when the page shows none of them."""
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
    steps = 0
    stepped_back = False
    while True:
        served = await cargos.list_page(build_query(filters, offset=offset), not_before=generation, caller=caller)
        page = served.value
        fresh = _after_overlap(page.data, shown)
        at_head = offset == 0
        if fresh is None and not at_head and not stepped_back and steps < MAX_STEPS:
            # Nothing shown here: the list moved up under the driver. Look one page earlier.
            offset = max(0, offset - max(len(page.data), PAGE_SIZE))
            steps += 1
            stepped_back = True
            continue
        if fresh is None:
            fresh = [item for item in page.data if item.id not in shown]
        following = page.next_offset()
        if fresh or following is None or steps >= MAX_STEPS:
            return NextPage(fresh, following, page.total, served.fetched_at, served.stale, steps + 1)
        # Only cards already shown: the list moved down. Continue with the next page.
        offset = following
        steps += 1
