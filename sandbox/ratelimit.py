"""A sliding one-minute window, as Laravel's throttle middleware enforces per account."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass

WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after_s: int  # 0 when allowed

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after_s)
        return headers


class SlidingWindow:
    """Counts hits in the last minute on the monotonic clock (the control clock shifts cargos,
    never rate windows)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._hits: deque[float] = deque()

    def hit(self) -> Verdict:
        """Count one call if the budget allows it."""
        now = self._expire()
        if len(self._hits) >= self.limit:
            # The oldest hits that must leave the window before one more call fits.
            wait = self._hits[len(self._hits) - self.limit] + WINDOW_S - now
            return Verdict(False, self.limit, 0, max(1, math.ceil(wait)))
        self._hits.append(now)
        return Verdict(True, self.limit, self.limit - len(self._hits), 0)

    def peek(self) -> Verdict:
        """The current state, for answers that did not count (401s, injected faults)."""
        self._expire()
        return Verdict(True, self.limit, max(0, self.limit - len(self._hits)), 0)

    def clear(self) -> None:
        self._hits.clear()

    def _expire(self) -> float:
        now = time.monotonic()
        while self._hits and self._hits[0] <= now - WINDOW_S:
            self._hits.popleft()
        return now
