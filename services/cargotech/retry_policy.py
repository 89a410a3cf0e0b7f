"""When and how long to retry a CargoTech call (docs/cargotech-api.md).

Retried: 429, 502, 503, 504, timeouts and connection errors. Backoff 0.5 s → 1.5 s → 3 s with
±20 % jitter (so workers that failed together do not retry together), at most 3 retries, never
shorter than the server's Retry-After and never past the caller's deadline: a retry that could
not finish in time is not started.
"""

from __future__ import annotations

import random
import time

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, stop_any
from tenacity.stop import stop_base

BACKOFF_S = (0.5, 1.5, 3.0)
MAX_RETRIES = 3
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class RetryableUpstream(Exception):
    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _wait(state: RetryCallState) -> float:
    base = BACKOFF_S[min(state.attempt_number, len(BACKOFF_S)) - 1]
    delay = base * random.uniform(0.8, 1.2)
    error = state.outcome.exception() if state.outcome else None
    retry_after = getattr(error, "retry_after_s", None)
    if retry_after:
        delay = max(delay, retry_after)
    return delay


class _PastDeadline(stop_base):
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        # tenacity computes the upcoming sleep before asking whether to stop.
        return time.monotonic() + retry_state.upcoming_sleep >= self.deadline


def retrying(deadline: float, retry_on: tuple[type[BaseException], ...] = (RetryableUpstream,)) -> AsyncRetrying:
    """A tenacity policy for one call that must be answered by `deadline` (time.monotonic()).
    `retry_on` names the transient errors; their `retry_after_s`, if any, bounds the wait."""
    return AsyncRetrying(
        retry=retry_if_exception_type(retry_on),
        wait=_wait,
        stop=stop_any(stop_after_attempt(MAX_RETRIES + 1), _PastDeadline(deadline)),
        reraise=True,
    )
