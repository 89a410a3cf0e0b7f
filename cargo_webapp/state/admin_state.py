"""The admin console's state: token status, upstream health, the outbox. Admins only.

Every handler checks, on the server, that the signed-in Telegram user is listed in
ADMIN_TELEGRAM_IDS; anyone else gets the 403 screen and nothing is done or loaded. The token's
secret never enters this state: only its numeric id and dates.
"""

from __future__ import annotations

import logging

import reflex as rx

from cargo_webapp.state.admin_labels import audit_event, cache_kind, outbox_kind, outcome
from cargo_webapp.state.session_state import SessionState, current_driver
from cargo_webapp.state.view_models import NO_TOKEN_VIEW, TokenView
from services.cargotech.admin_actions import FORCE_EVERY_S, ForceOutcome, force_login
from services.cargotech.errors import CargoTechError
from services.cargotech.schema_drift import admin_rows, admin_status
from services.client_numbers import row_id
from services.formatting import clock_time, moment
from services.infra.runtime import get_runtime
from services.infra.shared_figures import cache_snapshot

log = logging.getLogger(__name__)

TOKEN_STATES = {
    "valid": "действует",
    "expiring": "скоро истекает",
    "revoked": "отозван",
    "login_failing": "вход не удаётся",
    "none": "ещё не получен",
}
BREAKER_STATES = {"closed": "замкнут (норма)", "half_open": "проверка", "open": "разомкнут: CargoTech недоступен"}


def _when(value) -> str:
    return moment(value) if value else "—"


class AdminState(rx.State):
    allowed: bool = False
    checked: bool = False
    token: TokenView = NO_TOKEN_VIEW
    audit: list[dict[str, str]] = []
    upstream: dict[str, str] = {}
    chart: list[dict[str, str | int]] = []  # requests and 429s per minute, last five minutes
    cache: list[dict[str, str]] = []
    outbox: dict[str, str] = {}
    dead: list[dict[str, str]] = []
    drift: list[dict[str, str]] = []  # first example of each way CargoTech's answers differ from ours
    drift_status: str = ""
    drift_loss: bool = False  # items were skipped in the last window
    notice: str = ""
    served_by: str = ""  # the instance (INSTANCE_NAME or host:pid) that answered this page
    scope: str = ""  # whose figures the latency, chart and cache tables add up

    async def _admin(self) -> SessionState | None:
        session = await current_driver(self)
        self.checked = True
        self.allowed = session is not None and session.driver_id in get_runtime().settings.admin_ids
        if not self.allowed:
            if session is not None:
                log.warning("admin page refused to driver %s", session.driver_id)
            self.token, self.audit, self.upstream, self.cache, self.outbox, self.dead = NO_TOKEN_VIEW, [], {}, [], {}, []
            self.drift, self.drift_status, self.drift_loss = [], "", False
            return None
        return session

    @rx.event
    async def load(self):
        if await self._admin() is not None:
            await self._refresh()

    # The two actions below call CargoTech: background events, so the call runs without the
    # tab's state lock (see FeedState).
    @rx.event(background=True)
    async def verify_now(self):
        async with self:
            admin = await self._admin()
            if admin is None:
                return
            admin_id = admin.driver_id
        tokens = get_runtime().tokens
        try:
            ok = await tokens.probe()
        except CargoTechError as exc:
            ok, detail = False, type(exc).__name__
        else:
            detail = ""
        await tokens.record_admin_action("verify", admin_id, "ok" if ok else "error", detail)
        async with self:
            self.notice = "Токен действует" if ok else "Проверка не прошла: см. журнал"
            await self._refresh()

    @rx.event(background=True)
    async def force_login(self):
        async with self:
            admin = await self._admin()
            if admin is None:
                return
            admin_id = admin.driver_id
        runtime = get_runtime()
        result = await force_login(runtime.tokens, runtime.cache, runtime.locks, admin_id)
        async with self:
            if result.outcome is ForceOutcome.THROTTLED:
                self.notice = f"Повторный вход возможен не чаще раза в {FORCE_EVERY_S:.0f} секунд"
                return
            if result.token is None:
                self.notice = "Вход не удался: см. журнал"
            else:
                self.notice = f"Получен новый токен №{result.token.token_id or '—'}"
            await self._refresh()

    @rx.event
    async def rotate_key(self):
        admin = await self._admin()
        if admin is None:
            return
        tokens = get_runtime().tokens
        try:
            changed = await tokens.rotate_key()
        except Exception as exc:  # noqa: BLE001 - shown to the admin, recorded in the audit
            await tokens.record_admin_action("rotate_key", admin.driver_id, "error", type(exc).__name__)
            self.notice = "Смена ключа не удалась: см. журнал"
            return
        await tokens.record_admin_action("rotate_key", admin.driver_id, "ok", f"{changed} rows")
        self.notice = f"Перешифровано записей: {changed}"
        await self._refresh()

    @rx.event
    async def retry_dead(self, message_id: str):
        admin = await self._admin()
        wanted = row_id(message_id)
        if admin is None or wanted is None:
            return
        runtime = get_runtime()
        revived = await runtime.outbox.retry_dead(wanted)
        await runtime.tokens.record_admin_action(
            "retry_dead", admin.driver_id, "ok" if revived else "noop", f"outbox {message_id}"
        )
        if revived:
            runtime.bot.worker.wake()
        self.notice = "Сообщение снова в очереди" if revived else "Сообщение уже не в мёртвых"
        await self._refresh()

    async def _refresh(self) -> None:
        runtime = get_runtime()
        status = await runtime.tokens.status()
        self.token = TokenView(
            state=TOKEN_STATES.get(status.state, status.state),
            state_code=status.state,
            id=status.token_id or "—",
            obtained=_when(status.obtained_at),
            verified=_when(status.last_verified_at),
            expires=_when(status.expires_at) if status.expires_at else "не истекает (Sanctum)",
            key_id=status.key_id,
            error=status.last_error,
            has_error=bool(status.last_error),
        )
        self.audit = [
            {
                "at": _when(a.at),
                "event": audit_event(a.event),
                "outcome": outcome(a.outcome),
                "latency": f"{a.latency_ms} мс" if a.latency_ms is not None else "",
                "token_id": a.token_id or "",
            }
            for a in await runtime.tokens.recent_audit(15)
        ]
        breaker, bucket = runtime.breaker.snapshot(), await runtime.bucket.snapshot()
        # The whole deployment's figures (every worker of every instance) when Redis is shared.
        latency, whole = await runtime.figures.window()
        totals, _ = await runtime.figures.totals()
        reporting = await runtime.figures.reporting()
        self.served_by = runtime.figures.instance
        self.scope = f"все процессы развёртывания ({len(reporting)} за последнюю минуту)" if whole else "только этот процесс"
        self.upstream = {
            "breaker": BREAKER_STATES.get(breaker["state"], breaker["state"]),
            "breaker_code": breaker["state"],
            "used": f"{bucket['acquired_last_minute']} из {bucket['limit']}",
            "throttled": str(bucket["throttled_total"]),
            "p50": f"{latency['p50_ms']:.0f} мс" if latency["p50_ms"] is not None else "—",
            "p95": f"{latency['p95_ms']:.0f} мс" if latency["p95_ms"] is not None else "—",
        }
        self.chart = [
            {"minute": clock_time(m["minute"]), "requests": m["requests"], "throttled": m["throttled"]}
            for m in latency["per_minute"]
        ]
        self.cache = [
            {
                "kind": cache_kind(kind),
                "hits": str(c["hits"]),
                "misses": str(c["misses"]),
                "stale": str(c["stale"]),
                "ratio": f"{c['hits'] / max(1, c['hits'] + c['misses']):.0%}",
            }
            for kind, c in cache_snapshot(totals).items()
        ]
        loss, examples = await runtime.drift.loss(), await runtime.drift.examples()
        self.drift_loss = loss is not None
        self.drift_status = admin_status(loss, examples)
        self.drift = admin_rows(examples, lambda at: clock_time(at))
        counts = await runtime.outbox.counts()
        self.outbox = {name: str(value) for name, value in counts.items()}
        self.dead = [
            {"id": str(m.id), "kind": outbox_kind(m.kind), "error": m.last_error, "at": _when(m.created_at)}
            for m in await runtime.outbox.dead_letters()
        ]
