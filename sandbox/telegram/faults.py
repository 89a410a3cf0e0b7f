"""Injected Bot API failures: an error answer (5xx, 429 with retry_after, any 4xx) or a hang.

A fault covers the next `count` calls (1 when neither count nor duration_s is given), or every
call for `duration_s` seconds, or whichever ends first; `method` narrows it to one Bot API method
(case-insensitive). Faults apply in the order they were added, before the token is even looked
at, as a broken network or Telegram outage would. A faulted call never reaches the method, so
it changes nothing.

Not sandbox/faults.py: that one matches URL prefixes and answers in the CargoTech API's shape.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.types import Receive

from sandbox.fault_queue import FaultQueue
from sandbox.telegram.protocol import BotApiError

KINDS = ("status", "hang")
FIELDS = {"kind", "status", "retry_after", "description", "count", "duration_s", "method"}


@dataclass
class Fault:
    id: int
    kind: str
    method: str | None  # lower-case; None: every method
    remaining: int | None  # calls left; None: limited by time only
    until: float | None  # monotonic deadline; None: limited by count only
    status: int | None = None
    retry_after: int | None = None
    description: str | None = None

    def live(self, now: float) -> bool:
        return (self.remaining is None or self.remaining > 0) and (self.until is None or now < self.until)

    def applies(self, method: str, now: float) -> bool:
        return self.live(now) and self.method in (None, method.lower())

    def error(self) -> BotApiError:
        assert self.status is not None
        if self.status == 429:
            return BotApiError(
                429, self.description or f"Too Many Requests: retry after {self.retry_after}", retry_after=self.retry_after
            )
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:  # a code with no standard name, e.g. 599
            phrase = "Server Error" if self.status >= 500 else "Client Error"
        return BotApiError(self.status, self.description or phrase)

    def as_json(self) -> dict[str, Any]:
        remaining_s = None if self.until is None else round(max(0.0, self.until - time.monotonic()), 3)
        return {
            "id": self.id,
            "kind": self.kind,
            "method": self.method,
            "remaining": self.remaining,
            "remaining_s": remaining_s,
            "status": self.status,
            "retry_after": self.retry_after,
            "description": self.description,
        }


def _number(spec: dict[str, Any], key: str, *, integer: bool, low: float, high: float) -> Any:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)) or not low <= value <= high:
        raise ValueError(f"{key} must be {'an integer' if integer else 'a number'} between {low} and {high}")
    return value


def parse_fault(fault_id: int, spec: Any) -> Fault:
    """A Fault from a control call's JSON; ValueError says what is wrong. The kind defaults to
    "status"; the status to 429 when retry_after is given (retry_after then defaults to 1), else 502."""
    if not isinstance(spec, dict):
        raise ValueError("a fault is a JSON object")
    unknown = set(spec) - FIELDS
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    kind = spec.get("kind", "status")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    method, description = spec.get("method"), spec.get("description")
    if method is not None and (not isinstance(method, str) or not method):
        raise ValueError("method must be a Bot API method name")
    if description is not None and (not isinstance(description, str) or not description):
        raise ValueError("description must be a non-empty string")
    count = _number(spec, "count", integer=True, low=1, high=1_000_000)
    duration = _number(spec, "duration_s", integer=False, low=0.001, high=86_400)
    retry_after = _number(spec, "retry_after", integer=True, low=1, high=86_400)
    fault = Fault(
        id=fault_id,
        kind=kind,
        method=method and method.lower(),
        remaining=count if count is not None or duration is not None else 1,
        until=None if duration is None else time.monotonic() + duration,
    )
    if kind == "status":
        status = _number(spec, "status", integer=True, low=400, high=599)
        fault.status = status or (429 if retry_after is not None else 502)
        fault.retry_after = (retry_after or 1) if fault.status == 429 else None
        fault.description = description
    return fault


class Faults(FaultQueue[Fault]):
    def __init__(self) -> None:
        super().__init__(parse_fault)

    def take(self, method: str) -> Fault | None:
        """The fault that answers this call instead of the method, counted as used."""
        now = time.monotonic()
        for fault in self.pending():
            if fault.applies(method, now):
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    async def hang(self, receive: Receive) -> bool:
        """Answer nothing until released (True: answer now) or the client gives up (False)."""
        released = asyncio.ensure_future(self._release.wait())
        gone = asyncio.ensure_future(_client_gone(receive))
        try:
            done, _ = await asyncio.wait([released, gone], return_when=asyncio.FIRST_COMPLETED)
        finally:
            released.cancel()
            gone.cancel()
        return released in done


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
