"""Who may spend the shared CargoTech budget, and on what.

The account has 600 requests a minute for everyone. Most driver actions are cache hits and cost
nothing; only a miss goes upstream. Misses come in two kinds:

- FEED: list pages and the details of cargos some list has shown. Drivers share these keys, so
  they fill the cache for everyone; they take the account's bucket and nothing else.
- LOOKUP: autocomplete texts and the details of ids no list has shown. Nearly every one is a
  miss that helps nobody else, and a hostile client can make them without end.

Four limits keep one driver, or one feature, from spending everyone's minute:

1. A per-driver budget for misses a driver can vary at will: LOOKUPs and first pages of new
   filter combinations (`charged`), `per_driver_lookups` a minute (30).
2. A shared cap on LOOKUPs for all drivers together (`lookup_share` of the account, via a second
   bucket shared by every worker), so the feed keeps the rest of the minute reserved.
3. A per-driver ceiling on everything a driver causes upstream, `driver_share` of the account
   (20 %): past it the driver's misses are refused for the rest of the minute, the driver is
   told so gently, and the admins get one alert.
4. A shared cap on RETURN_LOADS (`return_loads_share`, through a third shared bucket): loads back
   are suggestions asked on every detail a driver opens, and without a cap they take a third or
   more of the minute at a thousand drivers and crowd out the feed and the details themselves.
   Past the cap they are served from the cache, however old, or not at all.

Refusals raise DriverOverBudget, a CargoTechBusy whose `user_message` is Russian. Per-driver
windows are per process: a driver's websocket stays on one worker (sticky sessions), as for the
event limiter.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable

from services.cargotech.errors import CargoTechBusy
from services.infra.notifier import Notifier
from services.primitives.rate_bucket import RateBucket

log = logging.getLogger(__name__)

WINDOW_S = 60.0
OVER_BUDGET = "Слишком много новых запросов за минуту. Подождите немного — загруженные грузы остаются на экране."


class Purpose(enum.StrEnum):
    FEED = "feed"
    LOOKUP = "lookup"
    # Loads back from where a cargo unloads: feed queries a driver causes by opening a cargo,
    # so they are charged like a new filter combination.
    RETURN_LOADS = "return_loads"


@dataclasses.dataclass(frozen=True)
class Caller:
    """On whose behalf a call is made. `charged`: when it misses the cache, it counts toward the
    per-driver budget for misses the driver can vary at will (every LOOKUP; a feed's first page,
    which is a new filter combination when it misses, unlike the pages scrolled after it)."""

    driver_id: int
    purpose: Purpose = Purpose.FEED
    charged: bool = False

    @classmethod
    def lookup(cls, driver_id: int) -> Caller:
        return cls(driver_id, Purpose.LOOKUP, charged=True)


class DriverOverBudget(CargoTechBusy):
    user_message = OVER_BUDGET


class _Window:
    """Timestamps in a sliding minute."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def count(self, now: float) -> int:
        while self.times and now - self.times[0] >= WINDOW_S:
            self.times.popleft()
        return len(self.times)


@dataclasses.dataclass
class BudgetStats:
    served: Counter = dataclasses.field(default_factory=Counter)  # driver id → misses let through
    refused: Counter = dataclasses.field(default_factory=Counter)  # driver id → misses refused
    by_purpose: Counter = dataclasses.field(default_factory=Counter)  # purpose → misses let through


class UpstreamBudget:
    def __init__(
        self,
        *,
        account_limit: int = 600,
        lookup_bucket: RateBucket | None = None,
        return_loads_bucket: RateBucket | None = None,
        per_driver_lookups: int = 30,
        driver_share: float = 0.2,
        notifier: Notifier | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_drivers: int = 50_000,
    ) -> None:
        # Purposes whose calls, all drivers together, take at most a share of the minute.
        self._shares = {
            purpose: bucket
            for purpose, bucket in ((Purpose.LOOKUP, lookup_bucket), (Purpose.RETURN_LOADS, return_loads_bucket))
            if bucket is not None
        }
        self._per_driver_lookups = per_driver_lookups
        self._driver_share = driver_share
        self._driver_ceiling = max(1, int(account_limit * driver_share))
        self._notifier = notifier
        self._clock = clock
        self._max_drivers = max_drivers
        self._charged: OrderedDict[int, _Window] = OrderedDict()
        self._caused: OrderedDict[int, _Window] = OrderedDict()
        self._alerted_until: dict[int, float] = {}
        self.stats = BudgetStats()

    @property
    def driver_ceiling(self) -> int:
        return self._driver_ceiling

    async def admit(self, caller: Caller | None) -> None:
        """Called on a cache miss, before the upstream call; raises DriverOverBudget to refuse."""
        if caller is None:
            return  # the service's own work (alert polling, background refresh)
        now = self._clock()
        caused = self._window(self._caused, caller.driver_id)
        if caused.count(now) >= self._driver_ceiling:
            await self._over_ceiling(caller.driver_id, now)
            self._refuse(caller, f"driver {caller.driver_id} caused {self._driver_ceiling} calls this minute")
        charged = self._window(self._charged, caller.driver_id)
        if caller.charged and charged.count(now) >= self._per_driver_lookups:
            self._refuse(caller, f"driver {caller.driver_id} used {self._per_driver_lookups} lookups this minute")
        share = self._shares.get(caller.purpose)
        if share is not None:
            wait = await share.try_take()
            if wait > 0:
                self._refuse(caller, f"the {caller.purpose.value} share of the minute is spent", retry_after_s=wait)
        caused.times.append(now)
        if caller.charged:
            charged.times.append(now)
        self.stats.served[caller.driver_id] += 1
        self.stats.by_purpose[caller.purpose] += 1

    def _refuse(self, caller: Caller, reason: str, retry_after_s: float = WINDOW_S) -> None:
        self.stats.refused[caller.driver_id] += 1
        raise DriverOverBudget(reason, retry_after_s=retry_after_s)

    async def _over_ceiling(self, driver_id: int, now: float) -> None:
        if self._alerted_until.get(driver_id, 0.0) > now:
            return
        self._alerted_until[driver_id] = now + WINDOW_S * 10
        if len(self._alerted_until) > self._max_drivers:
            self._alerted_until.pop(next(iter(self._alerted_until)))
        text = (
            f"Водитель {driver_id} за минуту вызвал {self._driver_ceiling} запросов к CargoTech "
            f"{round(self._driver_share * 100)} % общего бюджета; "
            "его новые запросы отклоняются до конца минуты."
        )
        log.warning("driver %s reached the per-driver ceiling of %d upstream calls a minute", driver_id, self._driver_ceiling)
        if self._notifier is not None:
            try:
                await self._notifier.alert("warning", f"driver_budget:{driver_id}", text)
            except Exception:  # noqa: BLE001 - an alert that cannot be sent must not fail the driver's event
                log.exception("could not alert the admins about driver %s", driver_id)

    def _window(self, windows: OrderedDict[int, _Window], driver_id: int) -> _Window:
        window = windows.pop(driver_id, None) or _Window()
        windows[driver_id] = window  # most recently used last
        while len(windows) > self._max_drivers:
            windows.popitem(last=False)
        return window
