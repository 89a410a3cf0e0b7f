"""Which cargos in a query's latest page are new.

Per query we keep when each cargo id was first seen (in the shared cache: Redis across
workers). The first poll of a query only records a baseline (first seen = 0, "always there"),
so switching alerts on never floods a driver with what is already listed. The list is newest
first, so a truly new cargo appears above the ones already seen; an older cargo that merely
moved up into the page (because one above it expired) sits below a seen one and is recorded
as baseline, not announced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from services.primitives.cache_backend import CacheBackend, read_json_object

SEEN_KEEP = 600  # ids remembered per query (a page is ≤ 100; cargos live ~8 h)
SEEN_TTL_S = 3 * 24 * 3600
BASELINE = 0.0


class SeenStore:
    def __init__(self, cache: CacheBackend) -> None:
        self._cache = cache

    async def observe(self, query_key: str, ids_newest_first: Sequence[str], now: float) -> dict[str, float]:
        """Record this page; return {cargo id: first seen} for the ids seen for the first time
        now and counted as new (empty on the baseline poll). Call under the query's poll lock."""
        key = f"alerts:seen:{query_key}"
        seen = await self._load(key)
        baseline = seen is None
        seen = seen or {}
        fresh: dict[str, float] = {}
        below_known = False
        for cargo_id in ids_newest_first:
            if cargo_id in seen:
                below_known = True
                continue
            if baseline or below_known:
                seen[cargo_id] = BASELINE
            else:
                seen[cargo_id] = fresh[cargo_id] = now
        if len(seen) > SEEN_KEEP:  # forget the longest-known ids, never those on the page now
            on_page = set(ids_newest_first)
            others = [k for k in seen if k not in on_page]
            keep = on_page | set(others[len(others) - max(0, SEEN_KEEP - len(on_page)) :])
            seen = {k: v for k, v in seen.items() if k in keep}
        await self._cache.set(key, json.dumps(seen).encode(), SEEN_TTL_S)
        return fresh

    async def _load(self, key: str) -> dict[str, float] | None:
        value = await read_json_object(self._cache, key)
        return None if value is None else {str(k): float(v) for k, v in value.items()}
