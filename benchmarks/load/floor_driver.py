"""A floor driver: the same client, connection and think time as a product driver, but against
the bare-Reflex floor app (benchmarks/floor_app), where every action is one no-I/O event."""

from __future__ import annotations

import random
import time

from benchmarks.load.client import ROOT, Disconnected, ReflexClient
from benchmarks.load.driver import Record, Shared, human_pause, run_until_stop

FLOOR = f"{ROOT}.floor_app___floor_app____floor_state"


class FloorDriver:
    def __init__(self, index: int, shared: Shared, seed: int) -> None:
        self.index = index
        self.shared = shared
        self.rng = random.Random(seed * 100_003 + index)
        self.client = ReflexClient(shared.app_url, script_answer=lambda _handler: None)

    def _record(self, action: str, wall: float, started: float, outcome: str, error: str, mark: tuple[int, int]) -> None:
        c = self.client
        self.shared.records.append(
            Record(
                action,
                wall,
                (time.monotonic() - started) * 1000,
                outcome,
                error,
                None,
                self.index,
                "",
                c.sent - mark[0],
                c.seq - mark[1],
            )
        )

    async def _action(self, action: str, run) -> None:
        wall, started, mark = time.time(), time.monotonic(), (self.client.sent, self.client.seq)
        try:
            await run()
        except TimeoutError:
            self._record(action, wall, started, "error", "timeout", mark)
            return
        except (Disconnected, OSError) as exc:
            self._record(action, wall, started, "error", "disconnected", mark)
            raise Disconnected(str(exc)) from exc
        self._record(action, wall, started, "ok", "", mark)

    async def _hydrate(self) -> None:
        c = self.client
        await c.connect("/")
        await c.wait_for(lambda: c.get(ROOT, "is_hydrated") is True, self.shared.timeout_s)

    async def _toggle(self) -> None:
        c = self.client
        want = not bool(c.get(FLOOR, "on"))
        await c.send(f"{FLOOR}.toggle")
        await c.wait_for(lambda: c.get(FLOOR, "on") is want, self.shared.timeout_s)

    async def run(self, ramp_delay: float) -> None:
        await run_until_stop(
            self.shared,
            self.client,
            ramp_delay,
            open_app=lambda: self._action("hydrate", self._hydrate),
            pause=lambda: human_pause(self.shared, self.rng),
            act=lambda: self._action("floor", self._toggle),
        )
