"""The database: one SQLAlchemy engine per process (SQLite by default, PostgreSQL in prod).

The schema is owned by the alembic migrations in `alembic/versions` (written with
`reflex db makemigrations`, see README). Every process brings its database to the newest
revision when it first opens it, under a lock, so several app processes starting together on
one PostgreSQL migrate it once; `reflex db migrate` does the same from the command line.

The list of tables and the checked `engine_for` live in `services/infra/tables.py`: the table modules
use `run_db` from here, so this module must not import them back.

Our tables see few, small writes (token rotations, audit rows, outbox), so the sync engine is
run in a worker thread rather than adding an async driver: the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from alembic.config import Config as AlembicConfig
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = ROOT / "alembic.ini"
# Databases made before migrations existed (by create_all) hold exactly the first revision's
# tables; they are stamped with it instead of failing on "table already exists".
BASELINE_REVISION = "283d2391ea72"
BASELINE_TABLES = {"cargotech_token", "cargotech_token_audit", "driver_response", "outbox_message"}
# Any constant works; it only has to be the same in every process of this app.
_PG_MIGRATION_LOCK = 0x0CA2607EC
SQLITE_BUSY_S = 30.0


def _use_wal(dbapi_connection: sqlite3.Connection, *, wait_s: float = SQLITE_BUSY_S) -> None:
    """Put the file in WAL mode, so several processes read while one writes. The mode is kept in
    the file: once one connection has switched it, the others find it so. Switching fails at once,
    without SQLite's busy wait, while another connection of a file still in rollback mode holds
    a write lock (several workers opening a new file together), so that is waited out here."""
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            if dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_S})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record):  # several processes may share the file
            _use_wal(dbapi_connection)

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@contextlib.contextmanager
def _migration_lock(engine: Engine, connection: Connection) -> Iterator[None]:
    """One migrator at a time: a PostgreSQL advisory lock, or a file lock next to a SQLite file."""
    if engine.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK})
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def alembic_config() -> AlembicConfig:
    config = AlembicConfig(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    return config


def upgrade_to_head(engine: Engine) -> str | None:
    """Apply the migrations the database has not seen; returns the revision it is now at."""
    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    with engine.connect() as connection, _migration_lock(engine, connection):
        if MigrationContext.configure(connection).get_current_revision() is None and BASELINE_TABLES <= set(
            inspect(connection).get_table_names()
        ):
            MigrationContext.configure(connection).stamp(script, BASELINE_REVISION)
        # The same steps as `reflex db migrate`, without importing Reflex into services/.
        with EnvironmentContext(config, script, fn=lambda rev, _ctx: script._upgrade_revs("head", rev)) as env:
            env.configure(connection=connection)
            env.run_migrations()
        connection.commit()
        return MigrationContext.configure(connection).get_current_revision()


async def run_db(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work(session)` in a thread and commit; the session never crosses threads."""

    def _call() -> T:
        with Session(engine, expire_on_commit=False) as session:
            result = work(session)
            session.commit()
            return result

    return await asyncio.to_thread(_call)
