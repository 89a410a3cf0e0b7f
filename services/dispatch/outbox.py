"""The transactional outbox: bot messages committed with the change that causes them.

A response row and the message announcing it to the dispatchers are written in one
transaction, so neither exists without the other. A worker then delivers messages strictly in
order (a message waiting for a retry holds back the ones after it), claims each with a lease
so that several workers never send the same one, and records Telegram's message id.

New-cargo alerts go in a second, lower lane: a burst of them for hundreds of drivers must not
delay a dispatcher's copy of a driver's response, so they are sent only while the response
lane is empty. Each lane keeps its own order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlalchemy import BigInteger, case, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from services.clock import utcnow
from services.infra.db import run_db
from services.vocabulary import LOW_LANE_KINDS, DeliveryStatus, OutboxKind

PENDING, SENDING, SENT, DEAD = (DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.DEAD)


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # an OutboxKind
    response_id: int = Field(index=True)
    chat_id: int = Field(sa_type=BigInteger)
    payload: str  # JSON: {"text": ..., "buttons": [[{"text", "data"}]]}
    status: str = Field(default=DeliveryStatus.PENDING, index=True)  # a DeliveryStatus
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow)
    lease_until: dt.datetime | None = None
    last_error: str = ""
    telegram_message_id: int | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    sent_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Outgoing:
    id: int
    kind: str
    response_id: int
    chat_id: int
    text: str
    buttons: list[list[dict[str, str]]]
    attempts: int


def new_message(
    kind: OutboxKind, response_id: int, chat_id: int, text: str, buttons: list[list[dict[str, str]]] | None = None
) -> OutboxMessage:
    return OutboxMessage(
        kind=kind,
        response_id=response_id,
        chat_id=chat_id,
        payload=json.dumps({"text": text, "buttons": buttons or []}, ensure_ascii=False),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Outbox:
    def __init__(self, engine: Engine, *, lease_s: float = 30.0) -> None:
        self._engine = engine
        self._lease = dt.timedelta(seconds=lease_s)

    async def enqueue(self, message: OutboxMessage) -> None:
        """A message with no database change of its own behind it (an admin alert)."""
        await run_db(self._engine, lambda session: session.add(message))

    async def claim_next(self) -> Outgoing | dt.datetime | None:
        """The next message to send, claimed for this worker; or when the head message is due;
        or None when nothing waits. Strict order: the lowest id not yet sent or dead."""

        def _claim(session: Session) -> Outgoing | dt.datetime | None:
            now = utcnow()
            head = session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.status).in_([PENDING, SENDING]))
                .order_by(case((col(OutboxMessage.kind).in_(LOW_LANE_KINDS), 1), else_=0), col(OutboxMessage.id))
                .limit(1)
            ).first()
            if head is None:
                return None
            if head.status == SENDING and head.lease_until and _aware(head.lease_until) > now:
                return _aware(head.lease_until)  # another worker holds it
            if _aware(head.next_attempt_at) > now:
                return _aware(head.next_attempt_at)
            # Compare-and-set: only one worker's UPDATE matches the row as it was read.
            claimed = session.exec(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == head.id,
                    col(OutboxMessage.status) == head.status,
                    col(OutboxMessage.attempts) == head.attempts,
                    # an expired lease is taken over once: the first taker moves lease_until
                    col(OutboxMessage.lease_until).is_(None)
                    if head.lease_until is None
                    else col(OutboxMessage.lease_until) == head.lease_until,
                )
                .values(status=SENDING, lease_until=now + self._lease)
            )
            if claimed.rowcount != 1:
                return now  # lost the race: look again at once
            payload: dict[str, Any] = json.loads(head.payload)
            assert head.id is not None
            return Outgoing(
                head.id, head.kind, head.response_id, head.chat_id, payload["text"], payload.get("buttons", []), head.attempts
            )

        return await run_db(self._engine, _claim)

    async def mark_sent(self, message_id: int, telegram_message_id: int) -> None:
        await self._update(
            message_id, status=SENT, telegram_message_id=telegram_message_id, sent_at=utcnow(), lease_until=None, last_error=""
        )

    async def retry_later(self, message_id: int, *, delay_s: float, error: str) -> None:
        await self._update(
            message_id,
            status=PENDING,
            next_attempt_at=utcnow() + dt.timedelta(seconds=delay_s),
            lease_until=None,
            last_error=error[:500],
            attempts=OutboxMessage.attempts + 1,
        )

    async def release(self, message_id: int) -> None:
        """A claim given back by a worker that stops mid-send: due again at once, attempts kept.
        (A worker that dies without stopping leaves its lease to expire instead.) Telegram may
        have taken the message before the stop, so this is at least once, as a lease expiry is."""

        def _apply(session: Session) -> None:
            session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == SENDING)
                .values(status=PENDING, lease_until=None, next_attempt_at=utcnow())
            )

        await run_db(self._engine, _apply)

    async def bury(self, message_id: int, *, error: str) -> None:
        await self._update(message_id, status=DEAD, lease_until=None, last_error=error[:500], attempts=OutboxMessage.attempts + 1)

    async def retry_dead(self, message_id: int) -> bool:
        """An admin's «повторить» on a dead letter: back in the queue at its old place."""

        def _revive(session: Session) -> bool:
            result = session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == DEAD)
                .values(status=PENDING, attempts=0, next_attempt_at=utcnow(), last_error="")
            )
            return result.rowcount == 1

        return await run_db(self._engine, _revive)

    async def counts(self) -> dict[str, int]:
        def _count(session: Session) -> dict[str, int]:
            rows = session.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
            found = dict(rows)
            return {status: int(found.get(status, 0)) for status in (PENDING, SENDING, SENT, DEAD)}

        return await run_db(self._engine, _count)

    async def dead_letters(self, limit: int = 50) -> list[OutboxMessage]:
        def _query(session: Session) -> list[OutboxMessage]:
            return list(
                session.exec(
                    select(OutboxMessage).where(OutboxMessage.status == DEAD).order_by(col(OutboxMessage.id)).limit(limit)
                ).all()
            )

        return await run_db(self._engine, _query)

    async def messages(self, response_id: int) -> list[OutboxMessage]:
        def _query(session: Session) -> list[OutboxMessage]:
            return list(
                session.exec(
                    select(OutboxMessage).where(OutboxMessage.response_id == response_id).order_by(col(OutboxMessage.id))
                ).all()
            )

        return await run_db(self._engine, _query)

    async def _update(self, message_id: int, **values: Any) -> None:
        def _apply(session: Session) -> None:
            session.exec(update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(**values))

        await run_db(self._engine, _apply)
