"""The database: one SQLAlchemy engine per process (SQLite by default, PostgreSQL in prod).

Our tables see few, small writes (token rotations, audit rows), so the sync engine is run in
a worker thread rather than adding an async driver: the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

T = TypeVar("T")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record):  # several processes may share the file
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@functools.cache
def engine_for(url: str) -> Engine:
    engine = make_engine(url)
    # Import the table modules so their metadata is registered before create_all.
    import services.cargotech.token_vault  # noqa: F401
    import services.outbox  # noqa: F401
    import services.responses  # noqa: F401

    SQLModel.metadata.create_all(engine)
    return engine


async def run_db(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work(session)` in a thread and commit; the session never crosses threads."""

    def _call() -> T:
        with Session(engine, expire_on_commit=False) as session:
            result = work(session)
            session.commit()
            return result

    return await asyncio.to_thread(_call)
