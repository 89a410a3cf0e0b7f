"""Per-driver data (saved filters, last visit): small JSON documents kept per Telegram user.

Unlike cargo pages, these are private to one driver, so the key carries the driver's id. They
live in the same cache backend (Redis when configured), for 90 days after the last write.
"""

from __future__ import annotations

import json
from typing import Any

from services.cache_backend import CacheBackend, read_json_object
from services.vocabulary import DriverDocument

KEEP_S = 90 * 24 * 3600


class DriverStore:
    def __init__(self, cache: CacheBackend) -> None:
        self._cache = cache

    async def get(self, driver_id: int, name: DriverDocument) -> dict[str, Any] | None:
        return await read_json_object(self._cache, self._key(driver_id, name))

    async def put(self, driver_id: int, name: DriverDocument, value: dict[str, Any]) -> None:
        payload = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
        await self._cache.set(self._key(driver_id, name), payload, KEEP_S)

    @staticmethod
    def _key(driver_id: int, name: DriverDocument) -> str:
        return f"driver:{int(driver_id)}:{name.value}"
