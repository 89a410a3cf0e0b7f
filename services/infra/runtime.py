"""The process's shared service objects, one set per event loop.

Reflex runs one event loop per worker process; tests may run several apps in one process,
each with its own loop. httpx and redis.asyncio clients are bound to the loop that created
them, so the runtime is keyed by loop, created on first use and closed by the app's lifespan.
What must be shared across workers (cache, rate bucket, locks) lives in Redis when
REDIS_URL is set, in-process otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import redis.asyncio as aioredis

from services.alerts.bot_buttons import AlertOffButton
from services.alerts.poller import AlertPoller
from services.alerts.saved_searches import SavedSearchService
from services.bot.handlers import BotHandlers
from services.bot.outbox_worker import OutboxWorker
from services.bot.runner import BotRunner
from services.cargotech.breaker_watch import BreakerWatch
from services.cargotech.client import CargoTechClient, make_http_client
from services.cargotech.schema_drift import SchemaDrift
from services.cargotech.token_manager import TokenManager
from services.cargotech.token_vault import TokenVault, key_fingerprint
from services.cargotech.upstream_budget import UpstreamBudget
from services.dispatch.outbox import Outbox
from services.dispatch.responses import ResponseService
from services.drivers.store import DriverStore
from services.feed.cache import CargoService
from services.identity.auth_failures import AuthFailureMonitor
from services.identity.sessions import SessionStore
from services.infra.admin_alerts import AdminAlerts
from services.infra.dev_standins import ensure_dev_standins
from services.infra.memory_probe import run_memory_probe
from services.infra.metrics import UpstreamMetrics
from services.infra.notifier import Notifier
from services.infra.settings import Settings, get_settings
from services.infra.shared_figures import SharedFigures, instance_name
from services.infra.tables import engine_for
from services.market.lane_rates import LaneRates, LaneRecorder
from services.primitives.cache_backend import CacheBackend, make_cache, make_lookup_cache
from services.primitives.circuit_breaker import CircuitBreaker
from services.primitives.locks import LockFactory, make_locks
from services.primitives.rate_bucket import RateBucket, make_rate_bucket
from services.primitives.redis_conn import make_redis_client

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Runtime:
    settings: Settings
    http: httpx.AsyncClient
    redis: aioredis.Redis | None
    tokens: TokenManager
    bucket: RateBucket
    breaker: CircuitBreaker
    cargos: CargoService
    drivers: DriverStore
    locks: LockFactory
    cache: CacheBackend
    sessions: SessionStore
    auth_monitor: AuthFailureMonitor
    responses: ResponseService
    outbox: Outbox
    bot: BotRunner
    notifier: Notifier
    metrics: UpstreamMetrics
    searches: SavedSearchService
    alerts: AlertPoller
    drift: SchemaDrift
    figures: SharedFigures
    lane_recorder: LaneRecorder
    lane_rates: LaneRates

    async def aclose(self) -> None:
        await self.bot.stop()
        await self.cargos.aclose()
        await self.lane_recorder.aclose()
        await self.http.aclose()
        if self.redis is not None:
            await self.redis.aclose()


def build_runtime(settings: Settings, *, clock: Callable[[], float] = time.time) -> Runtime:
    """Wire the services for one event loop. `clock` drives cache freshness (benchmarks speed it up)."""
    redis = make_redis_client(settings.redis_url) if settings.redis_url else None
    http = make_http_client(settings.cargotech_base_url, settings.cargotech_timeout_s)
    locks = make_locks(redis)
    engine = engine_for(settings.database_url)
    cache = make_cache(redis)
    outbox = Outbox(engine)
    if settings.is_prod and settings.admin_chat_id is None:
        # Settings only allow this with ADMIN_ALERTS_LOG_ONLY: repeat the choice at every start.
        log.warning(
            "ADMIN_CHAT_ID is not set (ADMIN_ALERTS_LOG_ONLY=true): admin alerts "
            "(CargoTech token lost, CargoTech down, dead letters) go to this log only"
        )
    notifier = AdminAlerts(outbox, cache, settings.admin_chat_id)
    vault = TokenVault(engine, settings.fernet(), key_fingerprint(settings.encryption_keys()[0]))
    assert settings.cargotech_phone and settings.cargotech_password  # load_settings guarantees
    tokens = TokenManager(
        http,
        settings.cargotech_phone.get_secret_value(),
        settings.cargotech_password.get_secret_value(),
        vault,
        locks,
        notifier,
        login_interval_s=settings.cargotech_login_interval_s,
    )
    breaker = CircuitBreaker(failure_threshold=settings.breaker_failure_threshold, reset_after_s=settings.breaker_reset_s)
    bucket = make_rate_bucket(redis, limit=settings.cargotech_rate_limit_per_min)
    metrics = UpstreamMetrics()
    drift = SchemaDrift(cache, locks, notifier, metrics)
    client = CargoTechClient(
        http,
        tokens,
        bucket,
        breaker,
        deadline_s=settings.cargotech_timeout_s,
        observer=metrics,
        drift=drift,
    )
    limit = settings.cargotech_rate_limit_per_min

    def share_bucket(share: float, key: str) -> RateBucket:
        """A bucket shared by every worker for `share` of the account's minute."""
        share_limit = max(2, int(limit * share))
        return make_rate_bucket(redis, limit=share_limit, burst=max(1, min(30, share_limit // 20)), key=key)

    budget = UpstreamBudget(
        account_limit=limit,
        lookup_bucket=share_bucket(settings.lookup_share, "ct:bucket:lookup"),
        return_loads_bucket=share_bucket(settings.return_loads_share, "ct:bucket:return_loads"),
        per_driver_lookups=settings.driver_lookups_per_min,
        driver_share=settings.driver_share,
        notifier=notifier,
    )
    lane_rates = LaneRates(engine)
    lane_recorder = LaneRecorder(engine, on_written=lane_rates.forget_too_few)
    cargos = CargoService(
        client,
        cache,
        locks,
        list_fresh_s=settings.list_cache_fresh_s,
        stale_max_s=settings.stale_max_s,
        # Healthy means the last call was answered: while calls fail (and are retried), drivers
        # get the stored page flagged stale at once instead of waiting on the retries.
        upstream_ok=lambda: breaker.state == "closed" and breaker.consecutive_failures == 0,
        clock=clock,
        lookup_cache=make_lookup_cache(redis),
        budget=budget,
        on_list=lane_recorder.observe,
    )
    assert settings.dispatcher_chat_id is not None
    responses = ResponseService(
        engine, dispatcher_chat_id=settings.dispatcher_chat_id, bot_username=settings.telegram_bot_username
    )
    worker = OutboxWorker(
        outbox, responses, notifier, max_attempts=settings.outbox_max_attempts, max_backoff_s=settings.outbox_max_backoff_s
    )
    responses.wake_outbox = notifier.wake_outbox = worker.wake
    searches = SavedSearchService(engine)
    bot = BotRunner(
        settings,
        BotHandlers(
            responses,
            webapp_url=settings.public_url,
            dispatcher_chat_id=settings.dispatcher_chat_id,
            alert_off=AlertOffButton(searches),
        ),
        worker,
    )
    return Runtime(
        settings=settings,
        http=http,
        redis=redis,
        tokens=tokens,
        bucket=bucket,
        breaker=breaker,
        cargos=cargos,
        drivers=DriverStore(cache, engine),
        locks=locks,
        cache=cache,
        sessions=SessionStore(redis),
        auth_monitor=AuthFailureMonitor(notifier, redis_client=redis),
        responses=responses,
        outbox=outbox,
        bot=bot,
        notifier=notifier,
        metrics=metrics,
        searches=searches,
        # One upstream call per alert query per cache window, shared with the feed's cache entry.
        alerts=AlertPoller(
            cargos=cargos,
            cache=cache,
            locks=locks,
            searches=searches,
            engine=engine,
            bot_username=lambda: responses.bot_username,
            wake_outbox=worker.wake,
            window_s=settings.list_cache_fresh_s,
            clock=clock,
        ),
        drift=drift,
        figures=SharedFigures(
            metrics, cargos.stats.snapshot, redis, instance=instance_name(settings.instance_name), fills=cargos.stats.fill_totals
        ),
        lane_recorder=lane_recorder,
        lane_rates=lane_rates,
    )


_runtimes: dict[int, Runtime] = {}


def get_runtime() -> Runtime:
    loop_id = id(asyncio.get_running_loop())
    runtime = _runtimes.get(loop_id)
    if runtime is None:
        runtime = _runtimes[loop_id] = build_runtime(get_settings())
    return runtime


@contextlib.asynccontextmanager
async def runtime_lifespan() -> AsyncIterator[None]:
    """Probe the CargoTech token periodically; close this loop's runtime when the server stops."""
    # `reflex run` on embedded defaults: the stand-ins come up with the app (dev only).
    await asyncio.to_thread(ensure_dev_standins, get_settings())
    runtime = get_runtime()
    tasks = [
        asyncio.create_task(runtime.tokens.run_probe_loop(runtime.settings.cargotech_probe_interval_s)),
        asyncio.create_task(runtime.bot.start()),
        asyncio.create_task(BreakerWatch(runtime.breaker, runtime.notifier).run()),
        asyncio.create_task(runtime.alerts.run()),
        asyncio.create_task(runtime.figures.run()),
    ]
    if runtime.settings.memory_dump_every_s > 0:
        tasks.append(
            asyncio.create_task(run_memory_probe(runtime.settings.memory_dump_every_s, Path(runtime.settings.memory_dump_dir)))
        )
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        closing = _runtimes.pop(id(asyncio.get_running_loop()), None)
        if closing is not None:
            # A graceful stop sends the last second's counts: the deployment's totals keep them.
            with contextlib.suppress(Exception):
                await closing.figures.flush()
            await closing.aclose()
