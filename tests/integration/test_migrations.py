"""The schema comes from the alembic migrations, through Reflex's `reflex db` integration, and
the migrations describe exactly the tables the code uses."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from services.infra.db import BASELINE_TABLES, alembic_config, make_engine, upgrade_to_head
from services.infra.tables import table_metadata
from tests.support.postgres_server import fresh_database
from tests.support.processes import ROOT

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def _schema_drift(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), table_metadata())
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_reflex_db_migrate_builds_the_whole_schema_on_postgresql(postgres_url: str):
    url = fresh_database(postgres_url, "migrate_cli")
    env = {**os.environ, "APP_ENV": "dev", "DATABASE_URL": url, "REFLEX_USE_SYSTEM_BUN": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "reflex", "db", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _revision(url) == HEAD
    # Nothing in the code that the migrations lack, and nothing extra: a forgotten
    # `reflex db makemigrations` fails here rather than on a production deploy.
    assert _schema_drift(url) == []
    assert "schema changes" not in done.stdout + done.stderr


def test_the_migrations_match_the_models_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path}/app.db"
    assert upgrade_to_head(make_engine(url)) == HEAD
    assert _schema_drift(url) == []


def test_processes_starting_together_migrate_a_database_once(postgres_url: str):
    url = fresh_database(postgres_url, "migrate_race")
    script = (
        "import sys; from services.infra.db import make_engine, upgrade_to_head; print(upgrade_to_head(make_engine(sys.argv[1])))"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, url], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 4, outputs
    assert {out.strip() for out, _ in outputs} == {HEAD}
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


def test_a_database_made_before_migrations_is_adopted_not_rebuilt(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    metadata = table_metadata()  # how the app made its tables before migrations existed:
    metadata.create_all(engine, tables=[metadata.tables[name] for name in sorted(BASELINE_TABLES)])
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO cargotech_token_audit (at, event, outcome, detail) "
                "VALUES ('2026-11-01 10:00:00', 'login', 'ok', 'kept')"
            )
        )
    assert upgrade_to_head(engine) == HEAD
    with engine.connect() as connection:
        assert connection.execute(text("SELECT detail FROM cargotech_token_audit")).scalar() == "kept"
    assert "alembic_version" in inspect(engine).get_table_names()
