"""Drivers' responses to cargos (seed contracts 4.1 and 4.2): persisted, one per driver and
cargo, announced to the dispatchers through the outbox, decided by a small state machine.

A second tap returns the existing response instead of creating another. The response and the
dispatcher message announcing it are committed together; a status change and the driver's
notification likewise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import BigInteger, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from services.cargotech.models import CARGO_ID_RE
from services.clock import utcnow
from services.dispatch.messages import ACTIONS, answer_text, buttons_for, dispatcher_text, driver_text, transition
from services.dispatch.outbox import new_message
from services.errors import UserFacingError
from services.infra.db import run_db
from services.vocabulary import OutboxKind, ResponseStatus

log = logging.getLogger(__name__)

PHONE_RE = re.compile(r"^\+7[0-9]{10}\Z")


class DriverResponse(SQLModel, table=True):
    __tablename__ = "driver_response"
    __table_args__ = (UniqueConstraint("driver_id", "cargo_id", name="uq_response_driver_cargo"),)

    id: int | None = Field(default=None, primary_key=True)
    # BIGINT: Telegram user ids exceed 2^31 (PostgreSQL's INTEGER would refuse them).
    driver_id: int = Field(index=True, sa_type=BigInteger)
    cargo_id: str = Field(index=True)
    status: str = ResponseStatus.QUEUED  # a ResponseStatus
    phone: str
    driver_name: str = ""
    username: str | None = None
    route: str = ""  # a summary for the driver's list and the dispatcher's message
    price: str = ""
    dispatcher_message_id: int | None = Field(default=None, sa_type=BigInteger)
    dispatcher_text: str = ""  # as sent, so a decision can be appended to it
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


@dataclasses.dataclass(frozen=True)
class ResponseView:
    cargo_id: str
    status: str  # a ResponseStatus; an unknown one (a newer release's) passes through as is
    route: str
    price: str
    created_at: dt.datetime

    @classmethod
    def of(cls, row: DriverResponse) -> ResponseView:
        return cls(row.cargo_id, row.status, row.route, row.price, row.created_at)


class StatusListener(Protocol):
    """Told when a response's status changes (the open app's badge updates live)."""

    async def __call__(self, driver_id: int, cargo_id: str, status: str) -> None: ...


@dataclasses.dataclass(frozen=True)
class Decision:
    """The outcome of a dispatcher's button press."""

    changed: bool
    message: str  # the answer shown to the dispatcher
    response: DriverResponse | None = None


class ResponseError(UserFacingError, ValueError):
    """A respond refused for one field (`field`); the message is Russian and names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, user_message=message, field_errors={field: message})
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
    def __init__(
        self,
        engine: Engine,
        *,
        dispatcher_chat_id: int,
        bot_username: str,
        wake_outbox: Callable[[], None] = lambda: None,
    ) -> None:
        self._engine = engine
        self._dispatcher_chat_id = dispatcher_chat_id
        self.bot_username = bot_username
        self.wake_outbox = wake_outbox
        self.listeners: list[StatusListener] = []

    async def respond(
        self,
        *,
        driver_id: int,
        cargo_id: str,
        phone: str,
        driver_name: str,
        username: str | None,
        route: str,
        price: str,
    ) -> tuple[ResponseView, bool]:
        """(the response, created now?). Idempotent: a repeat returns the existing one."""
        if not CARGO_ID_RE.match(cargo_id):
            raise ResponseError("cargo_id", "Неверный номер груза")
        row = DriverResponse(
            driver_id=driver_id,
            cargo_id=cargo_id,
            phone=normalise_phone(phone),
            driver_name=driver_name[:200],
            username=username,
            route=route[:200],
            price=price[:50],
        )

        def _insert(session: Session) -> DriverResponse | None:
            session.add(row)
            try:
                session.flush()
            except IntegrityError:
                session.rollback()
                return None
            assert row.id is not None
            row.dispatcher_text = dispatcher_text(
                route=row.route,
                price=row.price,
                cargo_id=row.cargo_id,
                driver_name=row.driver_name,
                driver_id=row.driver_id,
                username=row.username,
                phone=row.phone,
                bot_username=self.bot_username,
            )
            # Same transaction: the announcement exists exactly when the response does.
            session.add(
                new_message(
                    OutboxKind.DISPATCHER, row.id, self._dispatcher_chat_id, row.dispatcher_text, buttons_for(row.id, row.status)
                )
            )
            return row

        created = await run_db(self._engine, _insert)
        if created is None:
            existing = await self._find(driver_id, cargo_id)
            assert existing is not None, "the unique constraint said it exists"
            return ResponseView.of(existing), False
        self.wake_outbox()
        return ResponseView.of(created), True

    async def mark_announced(self, response_id: int, telegram_message_id: int) -> None:
        """The dispatcher message went out: queued → sent."""

        def _update(session: Session) -> DriverResponse | None:
            row = session.get(DriverResponse, response_id)
            if row is None:
                return None
            row.dispatcher_message_id = telegram_message_id
            if row.status == ResponseStatus.QUEUED:
                row.status, row.updated_at = ResponseStatus.SENT, utcnow()
            session.add(row)
            return row

        row = await run_db(self._engine, _update)
        if row is not None:
            await self._notify(row)

    async def decide(self, response_id: int, action: str, *, by_name: str) -> Decision:
        """Apply a dispatcher's decision if the state machine allows it; queue the driver's message."""
        if action not in ACTIONS:
            return Decision(False, "Неизвестное действие")

        def _apply(session: Session) -> Decision:
            row = session.get(DriverResponse, response_id)
            if row is None:
                return Decision(False, "Отклик не найден")
            target = transition(row.status, action)
            if target is None:
                return Decision(False, answer_text(row.status, changed=False), row)
            row.status, row.decided_by, row.decided_at, row.updated_at = target, by_name[:100], utcnow(), utcnow()
            session.add(row)
            session.add(new_message(OutboxKind.DRIVER, response_id, row.driver_id, driver_text(target, row.route)))
            return Decision(True, answer_text(target, changed=True), row)

        decision = await run_db(self._engine, _apply)
        if decision.changed and decision.response is not None:
            self.wake_outbox()
            await self._notify(decision.response)
        return decision

    async def _notify(self, row: DriverResponse) -> None:
        for listener in self.listeners:
            try:
                await listener(row.driver_id, row.cargo_id, row.status)
            except Exception:  # noqa: BLE001 - a closed browser tab must not fail the bot
                log.exception("status listener failed")

    async def status_of(self, driver_id: int, cargo_ids: list[str]) -> dict[str, ResponseView]:
        def _query(session: Session) -> list[DriverResponse]:
            statement = select(DriverResponse).where(
                col(DriverResponse.driver_id) == driver_id, col(DriverResponse.cargo_id).in_(cargo_ids)
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
                .order_by(col(DriverResponse.id).desc())
                .limit(limit)
            )
            return list(session.exec(statement).all())

        return [ResponseView.of(row) for row in await run_db(self._engine, _query)]

    async def _find(self, driver_id: int, cargo_id: str) -> DriverResponse | None:
        def _query(session: Session) -> DriverResponse | None:
            statement = select(DriverResponse).where(DriverResponse.driver_id == driver_id, DriverResponse.cargo_id == cargo_id)
            return session.exec(statement).first()

        return await run_db(self._engine, _query)
