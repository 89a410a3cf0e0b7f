"""Which browser tabs a driver has open (Reflex client tokens), so a status change can reach
them live. Kept in the per-driver store (Redis when configured), newest first, a few per driver.

Two tabs may sign in at the same moment on different instances: the read-modify-write of the
list runs under a per-driver lock, or one tab would drop the other from live updates.
"""

from __future__ import annotations

import logging

from services.drivers.store import DriverStore
from services.primitives.locks import LockFactory, LockTimeout
from services.vocabulary import DriverDocument

log = logging.getLogger(__name__)

PRESENCE = DriverDocument.PRESENCE
MAX_TABS = 5


async def remember_tab(store: DriverStore, locks: LockFactory, driver_id: int, client_token: str) -> None:
    try:
        async with locks.hold(f"presence:{int(driver_id)}", ttl_s=5.0, wait_s=2.0):
            await _put_first(store, driver_id, client_token)
    except LockTimeout:
        # Better a rare lost update than a sign-in that hangs: the tab re-registers on its next page open.
        log.warning("presence lock busy for a driver; updating without it")
        await _put_first(store, driver_id, client_token)


async def _put_first(store: DriverStore, driver_id: int, client_token: str) -> None:
    tokens = [t for t in await open_tabs(store, driver_id) if t != client_token]
    await store.put(driver_id, PRESENCE, {"tokens": [client_token, *tokens][:MAX_TABS]})


async def open_tabs(store: DriverStore, driver_id: int) -> list[str]:
    tokens = ((await store.get(driver_id, PRESENCE)) or {}).get("tokens", [])
    return [t for t in tokens if isinstance(t, str)]
