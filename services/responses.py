"""Drivers' responses to cargos (seed contract 4.1): persisted, one per driver and cargo.

A second tap returns the existing response instead of creating another. A new response is
handed to a ResponseSink; delivery to the dispatcher through the bot is the sink's job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from typing import Protocol

from sqlalchemy import BigInteger, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, select

from services.cargotech.models import CARGO_ID_RE
from services.cargotech.token_vault import utcnow
from services.db import run_db

log = logging.getLogger(__name__)

STATUS_LABELS = {
    "queued": "Отправляется",
    "sent": "Отправлен",
    "accepted": "Принят",
    "rejected": "Отклонён",
    "completed": "Выполнен",
}
PHONE_RE = re.compile(r"^\+7[0-9]{10}\Z")


class DriverResponse(SQLModel, table=True):
    __tablename__ = "driver_response"
    __table_args__ = (UniqueConstraint("driver_id", "cargo_id", name="uq_response_driver_cargo"),)

    id: int | None = Field(default=None, primary_key=True)
    # BIGINT: Telegram user ids exceed 2^31 (PostgreSQL's INTEGER would refuse them).
    driver_id: int = Field(index=True, sa_type=BigInteger)
    cargo_id: str = Field(index=True)
    status: str = "queued"
    phone: str
    driver_name: str = ""
    username: str | None = None
    route: str = ""  # a summary for the driver's list and the dispatcher's message
    price: str = ""
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


@dataclasses.dataclass(frozen=True)
class ResponseView:
    cargo_id: str
    status: str
    label: str
    route: str
    price: str
    created_at: dt.datetime

    @classmethod
    def of(cls, row: DriverResponse) -> ResponseView:
        return cls(row.cargo_id, row.status, STATUS_LABELS.get(row.status, row.status), row.route, row.price,
                   row.created_at)


class ResponseSink(Protocol):
    async def response_created(self, response: DriverResponse) -> None: ...


class LogResponseSink:
    """Until the bot delivers responses, record that one is waiting."""

    async def response_created(self, response: DriverResponse) -> None:
        log.info("response %s from driver %s to cargo %s queued", response.id, response.driver_id, response.cargo_id)


class ResponseError(ValueError):
    """`field` names what was wrong; the message is Russian, for the driver."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def normalise_phone(raw: str) -> str:
    """+7XXXXXXXXXX from the usual Russian spellings (8 916 …, +7 (916) …, 916…)."""
    digits = re.sub(r"[^0-9]", "", raw or "")  # ASCII only: `\d` would keep full-width digits
    if len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    phone = f"+{digits}"
    if not PHONE_RE.match(phone):
        raise ResponseError("phone", "Телефон: введите номер в формате +7 900 000-00-00")
    return phone


class ResponseService:
    def __init__(self, engine: Engine, sink: ResponseSink) -> None:
        self._engine = engine
        self._sink = sink

    async def respond(
        self, *, driver_id: int, cargo_id: str, phone: str, driver_name: str, username: str | None,
        route: str, price: str,
    ) -> tuple[ResponseView, bool]:
        """(the response, created now?). Idempotent: a repeat returns the existing one."""
        if not CARGO_ID_RE.match(cargo_id):
            raise ResponseError("cargo_id", "Неверный номер груза")
        row = DriverResponse(
            driver_id=driver_id, cargo_id=cargo_id, phone=normalise_phone(phone), driver_name=driver_name[:200],
            username=username, route=route[:200], price=price[:50],
        )

        def _insert(session: Session) -> DriverResponse | None:
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                return None
            return row

        created = await run_db(self._engine, _insert)
        if created is None:
            existing = await self._find(driver_id, cargo_id)
            assert existing is not None, "the unique constraint said it exists"
            return ResponseView.of(existing), False
        await self._sink.response_created(created)
        return ResponseView.of(created), True

    async def status_of(self, driver_id: int, cargo_ids: list[str]) -> dict[str, ResponseView]:
        def _query(session: Session) -> list[DriverResponse]:
            statement = select(DriverResponse).where(
                DriverResponse.driver_id == driver_id, DriverResponse.cargo_id.in_(cargo_ids)  # type: ignore[attr-defined]
            )
            return list(session.exec(statement).all())

        if not cargo_ids:
            return {}
        return {row.cargo_id: ResponseView.of(row) for row in await run_db(self._engine, _query)}

    async def list_for(self, driver_id: int, limit: int = 100) -> list[ResponseView]:
        def _query(session: Session) -> list[DriverResponse]:
            statement = (
                select(DriverResponse)
                .where(DriverResponse.driver_id == driver_id)
                .order_by(DriverResponse.id.desc())  # type: ignore[union-attr]
                .limit(limit)
            )
            return list(session.exec(statement).all())

        return [ResponseView.of(row) for row in await run_db(self._engine, _query)]

    async def _find(self, driver_id: int, cargo_id: str) -> DriverResponse | None:
        def _query(session: Session) -> DriverResponse | None:
            statement = select(DriverResponse).where(
                DriverResponse.driver_id == driver_id, DriverResponse.cargo_id == cargo_id
            )
            return session.exec(statement).first()

        return await run_db(self._engine, _query)
