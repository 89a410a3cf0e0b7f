"""Several app workers opening one new SQLite file together: switching it to WAL waits for a
write lock another connection holds on the file still in rollback mode (SQLite itself fails
that switch at once, without its busy wait), instead of failing the worker's start."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from services.infra.db import _use_wal, make_engine


def hold_write_lock(path: str, seconds: float) -> threading.Event:
    """Another connection, in rollback mode, writing for `seconds`; the event is set once it holds the lock."""
    held = threading.Event()

    def run() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("CREATE TABLE IF NOT EXISTS t (i INTEGER)")
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        held.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    threading.Thread(target=run, daemon=True).start()
    assert held.wait(10)
    return held


def test_sqlite_fails_the_switch_at_once_while_another_connection_writes(tmp_path):
    """The behaviour the app works around: no busy wait for this switch."""
    path = str(tmp_path / "app.db")
    hold_write_lock(path, 1.0)
    plain = sqlite3.connect(path, timeout=30)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        plain.execute("PRAGMA journal_mode=WAL")
    assert time.monotonic() - started < 1.0
    plain.close()


def test_the_engine_waits_for_the_writer_and_switches_to_wal(tmp_path):
    path = tmp_path / "app.db"
    hold_write_lock(str(path), 0.6)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 1  # after the writer's commit
    engine.dispose()


def test_a_lock_held_past_the_wait_still_fails(tmp_path):
    path = str(tmp_path / "app.db")
    hold_write_lock(path, 1.5)
    connection = sqlite3.connect(path, timeout=30)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _use_wal(connection, wait_s=0.3)
    connection.close()
