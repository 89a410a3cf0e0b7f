"""Every table of the app, and the engine a process uses: migrated and checked against them.

Kept apart from `services/infra/db.py` because the table modules import `run_db` from there; listing
them here keeps the imports one-way (table modules → db, tables → table modules)."""

from __future__ import annotations

import functools

from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from services.alerts.ledger import AlertDelivery
from services.alerts.saved_searches import AlertSettings, SavedSearch
from services.cargotech.token_vault import CargoTechToken, TokenAudit
from services.dispatch.outbox import OutboxMessage
from services.dispatch.responses import DriverResponse
from services.drivers.store import DriverPreference
from services.infra.db import make_engine, upgrade_to_head
from services.market.lane_rates import LaneObservation


class SchemaError(RuntimeError):
    """The database does not match the code: a table without a migration, or a failed upgrade."""


def table_models() -> list[type[SQLModel]]:
    """Every table of the app: one list, used by the app's schema check and by alembic."""
    return [
        CargoTechToken,
        TokenAudit,
        OutboxMessage,
        DriverResponse,
        SavedSearch,
        AlertSettings,
        AlertDelivery,
        DriverPreference,
        LaneObservation,
    ]


def table_metadata() -> MetaData:
    table_models()  # the imports above registered every table in SQLModel's shared metadata
    return SQLModel.metadata


def missing_tables(engine: Engine) -> list[str]:
    existing = set(inspect(engine).get_table_names())
    return sorted(name for name in table_metadata().tables if name not in existing)


@functools.cache
def engine_for(url: str) -> Engine:
    engine = make_engine(url)
    upgrade_to_head(engine)
    if missing := missing_tables(engine):
        raise SchemaError(
            f"tables without a migration: {', '.join(missing)} — run `reflex db makemigrations "
            "--message <what changed>` and commit the file it writes to alembic/versions"
        )
    return engine
