"""Readiness: can this process serve drivers right now?

Each check is bounded (a hung dependency must not hang the probe) and reports
{"ok": bool, "detail": str}. Details name states and exception types only: dependency errors
(database URLs, Redis addresses) can carry credentials, and this answer is unauthenticated.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, cast

from sqlalchemy import literal, select
from sqlmodel import Session

from services.cargotech.errors import CargoTechError
from services.infra.db import run_db
from services.infra.tables import engine_for

if TYPE_CHECKING:
    from services.infra.runtime import Runtime

CHECK_TIMEOUT_S = 2.0
Check = dict[str, bool | str]
# Reported (the answer says "degraded"), but not a reason to take the app out of rotation:
# drivers can browse and respond while Telegram is down (responses wait in the outbox), and a
# CargoTech whose answers drifted is no better served by every worker leaving rotation: the
# cache still has the last good answers, and the admins are alerted.
INFORMATIONAL = frozenset({"bot", "cargotech_schema"})


async def readiness(runtime: Runtime) -> tuple[bool, dict[str, Check]]:
    names = ("database", "cache", "cargotech_token", "bot", "cargotech_schema")
    results = await asyncio.gather(
        _bounded(_database(runtime)),
        _bounded(_cache(runtime)),
        _bounded(_token(runtime)),
        _bounded(_bot(runtime)),
        _bounded(_schema(runtime)),
    )
    checks = dict(zip(names, results, strict=True))
    return all(check["ok"] for name, check in checks.items() if name not in INFORMATIONAL), checks


async def _bounded(check: Awaitable[Check]) -> Check:
    try:
        return await asyncio.wait_for(check, CHECK_TIMEOUT_S)
    except TimeoutError:
        return _result(False, f"no answer within {CHECK_TIMEOUT_S:.0f} s")
    except CargoTechError as exc:
        return _result(False, f"{type(exc).__name__}: {exc}")  # our own messages, never the credentials
    except Exception as exc:  # noqa: BLE001 - any failure is "not ready", not a 500
        return _result(False, type(exc).__name__)


async def _database(runtime: Runtime) -> Check:
    def select_one(session: Session) -> None:
        session.scalars(select(literal(1))).one()

    await run_db(engine_for(runtime.settings.database_url), select_one)
    return _result(True, "ok")


async def _cache(runtime: Runtime) -> Check:
    if runtime.redis is None:
        return _result(True, "in-process")
    # redis-py annotates the asyncio client's ping as sync-or-async; on this client it is async.
    await cast(Awaitable[bool], runtime.redis.ping())
    return _result(True, "redis ok")


async def _token(runtime: Runtime) -> Check:
    status = await runtime.tokens.status()
    if status.state in ("valid", "expiring"):
        return _result(True, status.state)
    # No usable token (never logged in, revoked, or logins failing): readiness should say whether
    # we CAN get one, so try. TokenManager still limits logins to one per login interval, so
    # frequent probes cannot hammer CargoTech. Shielded: a slow login is left to finish in the
    # background (and serve the next caller) rather than be cancelled half-way at the timeout,
    # which could leave an orphan token minted on the account.
    login = asyncio.ensure_future(runtime.tokens.get_token())
    login.add_done_callback(_consume_outcome)
    await asyncio.shield(login)
    return _result(True, f"logged in (was {status.state})")


async def _bot(runtime: Runtime) -> Check:
    if runtime.bot.ready.is_set():
        return _result(True, "ready")
    return _result(False, "not started or Telegram not answering yet")


async def _schema(runtime: Runtime) -> Check:
    """Degraded while an item was skipped (or an answer had nothing usable) in the last window;
    the detail names the endpoint, the field path, the type seen and the cargo."""
    loss = await runtime.drift.loss()
    if loss is None:
        return _result(True, "ok")
    return _result(False, loss.describe())


def _consume_outcome(task: asyncio.Future[str]) -> None:
    """Mark a login that outlived its probe as handled: TokenManager already logged and audited it."""
    if not task.cancelled():
        task.exception()


def _result(ok: bool, detail: str) -> Check:
    return {"ok": ok, "detail": detail}
