"""Figures that add up across processes: two runtimes (as two workers, or two instances) on one
Redis each count their own CargoTech calls and cache lookups; either answers /metrics and the
admin window with the sum. Without Redis a runtime shows its own figures."""

from __future__ import annotations

import redis
from prometheus_client.parser import text_string_to_metric_families

from services.feed.filters import PAGE_SIZE, base_query
from services.infra.metrics import render_metrics
from services.infra.shared_figures import cache_snapshot, cache_totals, deltas


def samples(body: bytes) -> dict[tuple[str, frozenset], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


LIST_200 = ("cargotech_upstream_requests_total", frozenset({("endpoint", "list"), ("status", "200")}))
LIST_COUNT = ("cargotech_upstream_latency_seconds_count", frozenset({("endpoint", "list")}))
INF_BUCKET = ("cargotech_upstream_latency_seconds_bucket", frozenset({("endpoint", "list"), ("le", "+Inf")}))


def misses(kind: str) -> tuple[str, frozenset]:
    return "cargo_cache_lookups_total", frozenset({("kind", kind), ("outcome", "misses")})


async def test_two_processes_on_one_redis_report_the_sum(make_runtime, redis_server, sandbox):
    redis.Redis.from_url(redis_server.url).flushall()
    a = make_runtime(redis_url=redis_server.url, instance_name="a")
    b = make_runtime(redis_url=redis_server.url, instance_name="b")
    # Different pages: each lookup misses the shared cache and calls CargoTech once.
    for runtime, pages in ((a, (0, 1, 2)), (b, (3, 4))):
        for page in pages:
            await runtime.cargos.list_page(base_query(offset=page * PAGE_SIZE))
    assert sandbox.stats()["list"] == 5
    local = samples(await render_metrics(a))  # b's counts are still in b: its periodic send has not run
    assert local[LIST_200] == 3
    await b.figures.flush()  # what the lifespan's periodic send does every second

    for runtime in (a, b):
        found = samples(await render_metrics(runtime))
        assert found[LIST_200] == 5
        assert found[LIST_COUNT] == 5 and found[INF_BUCKET] == 5
        assert found[misses("list")] == 5
        assert found[("app_figures_deployment_wide", frozenset())] == 1
        window, whole = await runtime.figures.window()
        assert whole and window["requests"] == 5
        assert sum(minute["requests"] for minute in window["per_minute"]) == 5
        assert await runtime.figures.reporting() == ["a", "b"]

    # Sending twice adds nothing: only what grew since the last send goes to Redis.
    await a.figures.flush()
    await a.figures.flush()
    assert samples(await render_metrics(b))[LIST_200] == 5


async def test_without_redis_a_process_reports_its_own(make_runtime, sandbox):
    runtime = make_runtime(instance_name="solo")
    await runtime.cargos.list_page(base_query())
    found = samples(await render_metrics(runtime))
    assert found[LIST_200] == 1 and found[misses("list")] == 1
    assert found[("app_figures_deployment_wide", frozenset())] == 0
    window, whole = await runtime.figures.window()
    assert not whole and window["requests"] == 1
    assert await runtime.figures.reporting() == ["solo"]


def test_cache_figures_round_trip_and_deltas():
    snapshot = {"detail": {"hits": 2, "misses": 1, "stale": 0}, "list": {"hits": 5, "misses": 3, "stale": 1}}
    assert cache_snapshot(cache_totals(snapshot)) == snapshot
    assert deltas({"x": 5.0, "y": 2.0, "z": 1.0}, {"x": 3.0, "y": 2.0}) == {"x": 2.0, "z": 1.0}
