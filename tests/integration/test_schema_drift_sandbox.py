"""Against the drifted sandbox over HTTP: every page of 20 shows its usable items, and the drift
shows up for admins (readiness, metrics, one bot alert per signature, the admin page's lines)."""

from __future__ import annotations

import json
import re

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from services.cargotech.schema_drift import admin_rows, admin_status
from services.dispatch.outbox import OutboxMessage
from services.feed.filters import base_query
from services.feed.loading import load_feed_page
from services.infra.db import run_db
from services.infra.health import readiness
from services.infra.metrics import render_metrics

ADMIN_CHAT = -1001234567890
PAGES = 10


def pin(sandbox, spelling: str) -> None:
    sandbox.set_spelling(spelling)
    sandbox.set_clock(0, frozen=True)  # the pinned moment, held still: the same sample every run


def has_route(raw: dict) -> bool:
    """Independently of our reader: both ends of the route name a city."""
    points = raw.get("points")
    if not isinstance(points, dict):
        return False
    ends = [points.get("start"), points.get("finish")]
    return all(isinstance(end, dict) and isinstance(end.get("city"), dict) and end["city"].get("name") for end in ends)


async def alert_texts(runtime) -> list[str]:
    rows = await run_db(
        runtime.searches._engine, lambda s: list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "alert")).all())
    )
    return [json.loads(row.payload)["text"] for row in rows]


async def test_every_page_of_20_shows_its_usable_items(sandbox, runtime):
    pin(sandbox, "drifted")
    token = sandbox.login()
    skipped = 0
    offset = 0
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:
        for _ in range(PAGES):
            page = await load_feed_page(runtime.cargos, offset=offset)
            raw = http.get("/v2/cargos/views", params=base_query(offset=offset)).json()
            usable = [str(item["id"]) for item in raw["data"] if has_route(item)]
            assert [card["id"] for card in page.cards] == usable
            assert page.total == int(raw["meta"]["size"])  # the total, sent as a string, is read
            assert page.next_offset == offset + 20
            skipped += len(raw["data"]) - len(usable)
            offset = page.next_offset
    assert skipped >= 2  # the sample holds unusable items, or this test would prove nothing


async def test_drift_shows_in_readiness_metrics_one_alert_and_the_admin_lines(sandbox, make_runtime):
    pin(sandbox, "drifted")
    runtime = make_runtime(admin_chat_id=ADMIN_CHAT)
    for offset in range(0, 20 * PAGES, 20):
        await load_feed_page(runtime.cargos, offset=offset)

    ok, checks = await readiness(runtime)
    schema = checks["cargotech_schema"]
    assert ok is True and schema["ok"] is False  # reported, not taken out of rotation
    assert schema["detail"].startswith("list: ") and "points." in schema["detail"]
    assert re.search(r", cargo \d{10}$", schema["detail"])

    found = {
        (s.name, s.labels.get("endpoint")): s.value
        for family in text_string_to_metric_families((await render_metrics(runtime)).decode())
        for s in family.samples
    }
    assert found[("cargotech_items_skipped_total", "list")] >= 2
    assert found[("cargotech_fields_coerced_total", "list")] > 100

    texts = await alert_texts(runtime)
    examples = await runtime.drift.examples()
    losses = [e for e in examples if e["kind"] == "skipped"]
    assert losses and len(texts) == len(losses)  # one alert per loss signature, not per item or page
    assert all("points." in text and "груз пропущен" in text for text in texts)

    status = admin_status(await runtime.drift.loss(), examples)
    assert status.startswith("Формат ответов изменился: список — пропущено") and "points." in status
    rows = admin_rows(examples, str)
    assert rows[0]["kind"] == "груз пропущен" and rows[0]["cargo_id"].isdigit()
    assert rows[0]["line"] == f"груз пропущен · список · груз {rows[0]['cargo_id']} · {rows[0]['at']}"
    assert {"id", "weight", "meta.size"} <= {row["path"] for row in rows if row["kind_code"] == "coerced"}

    # The same drift again (a detail, more pages) alerts no more.
    await runtime.cargos.detail(losses[0]["cargo_id"])
    for offset in range(20 * PAGES, 20 * (PAGES + 3), 20):
        await load_feed_page(runtime.cargos, offset=offset)
    assert len(await alert_texts(runtime)) == len(
        {e["path"] + e["seen"] for e in await runtime.drift.examples() if e["kind"] == "skipped"}
    )


async def test_two_workers_on_redis_alert_once_per_signature(sandbox, make_runtime, redis_server, redis_client):
    pin(sandbox, "drifted")
    first = make_runtime(admin_chat_id=ADMIN_CHAT, redis_url=redis_server.url)
    second = make_runtime(admin_chat_id=ADMIN_CHAT, redis_url=redis_server.url)
    for offset in range(0, 20 * PAGES, 20):  # each worker reads the pages itself: distinct queries
        await load_feed_page(first.cargos, offset=offset)
        await first.cargos.client.list_cargos(base_query(offset=offset))
        await second.cargos.client.list_cargos(base_query(offset=offset))
    texts = await alert_texts(first)
    assert texts and len(texts) == len(set(texts))
    assert (await readiness(second))[1]["cargotech_schema"]["ok"] is False  # the loss is shared


async def test_the_plain_sandbox_reads_without_drift(sandbox, make_runtime):
    pin(sandbox, "plain")
    runtime = make_runtime(admin_chat_id=ADMIN_CHAT)
    for offset in range(0, 60, 20):
        page = await load_feed_page(runtime.cargos, offset=offset)
        assert len(page.cards) == 20
    await runtime.cargos.detail(page.cards[0]["id"])
    assert await runtime.drift.examples() == []
    assert (await readiness(runtime))[1]["cargotech_schema"] == {"ok": True, "detail": "ok"}
    assert await alert_texts(runtime) == []
    assert admin_status(None, []) == "Ответы CargoTech читаются без отличий"
