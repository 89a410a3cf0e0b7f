"""What was sent to whom: one row per (driver, cargo), unique, so a cargo reaches a driver at
most once across polls, workers and restarts. The row and the outbox message carrying it are
written in one transaction; during quiet hours the row waits as "held" and is released later,
as one digest, by a compare-and-set that only one worker can win."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from services.clock import utcnow

HELD, SENT, DROPPED = "held", "sent", "dropped"


class AlertDelivery(SQLModel, table=True):
    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("driver_id", "cargo_id", name="uq_alert_driver_cargo"),)

    id: int | None = Field(default=None, primary_key=True)
    driver_id: int = Field(index=True, sa_type=BigInteger)
    cargo_id: str
    search_id: int = Field(index=True)
    status: str = Field(default=SENT, index=True)  # held → sent (quiet hours over) or dropped
    card_json: str = ""  # the card's display strings, for a digest built later
    created_at: dt.datetime = Field(default_factory=utcnow)
    sent_at: dt.datetime | None = None

    @property
    def card(self) -> dict[str, str]:
        return json.loads(self.card_json) if self.card_json else {"id": self.cargo_id}
