"""The one shared CargoTech token: obtained server-side, stored encrypted, never stampeded.

* Single flight: concurrent 401s in any number of workers cause one login. Callers in this
  process queue on a local lock; processes queue on a named distributed lock (Redis when
  configured) and re-read the vault after acquiring it, so the first one's login serves all.
* A login that fails for a passing reason (5xx, a timeout, a dropped connection, 429) is
  retried like a data call, within the caller's deadline and never sooner than Retry-After:
  one 503 during a CargoTech deploy must not become a minute of errors.
* Only a refusal holds logins off for `login_interval_s` (each attempt may mint another token,
  and repeating refused credentials can get the account locked): refused credentials, or a
  token CargoTech revoked within that interval of issuing it. An admin's forced login skips the
  wait. Admins hear of a refusal once, not on every attempt.
* The OAuth-like `expires_in` shape is refreshed ahead of expiry; Sanctum tokens live until
  revoked, which a periodic `/v1/me` probe and 401s on data calls detect.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time

import httpx

from services.cargotech.errors import CargoTechAuthFailed, CargoTechError, CargoTechUnavailable
from services.cargotech.login import LoginResult, LoginTransient, login, parse_login_answer
from services.cargotech.retry_policy import retrying
from services.cargotech.token_vault import StoredToken, TokenAudit, TokenVault
from services.clock import utcnow
from services.infra.notifier import Notifier
from services.primitives.locks import LockFactory, LockTimeout

log = logging.getLogger(__name__)

LOGIN_LOCK = "cargotech:login"
# Audit outcomes of a login attempt that decide whether the next one may go out.
REFUSED = ("refused", "critical")


@dataclasses.dataclass
class TokenStatus:
    """What the admin page shows. Never the secret."""

    state: str  # valid | expiring | revoked | login_failing | none
    token_id: str | None
    obtained_at: dt.datetime | None
    expires_at: dt.datetime | None
    last_verified_at: dt.datetime | None
    key_id: str
    last_error: str


class TokenManager:
    def __init__(
        self,
        http: httpx.AsyncClient,
        phone: str,
        password: str,
        vault: TokenVault,
        locks: LockFactory,
        notifier: Notifier,
        *,
        login_interval_s: float = 60.0,
        refresh_margin_s: float = 300.0,
        login_deadline_s: float = 10.0,
    ) -> None:
        self._http = http
        self._phone = phone
        self._password = password
        self._vault = vault
        self._locks = locks
        self._notifier = notifier
        self._login_interval_s = login_interval_s
        self._login_deadline_s = login_deadline_s
        self._refresh_margin = dt.timedelta(seconds=refresh_margin_s)
        self._current: StoredToken | None = None
        self._local = asyncio.Lock()
        self._login_not_before = 0.0  # monotonic; set by a 429 Retry-After
        self._last_verified_at: dt.datetime | None = None
        self._last_error = ""
        self._revoked = False
        self._refusal_alerted = False  # reset by the next successful login

    # --- TokenSource -------------------------------------------------------------------------

    async def get_token(self, deadline: float | None = None) -> str:
        """The current token, logging in if needed; `deadline` (time.monotonic()) bounds the wait."""
        current = self._current
        if current is not None and not self._expiring(current):
            return current.token
        async with self._local:
            current = self._current
            if current is not None and not self._expiring(current):
                return current.token
            if current is None:
                stored = await self._vault.latest()
                if stored is not None and not self._expiring(stored):
                    self._current = stored
                    self._last_error = ""  # another worker got it: logging in works again
                    return stored.token
            return (await self._renew(stale=None, deadline=self._deadline(deadline))).token

    async def invalidate(self, token: str, deadline: float | None = None) -> None:
        async with self._local:
            if self._current is not None and self._current.token != token:
                return  # somebody in this process already replaced it
            self._current = None
            await self._renew(stale=token, deadline=self._deadline(deadline))

    # --- admin and background ---------------------------------------------------------------

    async def force_login(self) -> StoredToken:
        """An admin's explicit re-login: skips the one-a-minute limit, still single flight."""
        async with self._local:
            return await self._renew(
                stale=self._current.token if self._current else None, force=True, deadline=self._deadline(None)
            )

    async def probe(self) -> bool:
        """GET /v1/me with the current token. A 401 re-logs in (single flight). True if valid."""
        token = await self.get_token()
        started = time.perf_counter()
        try:
            response = await self._http.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            await self._vault.audit("probe", "error", latency_ms=_ms(started), detail=type(exc).__name__)
            return False
        token_id = self._current.token_id if self._current else None
        if response.status_code == 200:
            self._last_verified_at = utcnow()
            self._revoked = False
            self._last_error = ""  # whoever logged in, the token works now
            await self._vault.audit("probe", "ok", latency_ms=_ms(started), token_id=token_id)
            return True
        await self._vault.audit("probe", f"http_{response.status_code}", latency_ms=_ms(started), token_id=token_id)
        if response.status_code == 401:
            await self.invalidate(token)
        return False

    async def run_probe_loop(self, interval_s: float) -> None:
        """Verify the token periodically; refresh seed-shape tokens ahead of expiry."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.probe()
            except CargoTechError as exc:
                log.warning("token probe failed: %s", exc)
            except Exception:  # a database blip must not end the probing for good
                log.exception("token probe crashed; trying again next round")

    async def rotate_key(self) -> int:
        changed = await self._vault.rotate()
        await self._vault.audit("rotate", "ok", detail=f"{changed} rows re-encrypted to key {self._vault.key_id}")
        return changed

    async def record_admin_action(self, action: str, admin_id: int, outcome: str, detail: str = "") -> None:
        """Every admin action lands in the same audit trail as the token's own events."""
        token_id = self._current.token_id if self._current else None
        await self._vault.audit(f"admin_{action}", outcome, token_id=token_id, detail=f"admin {admin_id}. {detail}"[:500])

    async def recent_audit(self, limit: int = 20) -> list[TokenAudit]:
        return await self._vault.recent_audit(limit)

    async def status(self) -> TokenStatus:
        current = self._current or await self._vault.latest()
        if self._last_error:
            state = "login_failing"
        elif current is None:
            state = "revoked" if self._revoked else "none"
        elif self._expiring(current):
            state = "expiring"
        else:
            state = "valid"
        return TokenStatus(
            state=state,
            token_id=current.token_id if current else None,
            obtained_at=current.obtained_at if current else None,
            expires_at=current.expires_at if current else None,
            last_verified_at=self._last_verified_at,
            key_id=self._vault.key_id,
            last_error=self._last_error,
        )

    # --- internals ------------------------------------------------------------------------------

    def _expiring(self, token: StoredToken) -> bool:
        return token.expires_at is not None and token.expires_at - utcnow() <= self._refresh_margin

    def _deadline(self, deadline: float | None) -> float:
        return deadline if deadline is not None else time.monotonic() + self._login_deadline_s

    async def _renew(self, *, stale: str | None, deadline: float, force: bool = False) -> StoredToken:
        """Replace a missing, revoked (`stale`) or expiring token. Caller holds self._local."""
        wait_s = min(45.0, max(0.0, deadline - time.monotonic()))
        try:
            async with self._locks.hold(LOGIN_LOCK, ttl_s=30, wait_s=wait_s):
                return await self._renew_locked(stale=stale, force=force, deadline=deadline)
        except LockTimeout as exc:
            raise CargoTechUnavailable("another worker's login is taking too long") from exc

    async def _renew_locked(self, *, stale: str | None, force: bool, deadline: float) -> StoredToken:
        stored = await self._vault.latest()
        # Another worker may have renewed it while we waited for the lock.
        if not force and stored is not None and stored.token != stale and not self._expiring(stored):
            self._current = stored
            return stored
        if stored is not None and stale is not None and stored.token == stale:
            # Either CargoTech refused it (a 401) or an admin asked for a new one.
            self._revoked = not force
            await self._vault.mark_revoked(stored.row_id)
            await self._vault.audit(
                "replaced" if force else "revoked",
                "ok",
                token_id=stored.token_id,
                detail="forced re-login" if force else "401 from CargoTech",
            )
            issued = stored.obtained_at
            age_s = (utcnow() - _aware(issued)).total_seconds() if issued is not None else None
            if not force and age_s is not None and age_s < self._login_interval_s:
                # CargoTech refuses the tokens it has just issued: another login would only mint more.
                self._login_not_before = max(self._login_not_before, time.monotonic() + self._login_interval_s - age_s)
            stored = None
        if stored is not None and stored.refresh_token and not force:
            refreshed = await self._try_refresh(stored)
            if refreshed is not None:
                return refreshed
        await self._check_login_allowed(force)
        self._current = await self._login(deadline)
        return self._current

    async def _try_refresh(self, stored: StoredToken) -> StoredToken | None:
        """Seed shape only: POST /v1/auth/refresh; None sends the caller on to a full login."""
        started = time.perf_counter()
        try:
            response = await self._http.post("/v1/auth/refresh", json={"refresh_token": stored.refresh_token})
            result = parse_login_answer(response.json()) if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, CargoTechUnavailable):
            result = None
        if result is None:
            await self._vault.audit("refresh", "error", latency_ms=_ms(started), token_id=stored.token_id)
            return None
        self._current = await self._vault.save(result)
        await self._vault.mark_revoked(stored.row_id)  # the refresh invalidated the old one
        await self._vault.audit("refresh", "ok", latency_ms=_ms(started), token_id=result.token_id)
        return self._current

    async def _check_login_allowed(self, force: bool) -> None:
        if force:
            return
        wait = self._login_not_before - time.monotonic()
        if wait > 0:
            raise CargoTechUnavailable("CargoTech login is held off", retry_after_s=wait)
        # Any worker's refusal counts; a later success (say, an admin's forced login) ends it.
        last = await self._vault.last_login_attempt(outcomes=("ok", *REFUSED))
        if last is not None and last.outcome in REFUSED:
            since = (utcnow() - _aware(last.at)).total_seconds()
            if since < self._login_interval_s:
                raise CargoTechUnavailable(
                    f"login refused {since:.0f} s ago; next attempt in {self._login_interval_s - since:.0f} s",
                    retry_after_s=self._login_interval_s - since,
                )

    async def _login(self, deadline: float) -> StoredToken:
        result: LoginResult | None = None
        async for attempt in retrying(deadline, retry_on=(LoginTransient,)):
            with attempt:
                result = await self._login_once(deadline)
        assert result is not None  # tenacity re-raises the last failure
        stored = await self._vault.save(result)
        self._last_error = ""
        self._revoked = False
        self._refusal_alerted = False
        self._last_verified_at = utcnow()
        log.info("CargoTech login ok, token id %s", result.token_id)
        return stored

    async def _login_once(self, deadline: float) -> LoginResult:
        started = time.perf_counter()
        try:
            # One hung attempt must leave time for another: the client's own timeout, not the whole deadline.
            per_try = self._http.timeout.read or self._login_deadline_s
            remaining = deadline - time.monotonic()
            result = await login(self._http, self._phone, self._password, timeout_s=min(per_try, remaining))
        except CargoTechAuthFailed as exc:
            await self._login_failed(exc, started)
            raise
        except CargoTechUnavailable as exc:
            if exc.retry_after_s:
                self._login_not_before = time.monotonic() + exc.retry_after_s
            self._last_error = str(exc)
            await self._vault.audit("login", "unavailable", latency_ms=_ms(started), detail=str(exc))
            log.warning("CargoTech login unavailable: %s", exc)
            raise
        await self._vault.audit("login", "ok", latency_ms=_ms(started), token_id=result.token_id)
        return result

    async def _login_failed(self, exc: CargoTechAuthFailed, started: float) -> None:
        # 403 is a suspended account: someone must act now. 401/422: wrong credentials.
        critical = exc.status == 403
        self._last_error = str(exc)
        await self._vault.audit("login", "critical" if critical else "refused", latency_ms=_ms(started), detail=str(exc))
        if self._refusal_alerted:
            log.warning("CargoTech login still refused (%s); admins already alerted", exc.status)
            return
        self._refusal_alerted = True
        if critical:
            log.critical("CargoTech account refused (403): suspended?")
            await self._notifier.alert("critical", "cargotech_login_403", "CargoTech: аккаунт заблокирован (403)")
        else:
            log.error("CargoTech login refused (%s): check CARGOTECH_PHONE / CARGOTECH_PASSWORD", exc.status)
            await self._notifier.alert(
                "error", "cargotech_login_failed", f"CargoTech: вход отклонён ({exc.status}), проверьте логин и пароль"
            )


def _aware(at: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
