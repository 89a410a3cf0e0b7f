"""The admin console's force-login: minting a token on the shared CargoTech account on request.

A forced login spends the shared account's logins, so one force per 30 s is allowed across
admins and workers: the mark lives in the shared cache (Redis when configured), and the check
and the mark are made under one lock, so two admins pressing at once get one login between them.
Every attempt, refused or not, lands in the token's audit trail."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Protocol

from services.cargotech.token_vault import StoredToken
from services.primitives.cache_backend import CacheBackend
from services.primitives.locks import LockFactory, LockTimeout

FORCE_MARK = "admin:force_login"
FORCE_EVERY_S = 30.0


class ForceOutcome(StrEnum):
    OK = "ok"
    THROTTLED = "throttled"
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class ForceResult:
    outcome: ForceOutcome
    token: StoredToken | None = None
    error: str = ""  # the exception's type, for the audit trail


class Tokens(Protocol):
    async def force_login(self) -> StoredToken: ...

    async def record_admin_action(self, action: str, admin_id: int, outcome: str, detail: str = "") -> None: ...


async def force_login(tokens: Tokens, cache: CacheBackend, locks: LockFactory, admin_id: int) -> ForceResult:
    try:
        async with locks.hold(FORCE_MARK, ttl_s=5.0, wait_s=2.0):
            throttled = await cache.get(FORCE_MARK) is not None
            if not throttled:
                await cache.set(FORCE_MARK, str(admin_id).encode(), FORCE_EVERY_S)
    except LockTimeout:
        throttled = True  # another admin is forcing right now
    if throttled:
        await tokens.record_admin_action("force_login", admin_id, ForceOutcome.THROTTLED)
        return ForceResult(ForceOutcome.THROTTLED)
    try:
        stored = await tokens.force_login()
    except Exception as exc:  # noqa: BLE001 - any failure is the admin's to see and the audit's to keep
        await tokens.record_admin_action("force_login", admin_id, ForceOutcome.ERROR, type(exc).__name__)
        return ForceResult(ForceOutcome.ERROR, error=type(exc).__name__)
    await tokens.record_admin_action("force_login", admin_id, ForceOutcome.OK)
    return ForceResult(ForceOutcome.OK, token=stored)
