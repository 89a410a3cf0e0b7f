"""The encrypted token store and its audit trail.

The CargoTech token is stored only as MultiFernet ciphertext; the plaintext exists only in
process memory. Every login, refresh, revocation, probe, rotation and failure is recorded with
its latency and the token's numeric id, never the secret.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from cryptography.fernet import InvalidToken, MultiFernet
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from services.cargotech.login import LoginResult
from services.clock import utcnow
from services.infra.db import run_db


class CargoTechToken(SQLModel, table=True):
    __tablename__ = "cargotech_token"

    id: int | None = Field(default=None, primary_key=True)
    ciphertext: str
    refresh_ciphertext: str | None = None
    token_id: str | None = None  # the numeric part before "|": safe to show
    key_id: str  # fingerprint of the key that encrypted it
    obtained_at: dt.datetime = Field(default_factory=utcnow, index=True)
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class TokenAudit(SQLModel, table=True):
    __tablename__ = "cargotech_token_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    event: str  # login | refresh | revoked | probe | rotate | failure
    outcome: str  # ok | error | refused | unavailable | critical | throttled
    latency_ms: int | None = None
    token_id: str | None = None
    detail: str = ""


@dataclasses.dataclass(frozen=True)
class StoredToken:
    row_id: int
    token: str = dataclasses.field(repr=False)
    refresh_token: str | None = dataclasses.field(default=None, repr=False)
    token_id: str | None = None
    obtained_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None


def key_fingerprint(key: str | bytes) -> str:
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(raw).hexdigest()[:8]


class TokenVault:
    def __init__(self, engine: Engine, cipher: MultiFernet, primary_key_id: str) -> None:
        self._engine = engine
        self._cipher = cipher
        self.key_id = primary_key_id

    async def save(self, result: LoginResult) -> StoredToken:
        expires_at = utcnow() + dt.timedelta(seconds=result.expires_in) if result.expires_in else None
        row = CargoTechToken(
            ciphertext=self._cipher.encrypt(result.token.encode()).decode(),
            refresh_ciphertext=(self._cipher.encrypt(result.refresh_token.encode()).decode() if result.refresh_token else None),
            token_id=result.token_id,
            key_id=self.key_id,
            expires_at=expires_at,
        )

        def _insert(session: Session) -> CargoTechToken:
            session.add(row)
            session.flush()
            return row

        saved = await run_db(self._engine, _insert)
        return self._decrypt(saved)

    async def latest(self) -> StoredToken | None:
        """The newest token not marked revoked, or None (none yet, or it cannot be decrypted)."""

        def _query(session: Session) -> CargoTechToken | None:
            statement = (
                select(CargoTechToken)
                .where(col(CargoTechToken.revoked_at).is_(None))
                .order_by(col(CargoTechToken.id).desc())
                .limit(1)
            )
            return session.exec(statement).first()

        row = await run_db(self._engine, _query)
        if row is None:
            return None
        try:
            return self._decrypt(row)
        except InvalidToken:
            # Encrypted with a key no longer configured: treat as absent and log in again.
            return None

    async def mark_revoked(self, row_id: int) -> None:
        def _update(session: Session) -> None:
            row = session.get(CargoTechToken, row_id)
            if row is not None and row.revoked_at is None:
                row.revoked_at = utcnow()
                session.add(row)

        await run_db(self._engine, _update)

    async def rotate(self) -> int:
        """Re-encrypt every stored token with the first configured key; returns rows changed."""

        def _rotate(session: Session) -> int:
            changed = 0
            for row in session.exec(select(CargoTechToken)).all():
                if row.key_id == self.key_id:
                    continue
                try:
                    row.ciphertext = self._cipher.rotate(row.ciphertext.encode()).decode()
                    if row.refresh_ciphertext:
                        row.refresh_ciphertext = self._cipher.rotate(row.refresh_ciphertext.encode()).decode()
                except InvalidToken:
                    continue  # a key already retired: this row can never be read again
                row.key_id = self.key_id
                session.add(row)
                changed += 1
            return changed

        return await run_db(self._engine, _rotate)

    async def audit(
        self, event: str, outcome: str, *, latency_ms: int | None = None, token_id: str | None = None, detail: str = ""
    ) -> None:
        entry = TokenAudit(event=event, outcome=outcome, latency_ms=latency_ms, token_id=token_id, detail=detail[:500])
        await run_db(self._engine, lambda session: session.add(entry))

    async def recent_audit(self, limit: int = 20) -> list[TokenAudit]:
        def _query(session: Session) -> list[TokenAudit]:
            statement = select(TokenAudit).order_by(col(TokenAudit.id).desc()).limit(limit)
            return list(session.exec(statement).all())

        return await run_db(self._engine, _query)

    async def last_login_attempt(self, outcomes: tuple[str, ...] | None = None) -> TokenAudit | None:
        """The newest login attempt (with one of `outcomes`, if given), seen by every worker."""

        def _query(session: Session) -> TokenAudit | None:
            statement = select(TokenAudit).where(TokenAudit.event == "login")
            if outcomes is not None:
                statement = statement.where(col(TokenAudit.outcome).in_(outcomes))
            return session.exec(statement.order_by(col(TokenAudit.id).desc()).limit(1)).first()

        return await run_db(self._engine, _query)

    def _decrypt(self, row: CargoTechToken) -> StoredToken:
        assert row.id is not None
        return StoredToken(
            row_id=row.id,
            token=self._cipher.decrypt(row.ciphertext.encode()).decode(),
            refresh_token=(self._cipher.decrypt(row.refresh_ciphertext.encode()).decode() if row.refresh_ciphertext else None),
            token_id=row.token_id,
            obtained_at=row.obtained_at,
            expires_at=row.expires_at,
        )
