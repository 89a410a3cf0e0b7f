"""Which cargos exist at a given moment.

Time is cut into slots of SLOT_S seconds; slot k holds exactly one cargo, published inside it and
living 7–9 h. So the set visible at time t is a pure function of (seed, t): cargos appear and
vanish as the wall clock (or the control clock) moves, the same way in every process.
Cargos are generated once and kept while their slot can still be visible.
"""

from __future__ import annotations

from sandbox.generator import LIFETIME_S, SLOT_S, Cargo, World, build_cargo, slot_of


class CargoPool:
    def __init__(self, seed: int) -> None:
        self.world = World.build(seed)
        self._cargos: dict[int, Cargo] = {}
        self._visible_second: int | None = None
        self._visible: tuple[Cargo, ...] = ()

    def visible(self, now: float) -> tuple[Cargo, ...]:
        """Cargos alive at `now`, newest first. Recomputed at most once a second: requests in
        the same second share one snapshot."""
        second = int(now)
        if second != self._visible_second:
            self._visible = self._compute(second)
            self._visible_second = second
        return self._visible

    def find(self, cargo_id: int, now: float) -> Cargo | None:
        slot = slot_of(cargo_id)
        first, last = self._slot_range(now)
        if not first <= slot <= last:
            return None
        cargo = self._cargo(slot)
        return cargo if cargo.id == cargo_id and _alive(cargo, now) else None

    @staticmethod
    def _slot_range(now: float) -> tuple[int, int]:
        return int((now - LIFETIME_S[1]) // SLOT_S), int(now // SLOT_S)

    def _compute(self, now: int) -> tuple[Cargo, ...]:
        first, last = self._slot_range(now)
        if len(self._cargos) > last - first + 1:  # forget slots that can no longer be visible
            self._cargos = {slot: c for slot, c in self._cargos.items() if first <= slot <= last}
        # Publish times grow strictly with the slot, so walking slots backwards is newest first.
        return tuple(c for c in map(self._cargo, range(last, first - 1, -1)) if _alive(c, now))

    def _cargo(self, slot: int) -> Cargo:
        cargo = self._cargos.get(slot)
        if cargo is None:
            cargo = self._cargos[slot] = build_cargo(self.world, slot)
        return cargo


def _alive(cargo: Cargo, now: float) -> bool:
    return cargo.publish_ts <= now < cargo.expires_ts
