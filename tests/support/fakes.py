"""Test doubles at the edges the services take as arguments: a clock a test moves by hand, and an
admin-alert sink that records what it was asked to send."""

from __future__ import annotations


class ManualClock:
    """`time.time`'s stand-in: returns `now`, which the test sets or advances."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingAlerts:
    """The admin chat's stand-in: keeps (level, key, text) of every alert."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def alert(self, level, key, text) -> None:
        self.sent.append((level, key, text))
