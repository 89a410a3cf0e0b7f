"""Shared cargo cache: one entry per normalised upstream query, for all
drivers, so a thousand drivers cost about as much as one.

Miss-prone entries (autocomplete texts, details of cargos no list has shown, «снят» markers) live
in a separate bounded cache, so a driver sending random texts or ids cannot evict the pages
everyone shares. Every miss made for a driver passes services.cargotech.upstream_budget first.

Honest freshness. An entry is fresh for its window (`list_fresh_s` for lists). While CargoTech
is healthy, an entry past its window but younger than `revalidate_windows` windows is served at
once, flagged `refreshing`, while one background refresh runs (one per key across all workers,
through a lock): the caller asks again when the refresh has landed. An older entry is not served
while CargoTech is healthy: the caller waits for a fresh answer. When CargoTech is failing (the
breaker is open or this key's last refresh failed), entries up to `stale_max_s` old are served
flagged `stale` with their age, so the UI can say «данные от 14:05». Concurrent misses for one
key make one upstream call.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

from services.cargotech.client import CargoTechClient
from services.cargotech.errors import CargoNotFound, CargoTechError, CargoTechUnavailable
from services.cargotech.models import CargoDetail, CargoItem, CargoPage, DictionaryPoint, TypeRef
from services.cargotech.upstream_budget import Caller, Purpose, UpstreamBudget
from services.feed.filters import query_key
from services.primitives.cache_backend import CacheBackend
from services.primitives.locks import LockFactory, LockTimeout

log = logging.getLogger(__name__)

T = TypeVar("T")
GONE_TTL_S = 120  # a removed cargo stays "gone" briefly instead of being asked for again
# The fill lock outlives the worst upstream call (client deadline plus a login's wait), so it
# never expires under a worker that is still fetching; others wait less and then give up.
FILL_LOCK_TTL_S = 90
DECODED_KEEP = 512  # decoded cache entries kept per process (a page of 40 cargos is ~40 KB decoded)
FILL_WAIT_S = 15


@dataclasses.dataclass(frozen=True)
class Served(Generic[T]):
    value: T
    fetched_at: float  # epoch seconds of the upstream answer
    stale: bool  # True when served because CargoTech is failing
    # Past its freshness window, served while a refresh runs: ask again in a moment.
    refreshing: bool = False


@dataclasses.dataclass(frozen=True)
class Policy:
    fresh_s: float
    keep_s: float  # how long an entry may be served when CargoTech is down
    revalidate_s: float  # how old an entry may be served, flagged, while a refresh runs


@dataclasses.dataclass
class CacheStats:
    hits: Counter = dataclasses.field(default_factory=Counter)
    misses: Counter = dataclasses.field(default_factory=Counter)
    stale: Counter = dataclasses.field(default_factory=Counter)
    # (kind, what for) → upstream calls this process made: a driver's purpose (feed, lookup,
    # return_loads), "service" (no driver: alert polling) or "refresh" (in the background). Counted
    # at the call itself, so a fill another worker made meanwhile, or a refresh it already runs,
    # is not counted.
    fills: Counter = dataclasses.field(default_factory=Counter)

    def snapshot(self) -> dict[str, dict[str, int]]:
        kinds = set(self.hits) | set(self.misses) | set(self.stale)
        return {k: {"hits": self.hits[k], "misses": self.misses[k], "stale": self.stale[k]} for k in sorted(kinds)}

    def fill_totals(self) -> dict[str, float]:
        """The fills as flat totals, "fill|<kind>|<what for>" (services.infra.shared_figures)."""
        return {f"fill|{kind}|{origin}": float(count) for (kind, origin), count in self.fills.items()}


class CargoService:
    def __init__(
        self,
        client: CargoTechClient,
        cache: CacheBackend,
        locks: LockFactory,
        *,
        list_fresh_s: float = 60,
        detail_fresh_s: float = 15 * 60,
        dictionary_fresh_s: float = 24 * 3600,
        stale_max_s: float = 24 * 3600,
        revalidate_windows: float = 2.0,
        upstream_ok: Callable[[], bool] = lambda: True,
        clock: Callable[[], float] = time.time,
        lookup_cache: CacheBackend | None = None,
        lookup_keep_s: float = 6 * 3600,
        budget: UpstreamBudget | None = None,
        on_list: Callable[[list[CargoItem]], None] | None = None,
    ) -> None:
        self.client = client
        # Told the items of every list page served (hit or miss): lane rates keep the market's
        # prices from it. It must return at once and never raise.
        self.on_list = on_list
        self._cache = cache
        self._lookup_cache = lookup_cache if lookup_cache is not None else cache
        self.budget = budget
        self._locks = locks
        self._clock = clock
        self._upstream_ok = upstream_ok  # False while the circuit breaker is open
        self._list = Policy(list_fresh_s, stale_max_s, revalidate_windows * list_fresh_s)
        self._detail = Policy(detail_fresh_s, stale_max_s, revalidate_windows * detail_fresh_s)
        self._dictionary = Policy(dictionary_fresh_s, stale_max_s + dictionary_fresh_s, revalidate_windows * dictionary_fresh_s)
        # Miss-prone entries are kept for less: they rarely help anyone but their asker.
        self._lookup_detail = Policy(detail_fresh_s, min(lookup_keep_s, stale_max_s), revalidate_windows * detail_fresh_s)
        self._lookup_points = Policy(
            dictionary_fresh_s, max(lookup_keep_s, dictionary_fresh_s), revalidate_windows * dictionary_fresh_s
        )
        self._inflight: dict[str, asyncio.Task] = {}
        self._failing: dict[str, float] = {}  # key → when its last refresh failed
        self._background: set[asyncio.Task] = set()
        self.stats = CacheStats()
        # key → (digest of the cached bytes, their decoded entry): see _read.
        self._decoded: OrderedDict[str, tuple[bytes, Served]] = OrderedDict()

    async def list_page(
        self,
        query: Mapping[str, str],
        *,
        not_before: float = 0.0,
        caller: Caller | None = None,
        fresh_s: float | None = None,
    ) -> Served[CargoPage]:
        """The page for `query`; with `not_before` (epoch s), never one fetched earlier while
        CargoTech answers, so a deeper page is no older than the first page it continues. With
        `fresh_s`, a caller that can live with older pages than the feed (suggestions) accepts
        the shared entry up to that age; the entry is the feed's, so a feed reading the same
        query still gets its own window."""
        key = f"list:{query_key(query)}"
        policy = self._list
        if fresh_s is not None and fresh_s > policy.fresh_s:
            policy = Policy(fresh_s, policy.keep_s, max(policy.revalidate_s, fresh_s + policy.fresh_s))
        served = await self._serve(
            "list",
            key,
            policy,
            CargoPage,
            lambda: self.client.list_cargos(query),
            not_before=not_before,
            caller=caller,
        )
        if self.on_list is not None:
            self.on_list(served.value.data)
        return served

    async def detail(self, cargo_id: str, *, caller: Caller | None = None) -> Served[CargoDetail]:
        """A cargo's detail. A LOOKUP caller (an id no list has shown) is served from, and fills,
        the miss-prone cache unless the shared one already holds the cargo."""
        key = f"detail:{cargo_id}"
        if await self._lookup_cache.get(f"gone:{cargo_id}") is not None:
            raise CargoNotFound(f"cargo {cargo_id} is gone (cached)")
        lookup = caller is not None and caller.purpose is Purpose.LOOKUP and self._lookup_cache is not self._cache
        cache, policy = (self._lookup_cache, self._lookup_detail) if lookup else (self._cache, self._detail)
        if lookup and await self._cache.get(key) is not None:
            cache, policy = self._cache, self._detail  # someone's list showed it after all
        try:
            return await self._serve(
                "detail", key, policy, CargoDetail, lambda: self.client.get_cargo(cargo_id), caller=caller, cache=cache
            )
        except CargoNotFound:
            await self._lookup_cache.set(f"gone:{cargo_id}", b"1", GONE_TTL_S)
            await cache.delete(key)
            raise

    async def points(self, name: str, *, limit: int = 10, caller: Caller | None = None) -> Served[list[DictionaryPoint]]:
        needle = " ".join(name.lower().split())
        key = f"points:{needle}" if limit == 10 else f"points:{limit}:{needle}"
        return await self._serve(
            "dictionary",
            key,
            self._lookup_points,
            list[DictionaryPoint],
            lambda: self.client.search_points(needle, limit=limit),
            caller=caller,
            cache=self._lookup_cache,
        )

    async def truck_types(self) -> Served[list[TypeRef]]:
        return await self._serve("dictionary", "truck_types", self._dictionary, list[TypeRef], self.client.truck_types)

    async def load_types(self) -> Served[list[TypeRef]]:
        return await self._serve("dictionary", "load_types", self._dictionary, list[TypeRef], self.client.load_types)

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()

    async def settle(self) -> None:
        """Wait for the background refreshes now running (tests, an orderly shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # --- the stale-while-revalidate core ----------------------------------------------------

    async def _serve(
        self,
        kind: str,
        key: str,
        policy: Policy,
        shape: type,
        load: Callable[[], Awaitable[object]],
        *,
        not_before: float = 0.0,
        caller: Caller | None = None,
        cache: CacheBackend | None = None,
    ) -> Served:
        cache = self._cache if cache is None else cache
        adapter: TypeAdapter[Any] = TypeAdapter(shape)
        entry = await self._read(cache, key, adapter)
        age = None if entry is None else self._clock() - entry.fetched_at
        recent_enough = entry is not None and entry.fetched_at >= not_before
        if entry is not None and age is not None and age < policy.fresh_s and recent_enough:
            self.stats.hits[kind] += 1
            return entry
        failing = key in self._failing or not self._upstream_ok()
        if entry is not None and age is not None and age < policy.keep_s and failing:
            self.stats.hits[kind] += 1
            self.stats.stale[kind] += 1
            self._refresh_in_background(kind, cache, key, policy, adapter, load)
            return dataclasses.replace(entry, stale=True)
        if entry is not None and age is not None and age < policy.revalidate_s and recent_enough:
            self.stats.hits[kind] += 1
            self._refresh_in_background(kind, cache, key, policy, adapter, load)
            return dataclasses.replace(entry, refreshing=True)
        # Too old to show while CargoTech answers: wait for a fresh answer.
        self.stats.misses[kind] += 1
        try:
            if key not in self._inflight:
                # Joining a fill already on its way costs nothing; starting one is a driver's miss.
                if self.budget is not None:
                    await self.budget.admit(caller)
            purpose = caller.purpose.value if caller is not None else "service"
            return await self._fill(cache, key, policy, adapter, self._counted(kind, purpose, load))
        except CargoTechError:
            if entry is None:
                raise
            self.stats.stale[kind] += 1  # older than keep_s but still better than nothing
            return dataclasses.replace(entry, stale=True)

    async def _fill(self, cache: CacheBackend, key: str, policy: Policy, adapter: TypeAdapter, load) -> Served:
        """One upstream call per key however many callers wait: coalesced in this process by a
        shared task, across processes by a lock and a re-read of the cache."""
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fill_once(cache, key, policy, adapter, load))
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _fill_once(self, cache: CacheBackend, key: str, policy: Policy, adapter: TypeAdapter, load) -> Served:
        started = self._clock()
        try:
            async with self._locks.hold(f"fill:{key}", ttl_s=FILL_LOCK_TTL_S, wait_s=FILL_WAIT_S):
                return await self._fill_locked(cache, key, started, policy, adapter, load)
        except LockTimeout as exc:
            raise CargoTechUnavailable(f"waited too long for {key}") from exc

    async def _fill_locked(
        self, cache: CacheBackend, key: str, started: float, policy: Policy, adapter: TypeAdapter, load
    ) -> Served:
        entry = await self._read(cache, key, adapter)
        if entry is not None and entry.fetched_at >= started - 0.001:
            return entry  # another worker filled it while we waited
        try:
            value = await load()
        except CargoNotFound:
            raise  # an answer, not an outage
        except CargoTechError:
            self._failing[key] = self._clock()
            raise
        self._failing.pop(key, None)
        served = Served(value=value, fetched_at=self._clock(), stale=False)
        await self._write(cache, key, served, policy, adapter)
        return served

    def _refresh_in_background(
        self, kind: str, cache: CacheBackend, key: str, policy: Policy, adapter: TypeAdapter, load
    ) -> None:
        if key in self._inflight:
            return

        async def refresh() -> None:
            try:
                # wait_s=0: if another worker is already refreshing this key, let it.
                async with self._locks.hold(f"refresh:{key}", ttl_s=15, wait_s=0):
                    await self._fill(cache, key, policy, adapter, self._counted(kind, "refresh", load))
            except (LockTimeout, CargoTechError) as exc:
                log.debug("background refresh of %s skipped: %s", key, exc)

        task = asyncio.ensure_future(refresh())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _counted(self, kind: str, purpose: str, load: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
        async def call() -> object:
            self.stats.fills[(kind, purpose)] += 1
            return await load()

        return call

    async def _read(self, cache: CacheBackend, key: str, adapter: TypeAdapter) -> Served | None:
        raw = await cache.get(key)
        if raw is None:
            return None
        # Every hit used to rebuild the page's models from JSON (a tenth of a worker's CPU at
        # 1,000 drivers): an entry read again unchanged is served from its decoded copy.
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        known = self._decoded.get(key)
        if known is not None and known[0] == digest:
            self._decoded.move_to_end(key)
            return known[1]
        try:
            envelope = json.loads(raw)
            served = Served(value=adapter.validate_python(envelope["v"]), fetched_at=float(envelope["t"]), stale=False)
        except (ValueError, KeyError, TypeError):
            log.warning("dropping unreadable cache entry %s", key)
            await cache.delete(key)
            return None
        self._remember(key, digest, served)
        return served

    async def _write(self, cache: CacheBackend, key: str, served: Served, policy: Policy, adapter: TypeAdapter) -> None:
        payload = {"t": served.fetched_at, "v": adapter.dump_python(served.value, mode="json")}
        raw = json.dumps(payload, ensure_ascii=False).encode()
        await cache.set(key, raw, policy.keep_s)
        self._remember(key, hashlib.blake2b(raw, digest_size=16).digest(), served)

    def _remember(self, key: str, digest: bytes, served: Served) -> None:
        self._decoded[key] = (digest, served)
        self._decoded.move_to_end(key)
        while len(self._decoded) > DECODED_KEEP:
            self._decoded.popitem(last=False)
