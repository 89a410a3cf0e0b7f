"""Everything one sandbox app instance remembers. Nothing lives at module level, so several
sandboxes in one process (tests) never share tokens, counters or faults."""

from __future__ import annotations

import time

from sandbox.config import SandboxConfig
from sandbox.faults import Faults
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

    def now(self) -> float:
        return (time.time() if self.frozen_at is None else self.frozen_at) + self.offset_s


class Stats:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.calls = dict.fromkeys(ENDPOINTS, 0)  # every call, whatever its answer
        self.total = 0
        self.rate_limited = 0  # 429s sent, by the limiter or by a fault
        self.logins_ok = 0

    def count(self, endpoint: str) -> None:
        self.calls[endpoint] += 1
        self.total += 1


class SandboxState:
    def __init__(self, config: SandboxConfig) -> None:
        self.initial_config = config
        self.config = config
        self.pool = CargoPool(config.seed)
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
