"""The drift alarm: counters per endpoint, one alert per new signature across workers sharing a
cache, examples for the admin page, and a loss remembered for a window (fixed clock)."""

from __future__ import annotations

import logging

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.cargotech.reader import ParseReport
from services.cargotech.schema_drift import SchemaDrift
from services.infra.metrics import UpstreamMetrics
from services.primitives.cache_backend import MemoryCache
from services.primitives.locks import ProcessLocks
from tests.support.fakes import ManualClock, RecordingAlerts


def report(*issues: tuple[str, str, str, str], received: int = 20, endpoint: str = "list") -> ParseReport:
    found = ParseReport(endpoint, received=received)
    for kind, path, seen, cargo_id in issues:
        found.add(kind, path, seen, cargo_id)
    found.usable = received - found.count("skipped")
    return found


def build(cache, clock, alerts=None, metrics=None) -> SchemaDrift:
    return SchemaDrift(cache, ProcessLocks(), alerts or RecordingAlerts(), metrics, clock=clock, window_s=600)


SKIP = ("skipped", "points.start.city.name", "null", "2200000007")
COERCE = ("coerced", "price", "string", "2200000001")
DROP = ("dropped", "weight", "object", "2200000003")


async def test_one_alert_per_new_signature_across_workers_sharing_the_cache(caplog):
    clock, cache, alerts = ManualClock(1_795_000_000.0), MemoryCache(), RecordingAlerts()
    first, second = build(cache, clock, alerts), build(cache, clock, alerts)
    with caplog.at_level(logging.WARNING, "services.cargotech.schema_drift"):
        await first.parsed(report(SKIP, COERCE))
        await first.parsed(report(SKIP, COERCE))  # the same page from the cache's next refresh
        await second.parsed(report(SKIP, ("skipped", "points.start.city.name", "null", "2200000099")))
        await second.parsed(report(DROP))
    # Coerced spellings lose nothing: listed, never alerted.
    assert [(level, key) for level, key, _ in alerts.sent] == [
        ("error", "schema_drift:list:skipped:points.start.city.name:null"),
        ("warning", "schema_drift:list:dropped:weight:object"),
    ]
    assert "points.start.city.name" in alerts.sent[0][2] and "2200000007" in alerts.sent[0][2]
    # Each skipped item is logged once per process, with its id and path, however often its page is read.
    skipped_logs = [r.getMessage() for r in caplog.records if "skipped item" in r.getMessage()]
    assert skipped_logs == ["CargoTech list: skipped item 2200000007, field points.start.city.name is null"] * 2 + [
        "CargoTech list: skipped item 2200000099, field points.start.city.name is null"
    ]


async def test_examples_name_path_type_and_cargo_losses_first():
    clock, cache = ManualClock(1_795_000_000.0), MemoryCache()
    drift = build(cache, clock)
    await drift.parsed(report(COERCE))
    clock.now += 5
    await drift.parsed(report(SKIP, DROP))
    examples = await build(cache, clock).examples()  # another worker reads the same
    assert [(e["kind"], e["path"], e["seen"], e["cargo_id"]) for e in examples] == [SKIP, DROP, COERCE]


async def test_a_loss_degrades_for_the_window_then_passes():
    clock, cache = ManualClock(1_795_000_000.0), MemoryCache()
    drift = build(cache, clock)
    await drift.parsed(report(COERCE))
    assert await drift.loss() is None  # converted spellings are not a loss
    await drift.parsed(report(SKIP))
    loss = await drift.loss()
    assert loss.describe() == "list: 1 of 20 item(s) skipped, points.start.city.name (null), cargo 2200000007"
    clock.now += 601
    assert await drift.loss() is None


async def test_an_answer_with_nothing_usable_says_so():
    clock, cache = ManualClock(1_795_000_000.0), MemoryCache()
    drift = build(cache, clock)
    await drift.parsed(report(SKIP, ("skipped", "points.start", "absent", "2200000008"), received=2))
    assert (await drift.loss()).describe().startswith("list: nothing usable in 2 item(s), points.start.city.name")


async def test_counters_per_endpoint():
    metrics = UpstreamMetrics()
    drift = build(MemoryCache(), ManualClock(1_795_000_000.0), metrics=metrics)
    await drift.parsed(report(SKIP, COERCE, COERCE, DROP))
    await drift.parsed(report(("coerced", "id", "string", "1"), endpoint="detail", received=1))
    found = {
        (s.name, s.labels.get("endpoint")): s.value
        for family in text_string_to_metric_families(generate_latest(metrics.registry).decode())
        for s in family.samples
        if s.name.endswith("_total")
    }
    assert found[("cargotech_items_skipped_total", "list")] == 1
    assert found[("cargotech_fields_coerced_total", "list")] == 2
    assert found[("cargotech_fields_dropped_total", "list")] == 1
    assert found[("cargotech_fields_coerced_total", "detail")] == 1
    assert found[("cargotech_items_skipped_total", "detail")] == 0
