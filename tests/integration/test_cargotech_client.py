"""The CargoTech client against the sandbox, over real HTTP."""

import asyncio
import time

import pytest

from services.cargotech.errors import CargoNotFound, CargoTechUnavailable, InvalidCargoId
from services.feed.filters import base_query


async def test_first_page_and_paging(runtime, sandbox):
    client = runtime.cargos.client
    first = await client.list_cargos(base_query())
    assert len(first.data) == 20 and first.total and first.total >= 2000
    second = await client.list_cargos(base_query(offset=first.next_offset()))
    assert {c.id for c in first.data}.isdisjoint(c.id for c in second.data)
    assert sandbox.stats()["login"] == 1  # one login serves every call


async def test_detail_has_what_the_list_lacks(runtime):
    client = runtime.cargos.client
    page = await client.list_cargos(base_query(limit=50))
    assert all(item.points.start.address is None for item in page.data)
    details = [await client.get_cargo(item.id) for item in page.data[:10]]
    assert all(d.points.start.address and d.points.finish.address for d in details)
    assert any(d.extra.note for d in details)
    assert all(d.shipper and d.shipper.inn for d in details)


async def test_gone_cargo_is_not_found_and_not_an_outage(runtime):
    for _ in range(8):  # more than the breaker's threshold
        with pytest.raises(CargoNotFound):
            await runtime.cargos.client.get_cargo("1000000001")
    assert runtime.breaker.state == "closed"


@pytest.mark.parametrize("bad", ["12a", "../v1/me", "1 OR 1=1", ""])
async def test_bad_ids_never_reach_a_url(runtime, sandbox, bad):
    before = sandbox.stats()["total"]
    with pytest.raises(InvalidCargoId):
        await runtime.cargos.client.get_cargo(bad)
    assert sandbox.stats()["total"] == before


async def test_dictionaries(runtime):
    client = runtime.cargos.client
    points = await client.search_points("Каз")
    assert any(p.name.startswith("Казань") for p in points)
    assert {t.name for t in await client.truck_types()} >= {"тент", "рефрижератор"}
    assert len(await client.load_types()) >= 3


async def test_transient_errors_are_retried(runtime, sandbox):
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="status", status=503, count=2, path_prefix="/v2/cargos")
    assert len((await client.list_cargos(base_query())).data) == 20
    assert sandbox.stats()["list"] == 3


async def test_retry_after_is_honoured(runtime, sandbox):
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="status", status=429, count=1, retry_after=2, path_prefix="/v2/cargos")
    started = time.monotonic()
    assert len((await client.list_cargos(base_query())).data) == 20
    assert time.monotonic() - started >= 2.0  # not the 0.5 s backoff: the server asked for 2 s
    assert sandbox.stats()["list"] == 2


async def test_retries_stop_at_the_callers_deadline(runtime, sandbox):
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="status", status=503, count=50, path_prefix="/v2/cargos")
    before = sandbox.stats()["list"]
    started = time.monotonic()
    with pytest.raises(CargoTechUnavailable) as caught:
        await client.list_cargos(base_query(), deadline_s=1.0)
    # A handful of tries within the second, not the 50 the fault would answer (a loaded machine
    # may run late, so the time bound is loose; the count is the exact part).
    assert 1 <= sandbox.stats()["list"] - before <= 4
    assert time.monotonic() - started < 5
    assert caught.value.user_message.startswith("Сервис временно недоступен")
    assert sandbox.stats()["list"] <= 2  # 0.5 s fits once; 1.5 s more would pass the deadline


async def test_an_outage_is_not_blamed_on_our_budget_when_the_retry_finds_it_spent(make_runtime, sandbox):
    # A budget of 31/min: 30 at once, then almost nothing, so a retry finds no token in time.
    runtime = make_runtime(cargotech_rate_limit_per_min=31)
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="status", status=503, count=1, path_prefix="/v2/cargos")
    while (await runtime.bucket.snapshot())["available"] > 1:
        await runtime.bucket.try_take()  # other drivers have spent all but one request
    with pytest.raises(CargoTechUnavailable) as caught:
        await client.list_cargos(base_query(), deadline_s=3.0)
    assert caught.value.user_message == "Сервис временно недоступен. Попробуйте позже."
    assert sandbox.stats()["list"] == 1  # the 503; no token was left for a retry


async def test_a_hanging_call_gives_up_at_the_deadline(runtime, sandbox):
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="hang", count=1, path_prefix="/v2/cargos")
    started = time.monotonic()
    with pytest.raises(CargoTechUnavailable):
        await client.list_cargos(base_query(), deadline_s=1.0)
    assert time.monotonic() - started < 2.0


async def test_malformed_json_is_unavailable_not_a_crash(runtime, sandbox):
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="malformed", count=1, path_prefix="/v2/cargos")
    with pytest.raises(CargoTechUnavailable):
        await client.list_cargos(base_query())
    assert len((await client.list_cargos(base_query())).data) == 20


async def test_breaker_opens_on_outage_and_never_on_404(make_runtime, sandbox):
    runtime = make_runtime(breaker_failure_threshold=3, breaker_reset_s=1.0)
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.fault(kind="status", status=503, count=100, path_prefix="/v2/cargos")
    with pytest.raises(CargoTechUnavailable):
        await client.list_cargos(base_query(), deadline_s=3.0)
    assert runtime.breaker.state == "open"
    calls = sandbox.stats()["list"]
    with pytest.raises(CargoTechUnavailable):
        await client.list_cargos(base_query(), deadline_s=0.2)
    assert sandbox.stats()["list"] == calls  # open: fails fast without calling
    sandbox.clear_faults()
    await asyncio.sleep(1.1)
    assert len((await client.list_cargos(base_query())).data) == 20  # the half-open probe
    assert runtime.breaker.state == "closed"
