"""A process-local circuit breaker: stop calling an upstream that keeps failing, probe it now and then.

Only the caller knows what a failure is, so the breaker never inspects results. Count 5xx answers,
timeouts and connection errors with `record_failure()`; report everything else with
`record_success()`, including 404 and other 4xx: those are answers about the request, the upstream
itself is healthy, and opening on them would lock every driver out because of one bad request.

Pure and synchronous, no I/O, with an injectable clock, so it can be tested without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

State = Literal["closed", "open", "half_open"]


class CircuitOpen(Exception):
    """The upstream is presumed down; `retry_in_s` says when a probe will be let through.

    0 means a probe is already in flight and its outcome decides.
    """

    def __init__(self, retry_in_s: float) -> None:
        super().__init__(f"circuit open, retry in {retry_in_s:.1f} s")
        self.retry_in_s = retry_in_s


class CircuitBreaker:
    def __init__(
        self, failure_threshold: int = 5, reset_after_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.reset_after_s = reset_after_s
        self._clock = clock
        self._state: State = "closed"
        self.consecutive_failures = 0
        self.opened_at: float | None = None
        self._probe_started_at: float | None = None

    @property
    def state(self) -> State:
        return self._state

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go out now; every call let through must be reported."""
        if self._state == "closed":
            return
        now = self._clock()
        if self._state == "open":
            assert self.opened_at is not None
            retry_in = self.opened_at + self.reset_after_s - now
            if retry_in > 0:
                raise CircuitOpen(retry_in)
        else:  # half_open
            assert self._probe_started_at is not None
            if now - self._probe_started_at < self.reset_after_s:
                raise CircuitOpen(0.0)
        # Cooldown over (or the last probe never reported, e.g. its task was cancelled): one probe goes.
        self._state = "half_open"
        self._probe_started_at = now

    def record_success(self) -> None:
        self._state = "closed"
        self.consecutive_failures = 0
        self.opened_at = None
        self._probe_started_at = None

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        if self._state == "half_open" or (self._state == "closed" and self.consecutive_failures >= self.failure_threshold):
            self._state = "open"
            self.opened_at = self._clock()
            self._probe_started_at = None
        # Already open: a late failure of a call made before opening must not extend the cooldown.

    def snapshot(self) -> dict[str, object]:
        retry_in = 0.0
        if self._state == "open" and self.opened_at is not None:
            retry_in = max(0.0, self.opened_at + self.reset_after_s - self._clock())
        return {
            "state": self._state,
            "consecutive_failures": self.consecutive_failures,
            "failure_threshold": self.failure_threshold,
            "reset_after_s": self.reset_after_s,
            "opened_at": self.opened_at,
            "retry_in_s": retry_in,
        }
