"""The queue of injected faults both local stand-ins share: faults apply in the order they
were added, expire by count or time, and hung calls wait on one event that release() sets."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar


class Expiring(Protocol):
    def live(self, now: float) -> bool: ...


F = TypeVar("F", bound=Expiring)


class FaultQueue(Generic[F]):
    def __init__(self, parse: Callable[[int, Any], F]) -> None:
        self._parse = parse
        self._queue: list[F] = []
        self._ids = itertools.count(1)
        # Hung (and delayed) calls wait on this; release() wakes them all and arms a fresh one.
        self._release = asyncio.Event()

    def add(self, spec: Any) -> F:
        fault = self._parse(next(self._ids), spec)
        self._queue.append(fault)
        return fault

    def pending(self) -> list[F]:
        now = time.monotonic()
        self._queue = [fault for fault in self._queue if fault.live(now)]
        return list(self._queue)

    def clear(self) -> int:
        """Drop every fault and let hung calls go."""
        dropped = len(self.pending())
        self._queue.clear()
        self.release()
        return dropped

    def release(self) -> None:
        self._release.set()
        self._release = asyncio.Event()
