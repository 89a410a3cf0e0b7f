"""Everything one sandbox app instance remembers. Nothing lives at module level, so several
sandboxes in one process (tests) never share tokens, counters or faults."""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import urlencode

from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.generator import DUPLICATE_ID_BASE, ID_BASE, Cargo, duplicate_of, with_fields, with_price
from sandbox.pool import CargoPool
from sandbox.ratelimit import SlidingWindow
from sandbox.tokens import TokenStore

ENDPOINTS = ("list", "detail", "points", "truck_types", "load_types", "me", "login", "refresh")


class Clock:
    """The sandbox's idea of now: wall clock plus an offset, optionally frozen, so tests can
    move through cargo lifetimes and token expiry, or hold the cargo list still."""

    def __init__(self) -> None:
        self.set(0.0, frozen=False)

    def set(self, offset_s: float, *, frozen: bool) -> None:
        self.offset_s = offset_s
        self.frozen_at = time.time() if frozen else None

    def set_now(self, at: float, *, frozen: bool) -> None:
        """Now is `at` exactly (and runs on from there unless frozen)."""
        wall = time.time()
        self.frozen_at = wall if frozen else None
        self.offset_s = at - wall

    def now(self) -> float:
        return (time.time() if self.frozen_at is None else self.frozen_at) + self.offset_s


LIST_QUERIES_KEPT = 5000


def query_key(params: Iterable[tuple[str, str]]) -> str:
    """One spelling of a list query whatever the order of its parameters."""
    return urlencode(sorted(params))


class Stats:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.calls = dict.fromkeys(ENDPOINTS, 0)  # every call, whatever its answer
        self.total = 0
        self.rate_limited = 0  # 429s sent, by the limiter or by a fault
        self.logins_ok = 0
        # The list queries answered, newest last: a test can tell which pages a client may
        # still hold in its cache from before it moved the exchange.
        self.list_queries: OrderedDict[str, None] = OrderedDict()

    def note_list_query(self, params: Iterable[tuple[str, str]]) -> None:
        key = query_key(params)
        self.list_queries.pop(key, None)
        self.list_queries[key] = None
        if len(self.list_queries) > LIST_QUERIES_KEPT:
            self.list_queries.popitem(last=False)

    def count(self, endpoint: str) -> None:
        self.calls[endpoint] += 1
        self.total += 1


REPOST_ID_BASE = 4_000_000_000  # generated reposts: base + 4 × (original id − ID_BASE) + k, k = 1..3
REPOST_SLOTS = 4
REPOST_COUNTS = (1, 1, 1, 2, 2, 3)  # most reposted loads appear twice in all, a few four times


class EditedPool:
    """The generated pool with the control API's edits on top: removed cargos (the detail answers
    404, the list drops them), changed prices and fields, and duplicate postings from other companies.
    Without edits it is the pool itself, at the same speed."""

    def __init__(self, pool: CargoPool) -> None:
        self._pool = pool
        self.world = pool.world
        self.clear()

    def clear(self) -> None:
        self.removed: set[int] = set()
        self.prices: dict[int, int] = {}  # cargo id → kopecks
        self.fields: dict[int, dict] = {}  # cargo id → answer fields set by a test
        self.duplicates: dict[int, list[tuple[int, int | None]]] = {}  # original id → [(dup id, company)]
        self._original_of: dict[int, tuple[int, int | None]] = {}  # dup id → (original id, company)
        self._next_duplicate = DUPLICATE_ID_BASE
        self.repost_share = 0.0  # share of cargos other companies repost (off: the plain generated feed)
        self._version = 0
        self._cached: tuple[int, int, tuple[Cargo, ...]] | None = None

    @property
    def edited(self) -> bool:
        return bool(self.removed or self.prices or self.fields or self.duplicates or self.repost_share)

    def visible(self, now: float) -> tuple[Cargo, ...]:
        base = self._pool.visible(now)
        if not self.edited:
            return base
        second = int(now)
        if self._cached is not None and self._cached[:2] == (second, self._version):
            return self._cached[2]
        shown: list[Cargo] = []
        for cargo in base:
            if cargo.id not in self.removed:
                shown.append(self._priced(cargo))
            reposts = [*self.duplicates.get(cargo.id, ()), *((r, None) for r in self.reposts_of(cargo.id))]
            for dup_id, company_id in reposts:  # right after the original
                if dup_id not in self.removed:
                    shown.append(self._priced(self._duplicate(cargo, dup_id, company_id)))
        self._cached = (second, self._version, tuple(shown))
        return self._cached[2]

    def find(self, cargo_id: int, now: float) -> Cargo | None:
        if cargo_id in self.removed:
            return None
        if cargo_id in self._original_of:
            original_id, company_id = self._original_of[cargo_id]
            original = self._pool.find(original_id, now)  # a repost lives as long as its original
            return None if original is None else self._priced(self._duplicate(original, cargo_id, company_id))
        if cargo_id > REPOST_ID_BASE:
            original_id = ID_BASE + (cargo_id - REPOST_ID_BASE) // REPOST_SLOTS
            if cargo_id not in self.reposts_of(original_id):
                return None
            original = self._pool.find(original_id, now)
            return None if original is None else self._priced(self._duplicate(original, cargo_id, None))
        cargo = self._pool.find(cargo_id, now)
        return None if cargo is None else self._priced(cargo)

    def reposts_of(self, cargo_id: int) -> list[int]:
        """Generated reposts of a cargo: a pure function of (seed, id, share), like the cargos."""
        if not self.repost_share:
            return []
        rng = random.Random(f"reposts:{self.world.seed}:{cargo_id}")
        if rng.random() >= self.repost_share:
            return []
        base = REPOST_ID_BASE + (cargo_id - ID_BASE) * REPOST_SLOTS
        return [base + k for k in range(1, 1 + rng.choice(REPOST_COUNTS))]

    def set_repost_share(self, share: float) -> None:
        self.repost_share = share
        self._version += 1

    # --- edits (each bumps the version so the next list is rebuilt) ---------------------------

    def remove(self, cargo_id: int) -> None:
        self.removed.add(cargo_id)
        self._version += 1

    def restore(self, cargo_id: int) -> None:
        self.removed.discard(cargo_id)
        self._version += 1

    def set_price(self, cargo_id: int, kopecks: int) -> None:
        self.prices[cargo_id] = kopecks
        self._version += 1

    def set_fields(self, cargo: Cargo, fields: dict) -> None:
        with_fields(cargo, fields)  # refuses unknown fields before anything is stored
        self.fields[cargo.id] = {**self.fields.get(cargo.id, {}), **fields}
        self._version += 1

    def duplicate(self, cargo_id: int, company_id: int | None = None) -> int:
        if company_id is not None and not any(c.id == company_id for c in self.world.companies):
            raise ValueError(f"unknown company_id {company_id}")
        dup_id = self._next_duplicate
        self._next_duplicate += 1
        self.duplicates.setdefault(cargo_id, []).append((dup_id, company_id))
        self._original_of[dup_id] = (cargo_id, company_id)
        self._version += 1
        return dup_id

    def _priced(self, cargo: Cargo) -> Cargo:
        kopecks = self.prices.get(cargo.id)
        priced = cargo if kopecks is None else with_price(cargo, kopecks)
        fields = self.fields.get(cargo.id)
        return priced if fields is None else with_fields(priced, fields)

    def _duplicate(self, original: Cargo, dup_id: int, company_id: int | None) -> Cargo:
        # The original's current price: a repost copies what the original shows.
        return duplicate_of(self.world, self._priced(original), dup_id, company_id)


class SandboxState:
    def __init__(self, config: SandboxConfig) -> None:
        self.initial_config = config
        self.config = config
        self.pool = EditedPool(CargoPool(config.seed))
        self.clock = Clock()
        self.tokens = TokenStore()
        self.faults = Faults()
        self.stats = Stats()
        self.api_limit = SlidingWindow(config.rate_limit)
        self.login_limit = SlidingWindow(config.login_rate_limit)
        # Extranotes staged by tests (e.g. an XSS payload) in place of the generated one.
        self.note_overrides: dict[int, str] = {}

    def reconfigure(self, **changes) -> None:
        self.config = self.config.replace(**changes)
        self._apply_limits()

    def _apply_limits(self) -> None:
        self.api_limit.limit = self.config.rate_limit
        self.login_limit.limit = self.config.login_rate_limit

    def reset(self) -> None:
        """Back to a fresh start: no faults, tokens, counters or clock shift; initial settings."""
        self.config = self.initial_config
        self.faults.clear()
        self.note_overrides.clear()
        self.pool.clear()
        self.tokens.revoke_all()
        self.stats.clear()
        self.clock.set(0.0, frozen=False)
        self._apply_limits()
        self.api_limit.clear()
        self.login_limit.clear()

    def snapshot(self) -> dict:
        return {
            **self.stats.calls,
            "total": self.stats.total,
            "rate_limited": self.stats.rate_limited,
            "logins_ok": self.stats.logins_ok,
            "live_tokens": self.tokens.live_count(self.clock.now()),
            "hanging": self.faults.hanging,
            "faults_pending": len(self.faults.pending()),
            "clock_offset_s": self.clock.offset_s,
            "clock_frozen": self.clock.frozen_at is not None,
        }
