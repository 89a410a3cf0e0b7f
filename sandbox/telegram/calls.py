"""The log of Bot API calls: what the bot asked, when, and what it got back (faults included)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from sandbox.telegram.protocol import BotApiError


@dataclass
class Call:
    seq: int
    method: str  # canonical spelling ("sendMessage") when the method exists, as sent otherwise
    params: dict[str, Any]
    time: float  # Unix time the call arrived
    status: int | None = None  # HTTP status; None while unanswered, or if the client gave up
    result: Any = None
    description: str | None = None
    fault: dict[str, Any] | None = None  # the injected fault that answered instead of the method

    def succeed(self, result: Any) -> None:
        self.status, self.result = 200, result

    def fail(self, error: BotApiError) -> None:
        self.status, self.description = error.status, error.description

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "method": self.method,
            "params": self.params,
            "time": self.time,
            "status": self.status,
            "ok": self.status == 200,
            "result": self.result,
            "description": self.description,
            "faulted": self.fault is not None,
            "fault": self.fault,
        }


class CallLog:
    def __init__(self) -> None:
        self._calls: list[Call] = []
        self._seq = itertools.count(1)

    def record(self, method: str, params: dict[str, Any]) -> Call:
        call = Call(seq=next(self._seq), method=method, params=params, time=time.time())
        self._calls.append(call)
        return call

    def matching(self, method: str | None = None) -> list[Call]:
        """Every call, or those to `method` (case-insensitive, as the Bot API reads names)."""
        return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def clear(self) -> None:
        self._calls.clear()
