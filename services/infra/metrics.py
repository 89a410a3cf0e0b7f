"""Prometheus metrics: CargoTech call counters/latency, schema drift counters, plus runtime state
read at scrape time.

`UpstreamMetrics` is the CargoTechClient's CallObserver. Besides the Prometheus series it keeps
the last five minutes of calls in memory so the admin page can chart latency and 429s without a
Prometheus server. Each instance owns its registry: tests build several runtimes per process
and the global default registry refuses duplicate metric names.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

if TYPE_CHECKING:
    from services.infra.runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")

WINDOW_S = 300
# The rate bucket caps CargoTech calls at ~600/min, so five minutes fit with room to spare;
# the cap only guards memory if that limit is ever raised.
MAX_SAMPLES = 10_000
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
SCRAPE_SOURCE_TIMEOUT_S = 2.0


class UpstreamMetrics:
    """A CallObserver (services.cargotech.client) feeding Prometheus and a 5-minute window."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "cargotech_upstream_requests",
            "HTTP exchanges with CargoTech by endpoint and status (status 'error' for transport failures).",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "cargotech_upstream_latency_seconds",
            "CargoTech response time, transport errors included.",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        # What the tolerant reader met in 200 answers (services.cargotech.schema_drift); per endpoint.
        self._skipped = Counter(
            "cargotech_items_skipped",
            "Items in CargoTech answers that could not be used (no id, no route, not an object).",
            ["endpoint"],
            registry=self.registry,
        )
        self._dropped = Counter(
            "cargotech_fields_dropped",
            "Optional fields left out because their value could not be read.",
            ["endpoint"],
            registry=self.registry,
        )
        self._coerced = Counter(
            "cargotech_fields_coerced",
            'Fields read from another spelling ("5000" for 5000, 0/1 for booleans, …).',
            ["endpoint"],
            registry=self.registry,
        )
        self._clock = clock
        self._samples: collections.deque[tuple[float, float, int | None]] = collections.deque(maxlen=MAX_SAMPLES)
        self._new: list[tuple[float, float, int | None]] = []
        self.keep_new = False  # set when something drains the new calls (shared figures over Redis)

    def upstream_call(self, endpoint: str, status: int | None, latency_s: float) -> None:
        self._requests.labels(endpoint, "error" if status is None else str(status)).inc()
        self._latency.labels(endpoint).observe(latency_s)
        now = self._clock()
        self._samples.append((now, latency_s, status))
        if self.keep_new and len(self._new) < MAX_SAMPLES:
            self._new.append((now, latency_s, status))
        self._forget_before(now - WINDOW_S)

    def schema_issues(self, endpoint: str, *, skipped: int, dropped: int, coerced: int) -> None:
        for counter, amount in ((self._skipped, skipped), (self._dropped, dropped), (self._coerced, coerced)):
            counter.labels(endpoint).inc(amount)

    def snapshot(self) -> dict[str, Any]:
        """{"window_s", "requests", "p50_ms", "p95_ms", "per_minute": [{"minute", "requests", "throttled"}]}.

        `per_minute` lists the last five wall-clock minutes oldest first, empty ones included,
        so a chart has a fixed x axis; `minute` is its start in epoch seconds. p50/p95 are None
        when there were no calls.
        """
        now = self._clock()
        self._forget_before(now - WINDOW_S)
        return window_snapshot(self._samples, now)

    def drain_new(self) -> list[tuple[float, float, int | None]]:
        """The calls seen since the last drain (services.infra.shared_figures sends them to Redis)."""
        fresh, self._new = self._new, []
        return fresh

    def put_back(self, calls: list[tuple[float, float, int | None]]) -> None:
        """Calls a failed send could not deliver: sent with the next ones (bounded like the window)."""
        self._new = (calls + self._new)[-MAX_SAMPLES:]

    def totals(self) -> dict[str, float]:
        """This process's counters since it started, flat (see services.infra.shared_figures for the keys)."""
        out: dict[str, float] = {}
        for family in self.registry.collect():
            for sample in family.samples:
                key = _total_key(sample.name, sample.labels)
                if key is not None:
                    out[key] = sample.value
        return out

    def _forget_before(self, cutoff: float) -> None:
        while self._samples and self._samples[0][0] < cutoff:
            self._samples.popleft()


def window_snapshot(calls: Iterable[tuple[float, float, int | None]], now: float) -> dict[str, Any]:
    """The admin figures over (at, latency_s, status) calls of the last WINDOW_S seconds."""
    recent = [call for call in calls if call[0] >= now - WINDOW_S]
    latencies = sorted(latency for _, latency, _ in recent)
    current = int(now // 60) * 60
    minutes = {
        start: {"minute": start, "requests": 0, "throttled": 0} for start in range(current - WINDOW_S + 60, current + 1, 60)
    }
    for at, _, status in recent:
        bucket = minutes.get(int(at // 60) * 60)
        if bucket is not None:  # the window's oldest seconds fall in a sixth, partial minute
            bucket["requests"] += 1
            bucket["throttled"] += status == 429
    return {
        "window_s": WINDOW_S,
        "requests": len(latencies),
        "p50_ms": _percentile_ms(latencies, 50),
        "p95_ms": _percentile_ms(latencies, 95),
        "per_minute": list(minutes.values()),
    }


# Counter names in services.infra.shared_figures' flat totals: "<kind>|<label>|<label>".
_TOTAL_KINDS = {
    "cargotech_upstream_requests_total": ("req", ("endpoint", "status")),
    "cargotech_upstream_latency_seconds_bucket": ("lat_bucket", ("endpoint", "le")),
    "cargotech_upstream_latency_seconds_sum": ("lat_sum", ("endpoint",)),
    "cargotech_upstream_latency_seconds_count": ("lat_count", ("endpoint",)),
    "cargotech_items_skipped_total": ("skipped", ("endpoint",)),
    "cargotech_fields_dropped_total": ("dropped", ("endpoint",)),
    "cargotech_fields_coerced_total": ("coerced", ("endpoint",)),
}


def _total_key(name: str, labels: dict[str, str]) -> str | None:
    kind = _TOTAL_KINDS.get(name)
    if kind is None:  # *_created timestamps: not something to add up
        return None
    return "|".join([kind[0], *(labels[label] for label in kind[1])])


def _percentile_ms(ordered: list[float], pct: int) -> float | None:
    """Nearest-rank percentile: always a latency that was actually observed."""
    if not ordered:
        return None
    return round(ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)] * 1000, 1)


class _Families:
    """Adapts already-built metric families to what generate_latest expects."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


async def render_metrics(runtime: Runtime) -> bytes:
    """Prometheus text exposition (format 0.0.4): upstream series plus the runtime's current state.

    Counters are the whole deployment's when Redis is configured (services.infra.shared_figures), so
    any worker of any instance answers a scrape with the same totals. A source that fails or
    hangs (database, Redis) drops only its own series, so one broken dependency does not blank
    the whole scrape.
    """
    bucket, outbox, token, shared = await asyncio.gather(
        _read("rate bucket", runtime.bucket.snapshot()),
        _read("outbox", runtime.outbox.counts()),
        _read("token", runtime.tokens.status()),
        _read("shared figures", runtime.figures.totals()),
    )
    totals, whole = shared if shared is not None else (runtime.figures.local_totals(), False)
    families: list[Metric] = [
        *counter_families(totals),
        _gauge(
            "app_figures_deployment_wide",
            "1 when counters add up every worker of every instance (Redis), 0 when they are this process's own.",
            whole,
        ),
        _gauge(
            "cargotech_circuit_breaker_state",
            "0 closed, 1 half_open, 2 open.",
            BREAKER_STATES[str(runtime.breaker.snapshot()["state"])],
        ),
        _gauge("telegram_bot_ready", "1 once Telegram answered the bot's start-up.", runtime.bot.ready.is_set()),
    ]
    if bucket is not None:
        families.append(
            _gauge(
                "cargotech_rate_bucket_acquired_last_minute",
                "Calls admitted in the last 60 s (all workers when Redis is shared).",
                bucket["acquired_last_minute"],
            )
        )
        throttled = CounterMetricFamily(
            "cargotech_rate_bucket_throttled", "Acquires that found no token at once (waited or gave up)."
        )
        throttled.add_metric([], bucket["throttled_total"])
        families.append(throttled)
    if outbox is not None:
        queued = GaugeMetricFamily(
            "bot_outbox_messages", "Outbox messages by status (sent omitted: it only grows).", labels=["status"]
        )
        for status in ("pending", "sending", "dead"):
            queued.add_metric([status], outbox[status])
        families.append(queued)
    if token is not None:
        families.append(
            _gauge(
                "cargotech_token_valid",
                "1 if the shared CargoTech token is valid or expiring.",
                token.state in ("valid", "expiring"),
            )
        )
    return generate_latest(_Families(families))


def counter_families(totals: dict[str, float]) -> list[Metric]:
    """The upstream and cache series from flat totals (UpstreamMetrics.totals, shared_figures)."""
    requests = CounterMetricFamily(
        "cargotech_upstream_requests",
        "HTTP exchanges with CargoTech by endpoint and status (status 'error' for transport failures).",
        labels=["endpoint", "status"],
    )
    issues = {
        "skipped": CounterMetricFamily(
            "cargotech_items_skipped",
            "Items in CargoTech answers that could not be used (no id, no route, not an object).",
            labels=["endpoint"],
        ),
        "dropped": CounterMetricFamily(
            "cargotech_fields_dropped", "Optional fields left out because their value could not be read.", labels=["endpoint"]
        ),
        "coerced": CounterMetricFamily(
            "cargotech_fields_coerced",
            'Fields read from another spelling ("5000" for 5000, 0/1 for booleans, …).',
            labels=["endpoint"],
        ),
    }
    cache = CounterMetricFamily("cargo_cache_lookups", "Cargo cache lookups by kind and outcome.", labels=["kind", "outcome"])
    fills = CounterMetricFamily(
        "cargo_cache_fills",
        "Upstream calls the cache started, by kind and what for (a driver's purpose, service, refresh).",
        labels=["kind", "purpose"],
    )
    buckets: dict[str, dict[str, float]] = {}
    sums: dict[str, float] = {}
    for key in sorted(totals):
        kind, *labels = key.split("|")
        value = totals[key]
        if kind == "req":
            requests.add_metric(labels, value)
        elif kind in issues:
            issues[kind].add_metric(labels, value)
        elif kind == "cache":
            cache.add_metric(labels, value)
        elif kind == "fill":
            fills.add_metric(labels, value)
        elif kind == "lat_bucket":
            buckets.setdefault(labels[0], {})[labels[1]] = value
        elif kind == "lat_sum":
            sums[labels[0]] = value
    latency = HistogramMetricFamily(
        "cargotech_upstream_latency_seconds", "CargoTech response time, transport errors included.", labels=["endpoint"]
    )
    for endpoint, by_le in sorted(buckets.items()):
        ordered = sorted(by_le.items(), key=lambda item: float(item[0]))  # "+Inf" sorts last
        latency.add_metric([endpoint], [(le, count) for le, count in ordered], sums.get(endpoint, 0.0))
    return [requests, latency, *issues.values(), cache, fills]


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


async def _read(source: str, pending: Awaitable[T]) -> T | None:
    try:
        return await asyncio.wait_for(pending, SCRAPE_SOURCE_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - a scrape must survive any one source
        log.warning("metrics: %s unavailable (%s)", source, type(exc).__name__)
        return None
