"""/health/live, /health/ready and /metrics over real HTTP, against the CargoTech sandbox."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from services.cargotech.errors import CargoTechError
from services.cargotech.upstream_budget import Caller, Purpose
from services.feed.filters import base_query
from services.infra.health import readiness
from services.infra.health_routes import health_routes
from services.infra.metrics import UpstreamMetrics
from services.infra.runtime import Runtime
from tests.support.processes import free_port

DRIVER_ID = 5170001


@contextlib.asynccontextmanager
async def serving(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The routes on a real loopback port, in this test's loop (where the runtime lives)."""
    port = free_port()
    app = Starlette(routes=health_routes(lambda: runtime))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield http
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def served(runtime: Runtime) -> AsyncIterator[tuple[Runtime, UpstreamMetrics, httpx.AsyncClient]]:
    async with serving(runtime) as http:
        yield runtime, runtime.metrics, http


@pytest.fixture
def bot_started(runtime: Runtime) -> Iterator[None]:
    """Pretend BotRunner.start() succeeded. Undone before teardown, whose bot.stop() would
    otherwise try to shut down a Telegram Application that never started."""
    runtime.bot.ready.set()
    yield
    runtime.bot.ready.clear()


def samples(body: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def assert_no_secrets(body: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in body


async def test_live_answers_without_touching_dependencies(served):
    _, _, http = served
    response = await http.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_the_bot_but_does_not_depend_on_it(served):
    _, _, http = served
    response = await http.get("/health/ready")
    assert response.status_code == 200  # Telegram down must not take the Mini App offline
    checks = response.json()["checks"]
    assert {name: check["ok"] for name, check in checks.items()} == {
        "database": True,
        "cache": True,
        "cargotech_token": True,
        "bot": False,
        "cargotech_schema": True,
    }
    assert response.json()["status"] == "degraded"  # in rotation, with the bot reported down
    assert checks["cache"]["detail"] == "in-process"


async def test_readiness_follows_whether_cargotech_lets_us_in(served, sandbox, bot_started):
    runtime, _, http = served
    token = await runtime.tokens.get_token()
    assert (await http.get("/health/ready")).status_code == 200

    sandbox.revoke_tokens()
    sandbox.set_account(password="changed")
    # The revocation is noticed by the token probe loop (or a data call's 401): its re-login fails.
    with pytest.raises(CargoTechError):
        await runtime.tokens.probe()
    red = await http.get("/health/ready")
    assert red.status_code == 503
    assert red.json()["checks"]["cargotech_token"]["ok"] is False
    assert red.json()["checks"]["database"]["ok"] is True
    # Readiness itself retries the login, so it stays red while the password is wrong...
    assert (await http.get("/health/ready")).status_code == 503

    # ...and turns green by itself once the account works again, without any other traffic.
    sandbox.set_account(password=sandbox.password)
    green = await http.get("/health/ready")
    assert green.status_code == 200, green.text
    assert await runtime.tokens.get_token() != token

    for body in (red.text, green.text):
        assert_no_secrets(body, [sandbox.password, "changed", token, await runtime.tokens.get_token()])


async def test_metrics_expose_upstream_calls_and_runtime_state(served, sandbox):
    runtime, metrics, http = served
    for _ in range(3):
        await runtime.cargos.client.list_cargos(base_query())
    await runtime.cargos.list_page(base_query())  # a cache miss
    await runtime.cargos.list_page(base_query())  # a cache hit
    # What each upstream call was for: a driver's return loads, a driver's feed.
    await runtime.cargos.list_page(base_query(offset=20), caller=Caller(DRIVER_ID, Purpose.RETURN_LOADS))
    await runtime.cargos.list_page(base_query(offset=40), caller=Caller(DRIVER_ID, Purpose.FEED))

    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    found = samples(response.text)

    assert found[("cargotech_upstream_requests_total", frozenset({("endpoint", "list"), ("status", "200")}))] == 6
    assert found[("cargotech_upstream_latency_seconds_count", frozenset({("endpoint", "list")}))] == 6
    assert found[("cargotech_circuit_breaker_state", frozenset())] == 0
    assert found[("cargotech_rate_bucket_acquired_last_minute", frozenset())] >= 4
    assert ("cargotech_rate_bucket_throttled_total", frozenset()) in found
    assert found[("cargo_cache_lookups_total", frozenset({("kind", "list"), ("outcome", "hits")}))] == 1
    assert found[("cargo_cache_lookups_total", frozenset({("kind", "list"), ("outcome", "misses")}))] == 3
    assert found[("cargo_cache_fills_total", frozenset({("kind", "list"), ("purpose", "service")}))] == 1
    assert found[("cargo_cache_fills_total", frozenset({("kind", "list"), ("purpose", "return_loads")}))] == 1
    assert found[("cargo_cache_fills_total", frozenset({("kind", "list"), ("purpose", "feed")}))] == 1
    assert found[("bot_outbox_messages", frozenset({("status", "pending")}))] == 0
    assert found[("bot_outbox_messages", frozenset({("status", "dead")}))] == 0
    assert found[("cargotech_token_valid", frozenset())] == 1
    assert found[("telegram_bot_ready", frozenset())] == 0
    assert_no_secrets(response.text, [sandbox.password, await runtime.tokens.get_token()])

    window = metrics.snapshot()
    assert window["requests"] == 6
    assert 0 < window["p50_ms"] <= window["p95_ms"]
    assert sum(minute["requests"] for minute in window["per_minute"]) == 6


async def test_metrics_count_429s_and_transport_errors(served, sandbox):
    runtime, metrics, http = served
    sandbox.fault(kind="status", status=429, retry_after=1, count=1, path_prefix="/v2/cargos")
    await runtime.cargos.client.list_cargos(base_query())  # retried after the 429
    sandbox.fault(kind="hang", count=1, path_prefix="/v2/cargos")
    with pytest.raises(CargoTechError):  # our deadline cuts the hung call: a transport error
        await runtime.cargos.client.list_cargos(base_query(), deadline_s=0.5)
    sandbox.clear_faults()

    found = samples((await http.get("/metrics")).text)
    requests = {
        status: found.get(("cargotech_upstream_requests_total", frozenset({("endpoint", "list"), ("status", status)})))
        for status in ("200", "429")
    }
    assert requests == {"200": 1, "429": 1}
    assert found[("cargotech_upstream_requests_total", frozenset({("endpoint", "list"), ("status", "error")}))] >= 1
    assert sum(minute["throttled"] for minute in metrics.snapshot()["per_minute"]) == 1


def test_window_forgets_calls_older_than_five_minutes():
    now = [1_000_000.0]

    def clock() -> float:
        return now[0]

    metrics = UpstreamMetrics(clock=clock)
    for latency_ms in range(1, 101):
        metrics.upstream_call("list", 200, latency_ms / 1000)
    metrics.upstream_call("list", 429, 0.001)
    window = metrics.snapshot()
    assert (window["requests"], window["p50_ms"], window["p95_ms"]) == (101, 50.0, 95.0)
    assert len(window["per_minute"]) == 5 and window["per_minute"][-1]["throttled"] == 1

    now[0] += 301
    window = metrics.snapshot()
    assert (window["requests"], window["p50_ms"]) == (0, None)
    assert all(minute["requests"] == 0 for minute in window["per_minute"])


async def test_a_slow_login_bounds_readiness_and_finishes_in_the_background(runtime, sandbox):
    sandbox.fault(kind="latency", ms=3000, count=1, path_prefix="/v1/auth/login")
    loop = asyncio.get_running_loop()
    started = loop.time()
    ok, checks = await readiness(runtime)
    assert not ok and checks["cargotech_token"] == {"ok": False, "detail": "no answer within 2 s"}
    assert loop.time() - started < 2.5

    # The shielded login was not cancelled at the timeout: it completes and its token is kept.
    while (await runtime.tokens.status()).state != "valid":
        assert loop.time() - started < 6
        await asyncio.sleep(0.05)
    assert sandbox.stats()["logins_ok"] == 1


async def test_cache_check_pings_redis(make_runtime, redis_server):
    _, checks = await readiness(make_runtime(redis_url=redis_server.url))
    assert checks["cache"] == {"ok": True, "detail": "redis ok"}
