"""How a screen recovers by itself after a failed load, and what it says meanwhile.

A failed load is tried again after a backoff (2 s, 4 s, 8 s, 15 s, then every 30 s), never
sooner than CargoTech or our own breaker said it could answer. A screen showing a page that is
being refreshed or is stale checks again after a short while, so the stale banner goes away by
itself when fresh data arrives. A fresh first page on a visible screen is looked at again once a
freshness window has passed, so new cargos at the head of the query (and withdrawn ones) show
without a reload; through the shared cache that costs at most one upstream call per query and
window, however many drivers watch it.
"""

from __future__ import annotations

import dataclasses
import math

from services.cargotech.errors import (
    CargoNotFound,
    CargoTechAuthFailed,
    CargoTechBusy,
    CargoTechError,
    CargoTechUnavailable,
    InvalidCargoId,
)

BACKOFF_S = (2, 4, 8, 15, 30)
LONGEST_WAIT_S = 120  # whatever Retry-After says, a driver's screen tries again within two minutes
UNAVAILABLE = "CargoTech недоступен"
REFRESH_CHECK_S = 3  # a page served while its refresh runs: the refresh lands within seconds
STALE_CHECK_S = (5, 10, 20, 30)
HEAD_CHECK_S = 60  # the list cache's freshness window: looking sooner finds the same page


@dataclasses.dataclass(frozen=True)
class Recovery:
    message: str  # Russian, shown in the error banner
    retry_in_s: int  # seconds until the screen tries again by itself; -1: it does not


def retry_delay(attempt: int, retry_after_s: float | None = None) -> int:
    """Seconds before automatic attempt number `attempt` (0 for the first retry)."""
    delay = BACKOFF_S[min(max(attempt, 0), len(BACKOFF_S) - 1)]
    if retry_after_s:
        delay = max(delay, math.ceil(retry_after_s))
    return min(delay, LONGEST_WAIT_S)


def recovery_for(error: CargoTechError, attempt: int) -> Recovery:
    """What the screen says after `error`, and when it tries again (attempt counts from 0)."""
    if isinstance(error, (CargoNotFound, InvalidCargoId)):
        return Recovery(error.user_message, -1)  # an answer, not an outage: trying again changes nothing
    if isinstance(error, CargoTechBusy):
        return Recovery(error.user_message, retry_delay(attempt, error.retry_after_s))
    if isinstance(error, CargoTechUnavailable):
        return Recovery(UNAVAILABLE, retry_delay(attempt, error.retry_after_s))
    if isinstance(error, CargoTechAuthFailed):
        return Recovery(UNAVAILABLE, retry_delay(len(BACKOFF_S) - 1))  # the admins were told; check slowly
    return Recovery(error.user_message, retry_delay(attempt))


def recheck_delay(*, refreshing: bool, stale: bool, attempt: int, watching: bool = False) -> int:
    """Seconds until a screen showing a flagged page asks again. A fresh page: -1, or when the
    screen `watching` the head of its query wants new cargos, one freshness window."""
    if stale:
        return STALE_CHECK_S[min(attempt, len(STALE_CHECK_S) - 1)]
    if refreshing:
        return REFRESH_CHECK_S
    return HEAD_CHECK_S if watching else -1
