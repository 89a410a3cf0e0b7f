"""Per-driver documents, kept per Telegram user.

Two kinds, by how much losing them costs:
- the driver's preferences (the feed's last filters, the last phone a response carried) live in
  the database, table `driver_preference`: a restart without Redis, or a flushed Redis, keeps
  them;
- what only matters for a while (the last feed visit for the «новый» marks, the open tabs for
  live statuses) lives in the cache backend (Redis when configured), for 90 days after the last
  write.

The two preferences have typed accessors below, so the document names and their keys are
spelled here only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from services.clock import utcnow
from services.infra.db import run_db
from services.primitives.cache_backend import CacheBackend, read_json_object
from services.vocabulary import DriverDocument

KEEP_S = 90 * 24 * 3600
IN_DATABASE = frozenset({DriverDocument.FILTERS, DriverDocument.PROFILE})
PHONE = "phone"  # the PROFILE document's one key


class DriverPreference(SQLModel, table=True):
    """One preference document of one driver, as JSON."""

    __tablename__ = "driver_preference"

    driver_id: int = Field(primary_key=True, sa_type=BigInteger)
    name: str = Field(primary_key=True)  # a DriverDocument in IN_DATABASE
    body: str = "{}"
    updated_at: dt.datetime = Field(default_factory=utcnow)


def _as_object(body: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(body) if body else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class DriverStore:
    def __init__(self, cache: CacheBackend, engine: Engine | None = None) -> None:
        """`engine`: where preferences live; without one (tests of the cache-kept documents)
        reading or writing a preference is a programming error."""
        self._cache = cache
        self._engine = engine

    async def get(self, driver_id: int, name: DriverDocument) -> dict[str, Any] | None:
        if name in IN_DATABASE:
            engine = self._database(name)
            row = await run_db(engine, lambda s: s.get(DriverPreference, (int(driver_id), name.value)))
            return _as_object(row.body) if row is not None else None
        return await read_json_object(self._cache, self._key(driver_id, name))

    async def put(self, driver_id: int, name: DriverDocument, value: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(value), ensure_ascii=False, sort_keys=True)
        if name in IN_DATABASE:
            await self._upsert(self._database(name), int(driver_id), name.value, payload)
            return
        await self._cache.set(self._key(driver_id, name), payload.encode(), KEEP_S)

    # --- the preferences, typed ---------------------------------------------------------------

    async def feed_filters(self, driver_id: int) -> dict[str, Any] | None:
        """The feed's filters as the driver last applied them (services.feed.form reads them)."""
        return await self.get(driver_id, DriverDocument.FILTERS)

    async def set_feed_filters(self, driver_id: int, raw: Mapping[str, Any]) -> None:
        await self.put(driver_id, DriverDocument.FILTERS, raw)

    async def last_phone(self, driver_id: int) -> str:
        """The phone the driver's last response carried, to prefill the next one; "" if none."""
        phone = (await self.get(driver_id, DriverDocument.PROFILE) or {}).get(PHONE)
        return phone if isinstance(phone, str) else ""

    async def set_last_phone(self, driver_id: int, phone: str) -> None:
        await self.put(driver_id, DriverDocument.PROFILE, {PHONE: phone})

    # --- internals ----------------------------------------------------------------------------

    def _database(self, name: DriverDocument) -> Engine:
        if self._engine is None:
            raise RuntimeError(f"the driver document {name.value!r} lives in the database: give DriverStore an engine")
        return self._engine

    @staticmethod
    async def _upsert(engine: Engine, driver_id: int, name: str, body: str) -> None:
        def write(session: Session) -> None:
            row = session.get(DriverPreference, (driver_id, name))
            if row is None:
                session.add(DriverPreference(driver_id=driver_id, name=name, body=body))
            else:
                row.body, row.updated_at = body, utcnow()
                session.add(row)

        try:
            await run_db(engine, write)
        except IntegrityError:  # another worker inserted the row first: update it instead
            await run_db(engine, write)

    @staticmethod
    def _key(driver_id: int, name: DriverDocument) -> str:
        return f"driver:{int(driver_id)}:{name.value}"
