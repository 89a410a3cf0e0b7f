"""Alert when CargoTech has been unreachable for more than five minutes.

The breaker re-opens after every failed probe, so its own `opened_at` keeps moving; this
watcher remembers when the outage began (the breaker left "closed") and alerts once per outage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from services.infra.notifier import Notifier
from services.primitives.circuit_breaker import CircuitBreaker

OUTAGE_ALERT_S = 300.0


class BreakerWatch:
    def __init__(
        self,
        breaker: CircuitBreaker,
        notifier: Notifier,
        *,
        after_s: float = OUTAGE_ALERT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._breaker = breaker
        self._notifier = notifier
        self._after_s = after_s
        self._clock = clock
        self._since: float | None = None
        self._alerted = False

    async def check(self) -> None:
        if self._breaker.state == "closed":
            self._since, self._alerted = None, False
            return
        now = self._clock()
        self._since = self._since if self._since is not None else now
        if not self._alerted and now - self._since > self._after_s:
            self._alerted = True
            minutes = int((now - self._since) // 60)
            await self._notifier.alert(
                "error", "breaker_open", f"CargoTech недоступен уже {minutes} мин: предохранитель разомкнут"
            )

    async def run(self, every_s: float = 15.0) -> None:
        while True:
            await asyncio.sleep(every_s)
            try:
                await self.check()
            except Exception:  # the watcher must outlive a failing notifier
                logging.getLogger(__name__).exception("breaker watch failed")
