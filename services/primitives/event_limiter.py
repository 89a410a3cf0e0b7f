"""Per-driver event limit: at most `limit` events per `window_s` (10 a second by default).

Each driver's websocket is held by one worker (sticky sessions), so a process-local window is
exact for that driver. Memory stays bounded: idle drivers are forgotten.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class EventLimiter:
    def __init__(
        self,
        limit: int = 10,
        window_s: float = 1.0,
        *,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._max_keys = max_keys
        self._clock = clock
        self._seen: OrderedDict[object, deque[float]] = OrderedDict()

    def allow(self, key: object) -> bool:
        now = self._clock()
        times = self._seen.pop(key, None) or deque()
        while times and now - times[0] >= self._window_s:
            times.popleft()
        allowed = len(times) < self._limit
        if allowed:
            times.append(now)
        self._seen[key] = times  # most recently used last
        while len(self._seen) > self._max_keys:
            self._seen.popitem(last=False)
        return allowed
