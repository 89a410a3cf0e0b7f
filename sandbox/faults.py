"""Injected failures, queued in the order they were posted.

For each API call, every live matching `latency` fault adds its delay, then the first live
matching terminal fault (`status`, `hang`, `malformed`) decides the answer. Each fault applies to
`count` calls, or to every call for `duration_s` seconds, or whichever ends first.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive

from sandbox.fault_queue import FaultQueue
from sandbox.responses import message, raw_json

KINDS = ("status", "latency", "hang", "malformed")
TERMINAL_KINDS = ("status", "hang", "malformed")
MALFORMED_BODY = b'{"data": [{"id": 2200000001, "weight": 1500, "points": {"start": '


@dataclass
class Fault:
    id: int
    kind: str
    path_prefix: str
    remaining: int | None  # calls left; None: limited by time only
    until: float | None  # monotonic deadline; None: limited by count only
    status: int | None = None
    retry_after: int | None = None
    ms: int = 0

    def applies(self, path: str, now: float) -> bool:
        return self.live(now) and path.startswith(self.path_prefix)

    def live(self, now: float) -> bool:
        return (self.remaining is None or self.remaining > 0) and (self.until is None or now < self.until)

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1

    def as_json(self) -> dict[str, Any]:
        until = None if self.until is None else round(max(0.0, self.until - time.monotonic()), 3)
        return {
            "id": self.id,
            "kind": self.kind,
            "path_prefix": self.path_prefix,
            "remaining": self.remaining,
            "remaining_s": until,
            "status": self.status,
            "retry_after": self.retry_after,
            "ms": self.ms,
        }


def _number(spec: dict, key: str, *, integer: bool, low: float, high: float) -> Any:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)) or not low <= value <= high:
        kind = "an integer" if integer else "a number"
        raise ValueError(f"{key} must be {kind} between {low} and {high}")
    return value


def parse_fault(fault_id: int, spec: Any) -> Fault:
    """A Fault from a control call's JSON; ValueError says what is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("a fault is a JSON object")
    unknown = set(spec) - {"kind", "status", "count", "duration_s", "ms", "retry_after", "path_prefix"}
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    count = _number(spec, "count", integer=True, low=1, high=1_000_000)
    duration = _number(spec, "duration_s", integer=False, low=0.001, high=86_400)
    prefix = spec.get("path_prefix", "/")
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        raise ValueError("path_prefix must start with /")
    fault = Fault(
        id=fault_id,
        kind=kind,
        path_prefix=prefix,
        remaining=count if count is not None or duration is not None else 1,
        until=None if duration is None else time.monotonic() + duration,
        retry_after=_number(spec, "retry_after", integer=True, low=1, high=86_400),
    )
    if kind == "status":
        fault.status = _number(spec, "status", integer=True, low=400, high=599)
        if fault.status is None:
            raise ValueError("a status fault needs status (400..599)")
        if fault.status == 429 and fault.retry_after is None:
            fault.retry_after = 1
    if kind == "latency":
        fault.ms = _number(spec, "ms", integer=True, low=1, high=600_000)
        if fault.ms is None:
            raise ValueError("a latency fault needs ms")
    return fault


class Faults(FaultQueue[Fault]):
    def __init__(self) -> None:
        super().__init__(parse_fault)
        self.hanging = 0

    async def intercept(self, request: Request) -> Response | None:
        """The injected answer for this call, or None to serve it normally (maybe late)."""
        path, now = request.url.path, time.monotonic()
        delay_ms, terminal = 0, None
        for fault in self.pending():
            if not fault.applies(path, now):
                continue
            if fault.kind == "latency":
                fault.consume()
                delay_ms += fault.ms
            elif terminal is None:
                fault.consume()
                terminal = fault
        release = self._release
        if delay_ms:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(release.wait(), delay_ms / 1000)
        if terminal is None:
            return None
        if terminal.kind == "status":
            return _status_answer(terminal)
        if terminal.kind == "malformed":
            return raw_json(MALFORMED_BODY)
        await self._hang(release, request.receive)
        return message(503, "Service Unavailable.")  # only seen if released while the client still waits

    async def _hang(self, release: asyncio.Event, receive: Receive) -> None:
        """Answer nothing until the client gives up or the fault is released (reset, clear,
        shutdown), so no handler is left behind."""
        self.hanging += 1
        waiters = [asyncio.ensure_future(release.wait()), asyncio.ensure_future(_client_gone(receive))]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.hanging -= 1
            for waiter in waiters:
                waiter.cancel()


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _status_answer(fault: Fault) -> Response:
    assert fault.status is not None
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    if fault.status == 429:
        headers["X-RateLimit-Remaining"] = "0"
        return message(429, "Too Many Attempts.", headers)
    try:
        phrase = HTTPStatus(fault.status).phrase
    except ValueError:  # a code with no standard name, e.g. 599
        phrase = "Server Error" if fault.status >= 500 else "Client Error"
    return message(fault.status, f"{phrase}.", headers)
