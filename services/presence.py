"""Which browser tabs a driver has open (Reflex client tokens), so a status change can reach
them live. Kept in the per-driver store (Redis when configured), newest first, a few per driver."""

from __future__ import annotations

from services.driver_store import DriverStore

PRESENCE = "presence"
MAX_TABS = 5


async def remember_tab(store: DriverStore, driver_id: int, client_token: str) -> None:
    tokens = [t for t in await open_tabs(store, driver_id) if t != client_token]
    await store.put(driver_id, PRESENCE, {"tokens": [client_token, *tokens][:MAX_TABS]})


async def open_tabs(store: DriverStore, driver_id: int) -> list[str]:
    tokens = ((await store.get(driver_id, PRESENCE)) or {}).get("tokens", [])
    return [t for t in tokens if isinstance(t, str)]
