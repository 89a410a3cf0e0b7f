"""Saved searches: a driver's named filter sets, up to MAX_PER_DRIVER, each of which
can be switched on for new-cargo alerts; plus the driver's quiet hours for those alerts.

Filters are stored exactly as the feed's form sends them (validated by services.feed.filters), and
with the key of the upstream query they make, so the alert poller groups equal searches into
one upstream call. Errors are Russian and name the field (`SavedSearchError.field`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from services.client_numbers import client_int, row_id
from services.clock import utcnow
from services.errors import UserFacingError
from services.feed.filters import (
    WEIGHT_CLASS_LABELS,
    DriverFilters,
    FilterValidationError,
    build_query,
    query_key,
    validate_filters,
)
from services.infra.db import run_db

MAX_PER_DRIVER = 10
MAX_NAME = 60
# The raw form fields a saved search keeps (what the feed's filter form sends).
FILTER_FIELDS = (
    "mode",
    "from_id",
    "from_type",
    "from_radius",
    "from_name",
    "to_id",
    "to_type",
    "to_radius",
    "to_name",
    "weight_class",
    "custom_wv",
    "start_date",
    "price_min",
    "price_max",
    "distance_min",
    "distance_max",
    "price_per_km_min",
    "price_per_km_max",
)
FIELD_LABELS = {
    "name": "Название",
    "filters": "Фильтры",
    "quiet_start": "Тихие часы с",
    "quiet_end": "Тихие часы до",
    "search": "Поиск",
}


class SavedSearch(SQLModel, table=True):
    __tablename__ = "saved_search"

    id: int | None = Field(default=None, primary_key=True)
    driver_id: int = Field(index=True, sa_type=BigInteger)
    name: str
    filters_json: str  # the raw form (FILTER_FIELDS + truck_types/load_types lists)
    query_key: str = Field(index=True)  # services.feed.filters.query_key of the first page's query
    alerts_on: bool = Field(default=False, index=True)
    alerts_since: dt.datetime | None = None  # cargos first seen after this are "new" for it
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class AlertSettings(SQLModel, table=True):
    """Per driver: quiet hours in Moscow time, "HH:MM"; both empty means none."""

    __tablename__ = "alert_settings"

    driver_id: int = Field(primary_key=True, sa_type=BigInteger)
    quiet_start: str = ""
    quiet_end: str = ""
    updated_at: dt.datetime = Field(default_factory=utcnow)


class SavedSearchError(UserFacingError, ValueError):
    """`field` names what was wrong; the message is Russian and starts with the field's label.
    A bad filter inside a search keeps the filter form's own per-field messages."""

    def __init__(self, field: str, message: str, errors: dict[str, str] | None = None) -> None:
        text = f"{FIELD_LABELS.get(field, field)}: {message}" if field in FIELD_LABELS else message
        super().__init__(text, user_message=text, field_errors=errors or {field: text})
        self.field = field


@dataclasses.dataclass(frozen=True)
class SearchView:
    id: int
    name: str
    summary: str
    alerts_on: bool
    filters: dict[str, Any]

    @classmethod
    def of(cls, row: SavedSearch) -> SearchView:
        raw = json.loads(row.filters_json)
        return cls(row.id or 0, row.name, summary_of(raw), row.alerts_on, raw)


@dataclasses.dataclass(frozen=True)
class QuietHours:
    start: str = ""
    end: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.start and self.end)


def clean_filters(raw: Mapping[str, Any]) -> tuple[dict[str, Any], DriverFilters]:
    """Keep only the known fields and check them (errors name each field, in Russian)."""
    if not isinstance(raw, Mapping):
        raise SavedSearchError("filters", "неверный формат")
    kept: dict[str, Any] = {}
    for name in FILTER_FIELDS:
        value = raw.get(name)
        if value is not None and str(value).strip():
            kept[name] = str(value).strip()[:100]
    for name in ("truck_types", "load_types"):
        values = raw.get(name) or []
        if isinstance(values, str):
            values = values.split(",")
        kept[name] = sorted({str(v).strip() for v in values if str(v).strip()})[:20] if isinstance(values, (list, tuple)) else []
    kept.setdefault("mode", "all")
    kept.setdefault("weight_class", "any")
    try:
        filters = validate_filters(kept)
    except FilterValidationError as exc:
        first = next(iter(exc.field_errors.values()))
        raise SavedSearchError("filters", first, exc.field_errors) from None
    return kept, filters


def alert_query(filters: DriverFilters) -> dict[str, str]:
    """The upstream query an alert poll makes: the feed's first page (newest first), so a
    driver who also has the feed open shares the same cache entry."""
    return build_query(filters)


def _weight_label(raw: Mapping[str, Any]) -> str:
    weight = str(raw.get("weight_class") or "any")
    if weight == "custom":
        return f"{raw.get('custom_wv', '')} т-м³".strip()
    return "" if weight == "any" else WEIGHT_CLASS_LABELS.get(weight, "")


def summary_of(raw: Mapping[str, Any]) -> str:
    """A short human description of the filters: «Москва → Казань, 20+ т, от 50 000 ₽»."""
    start = str(raw.get("from_name") or "").strip() or ("Откуда угодно" if raw.get("to_name") else "")
    finish = str(raw.get("to_name") or "").strip() or ("куда угодно" if start else "")
    parts = [f"{start} → {finish}"] if start else ["Все направления"]
    weight = _weight_label(raw)
    if weight:
        parts.append(weight)
    if raw.get("price_min"):
        parts.append(f"от {int(raw['price_min']):,} ₽".replace(",", "\u00a0"))
    if raw.get("price_per_km_min"):
        parts.append(f"от {raw['price_per_km_min']} ₽/км")
    if raw.get("mode") == "my":
        parts.append("свои")
    return ", ".join(parts)


def propose_name(raw: Mapping[str, Any]) -> str:
    """The name offered when saving (editable): the filters' summary, cut to MAX_NAME."""
    name = summary_of(raw)
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def clean_name(name: Any) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise SavedSearchError("name", "введите название")
    if len(text) > MAX_NAME:
        raise SavedSearchError("name", f"не длиннее {MAX_NAME} символов")
    return text


def clean_time(field: str, value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    parts = text.split(":")
    hours = client_int(parts[0], max_digits=2) if len(parts) == 2 else None
    minutes = client_int(parts[1], max_digits=2) if len(parts) == 2 else None
    if hours is None or minutes is None:
        raise SavedSearchError(field, "время в формате ЧЧ:ММ, например 22:00")
    if hours > 23 or minutes > 59:
        raise SavedSearchError(field, "часы от 0 до 23, минуты от 0 до 59")
    return f"{hours:02d}:{minutes:02d}"


class SavedSearchService:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def create(self, driver_id: int, name: Any, raw_filters: Mapping[str, Any], *, alerts: bool = False) -> SearchView:
        driver_id = _driver(driver_id)
        kept, filters = clean_filters(raw_filters)
        name = clean_name(name) if str(name or "").strip() else propose_name(kept)
        now = utcnow()
        row = SavedSearch(
            driver_id=driver_id,
            name=name,
            filters_json=json.dumps(kept, ensure_ascii=False, sort_keys=True),
            query_key=query_key(alert_query(filters)),
            alerts_on=alerts,
            alerts_since=now if alerts else None,
        )

        def _insert(session: Session) -> SavedSearch:
            rows = list(session.exec(select(SavedSearch).where(SavedSearch.driver_id == driver_id)).all())
            if len(rows) >= MAX_PER_DRIVER:
                raise SavedSearchError("search", f"можно сохранить не больше {MAX_PER_DRIVER} поисков — удалите ненужный")
            if any(r.name.lower() == name.lower() for r in rows):
                raise SavedSearchError("name", "поиск с таким названием уже есть")
            session.add(row)
            session.flush()
            return row

        return SearchView.of(await run_db(self._engine, _insert))

    async def list_for(self, driver_id: int) -> list[SearchView]:
        driver_id = _driver(driver_id)

        def _query(session: Session) -> list[SavedSearch]:
            return list(
                session.exec(select(SavedSearch).where(SavedSearch.driver_id == driver_id).order_by(col(SavedSearch.id))).all()
            )

        return [SearchView.of(row) for row in await run_db(self._engine, _query)]

    async def get(self, driver_id: int, search_id: int) -> SearchView:
        row = await run_db(self._engine, lambda s: self._owned(s, _driver(driver_id), search_id))
        return SearchView.of(row)

    async def rename(self, driver_id: int, search_id: int, name: Any) -> SearchView:
        name = clean_name(name)

        def _rename(session: Session) -> SavedSearch:
            row = self._owned(session, _driver(driver_id), search_id)
            clash = session.exec(
                select(SavedSearch).where(SavedSearch.driver_id == row.driver_id, SavedSearch.id != row.id)
            ).all()
            if any(r.name.lower() == name.lower() for r in clash):
                raise SavedSearchError("name", "поиск с таким названием уже есть")
            row.name, row.updated_at = name, utcnow()
            session.add(row)
            return row

        return SearchView.of(await run_db(self._engine, _rename))

    async def delete(self, driver_id: int, search_id: int) -> None:
        def _delete(session: Session) -> None:
            row = self._owned(session, _driver(driver_id), search_id)
            _drop_held(session, row.id)
            session.delete(row)

        await run_db(self._engine, _delete)

    async def set_alerts(self, driver_id: int, search_id: int, on: bool) -> SearchView:
        """Switch alerts on (cargos first seen from now on are new for it) or off (alerts held
        for quiet hours from this search are dropped: the driver said stop)."""

        def _toggle(session: Session) -> SavedSearch:
            row = self._owned(session, _driver(driver_id), search_id)
            if row.alerts_on != bool(on):
                row.alerts_on = bool(on)
                row.alerts_since = utcnow() if on else None
                row.updated_at = utcnow()
                session.add(row)
            if not on:
                _drop_held(session, row.id)
            return row

        return SearchView.of(await run_db(self._engine, _toggle))

    async def alert_searches(self) -> list[SavedSearch]:
        """Every search with alerts on (for the poller)."""

        def _query(session: Session) -> list[SavedSearch]:
            return list(session.exec(select(SavedSearch).where(col(SavedSearch.alerts_on)).order_by(col(SavedSearch.id))).all())

        return await run_db(self._engine, _query)

    async def quiet_hours(self, driver_id: int) -> QuietHours:
        row = await run_db(self._engine, lambda s: s.get(AlertSettings, _driver(driver_id)))
        return QuietHours(row.quiet_start, row.quiet_end) if row else QuietHours()

    async def quiet_hours_for(self, driver_ids: list[int]) -> dict[int, QuietHours]:
        def _query(session: Session) -> list[AlertSettings]:
            return list(session.exec(select(AlertSettings).where(col(AlertSettings.driver_id).in_(driver_ids))).all())

        if not driver_ids:
            return {}
        return {row.driver_id: QuietHours(row.quiet_start, row.quiet_end) for row in await run_db(self._engine, _query)}

    async def set_quiet_hours(self, driver_id: int, start: Any, end: Any) -> QuietHours:
        """Both "HH:MM" (Moscow time) or both empty (no quiet hours)."""
        start_text, end_text = clean_time("quiet_start", start), clean_time("quiet_end", end)
        if bool(start_text) != bool(end_text):
            missing = "quiet_end" if start_text else "quiet_start"
            raise SavedSearchError(missing, "укажите оба времени или очистите оба")
        if start_text and start_text == end_text:
            raise SavedSearchError("quiet_end", "должно отличаться от начала")

        def _save(session: Session) -> None:
            row = session.get(AlertSettings, _driver(driver_id)) or AlertSettings(driver_id=_driver(driver_id))
            row.quiet_start, row.quiet_end, row.updated_at = start_text, end_text, utcnow()
            session.add(row)

        await run_db(self._engine, _save)
        return QuietHours(start_text, end_text)

    async def count(self, driver_id: int) -> int:
        def _count(session: Session) -> int:
            return int(
                session.exec(
                    select(func.count()).select_from(SavedSearch).where(SavedSearch.driver_id == _driver(driver_id))
                ).one()
            )

        return await run_db(self._engine, _count)

    @staticmethod
    def _owned(session: Session, driver_id: int, search_id: Any) -> SavedSearch:
        """The search if it is this driver's: another driver's id reads as «not found»."""
        wanted = row_id(search_id)
        if wanted is None:
            raise SavedSearchError("search", "поиск не найден")
        row = session.get(SavedSearch, wanted)
        if row is None or row.driver_id != driver_id:
            raise SavedSearchError("search", "поиск не найден")
        return row


def _driver(driver_id: Any) -> int:
    if isinstance(driver_id, bool) or not isinstance(driver_id, int) or driver_id <= 0:
        raise SavedSearchError("search", "водитель не определён")
    return driver_id


def _drop_held(session: Session, search_id: int | None) -> None:
    # Imported here: the alerts package imports this module.
    from services.alerts.ledger import DROPPED, HELD, AlertDelivery

    session.exec(
        update(AlertDelivery)
        .where(col(AlertDelivery.search_id) == search_id, col(AlertDelivery.status) == HELD)
        .values(status=DROPPED)
    )
