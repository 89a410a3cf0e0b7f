"""A throwaway real PostgreSQL cluster on a free loopback port, for tests.

    with PostgresServer() as server:
        engine = create_engine(server.url)      # postgresql+psycopg2://postgres@127.0.0.1:PORT/postgres

`initdb` makes a fresh cluster in a temp dir (trust auth, fsync off: nothing here must survive), `pg_ctl`
starts it, and leaving the block stops it ("immediate") and removes the directory. PostgreSQL refuses to run
as root, so as root the binaries run as the `postgres` user through `runuser`.

`postgres_url` is a session fixture: the cluster starts once, on first use, for the whole run. It skips only
when PostgreSQL cannot run here at all (no binaries, or root without a `postgres` user); a cluster that is
installed but fails to start is an error, with its log.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import free_port


def _bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian layout), or one on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot run on this machine at all (as opposed to failing to start)."""


class PostgresServer:
    def __init__(self, *, start_timeout_s: int = 15) -> None:
        self.port = free_port()
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"
        self._start_timeout_s = start_timeout_s
        self._dir: Path | None = None
        self._bin = _bin_dir()
        self._as_user: list[str] = []

    def __enter__(self) -> PostgresServer:
        if self._bin is None or not (self._bin / "initdb").exists():
            raise PostgresUnavailable("PostgreSQL binaries (initdb, pg_ctl) are not installed")
        owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and there is no 'postgres' user to run PostgreSQL as") from None
            if not shutil.which("runuser"):
                raise PostgresUnavailable("running as root and runuser is missing")
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._dir = Path(tempfile.mkdtemp(prefix="pg-test-"))
        if owner is not None:
            os.chown(self._dir, owner.pw_uid, owner.pw_gid)
        try:
            self._run("initdb", "-D", str(self._data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._dir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            )
            self._run(
                "pg_ctl",
                "-D",
                str(self._data),
                "-o",
                options,
                "-l",
                str(self._log),
                "-w",
                "-t",
                str(self._start_timeout_s),
                "start",
            )
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._dir is None:
            return
        if (self._data / "postmaster.pid").exists():
            subprocess.run(
                [*self._as_user, str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=30,
                check=False,
            )
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir = None

    @property
    def _data(self) -> Path:
        assert self._dir is not None
        return self._dir / "data"

    @property
    def _log(self) -> Path:
        assert self._dir is not None
        return self._dir / "postgres.log"

    def _run(self, program: str, *args: str) -> None:
        assert self._bin is not None
        done = subprocess.run(
            [*self._as_user, str(self._bin / program), *args], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode != 0:
            log = self._log.read_text(errors="replace")[-2000:] if self._log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n{log}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """DATABASE_URL of a throwaway PostgreSQL cluster shared by the whole test session."""
    try:
        server = PostgresServer().__enter__()
    except PostgresUnavailable as exc:
        # `make test` installs PostgreSQL: a layer that quietly skipped its database tests would
        # report green without having tested them.
        pytest.fail(f"PostgreSQL cannot run here (make test installs it with scripts/ensure-system-deps.sh): {exc}")
    try:
        yield server.url
    finally:
        server.__exit__()


def fresh_database(cluster_url: str, name: str) -> str:
    """A new, empty database in the shared cluster (dropped first if a previous run left it)."""
    from sqlalchemy import create_engine, text

    admin = create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return cluster_url.rsplit("/", 1)[0] + f"/{name}"
