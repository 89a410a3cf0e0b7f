"""The shared cargo cache: coalescing, stale-while-revalidate, outages, Redis down."""

import asyncio

import pytest

from services.cargotech.errors import CargoNotFound, CargoTechUnavailable
from services.feed.filters import base_query, build_query, validate_filters
from services.feed.loading import load_feed_page
from services.vocabulary import DriverDocument


async def test_fifty_concurrent_cold_requests_make_one_upstream_call(runtime, sandbox):
    query = base_query()
    served = await asyncio.gather(*(runtime.cargos.list_page(query) for _ in range(50)))
    assert sandbox.stats()["list"] == 1
    assert len({tuple(s.value.data[i].id for i in range(20)) for s in served}) == 1


async def test_equal_filters_share_an_entry(runtime, sandbox):
    a = build_query(validate_filters({"truck_types": "3,1", "weight_class": "15_20"}))
    b = build_query(validate_filters({"truck_types": [1, 3], "weight_class": "custom", "custom_wv": "20-83"}))
    await runtime.cargos.list_page(a)
    await runtime.cargos.list_page(b)
    assert sandbox.stats()["list"] == 1


async def test_an_entry_read_again_unchanged_is_not_decoded_again(make_runtime, sandbox):
    runtime = make_runtime(list_cache_fresh_s=0.3)
    first = await runtime.cargos.list_page(base_query())
    again = await runtime.cargos.list_page(base_query())
    assert again.value is first.value  # the decoded copy, not a new one built from JSON
    await asyncio.sleep(0.4)
    await runtime.cargos.list_page(base_query())  # past its window: refreshed in the background
    await runtime.cargos.settle()
    newest = await runtime.cargos.list_page(base_query())
    assert newest.fetched_at > first.fetched_at and newest.value is not first.value


async def test_stale_while_revalidate(make_runtime, sandbox):
    runtime = make_runtime(list_cache_fresh_s=0.3)
    first = await runtime.cargos.list_page(base_query())
    await asyncio.sleep(0.4)
    again = await runtime.cargos.list_page(base_query())  # served at once from the old entry
    assert again.fetched_at == first.fetched_at and not again.stale
    await asyncio.sleep(0.3)  # the background refresh lands
    assert sandbox.stats()["list"] == 2
    newest = await runtime.cargos.list_page(base_query())
    assert newest.fetched_at > first.fetched_at


async def test_outage_serves_stale_with_its_flag_then_recovers(make_runtime, sandbox):
    runtime = make_runtime(list_cache_fresh_s=0.2, breaker_failure_threshold=3, breaker_reset_s=1.0)
    good = await runtime.cargos.list_page(base_query())
    sandbox.fault(kind="status", status=503, duration_s=4)
    await asyncio.sleep(0.3)
    seen_stale = False
    for _ in range(30):  # drivers keep scrolling during the outage
        served = await runtime.cargos.list_page(base_query())
        assert served.value.data[0].id == good.value.data[0].id
        seen_stale |= served.stale
        await asyncio.sleep(0.1)
    assert seen_stale and runtime.breaker.state == "open"
    assert runtime.cargos.stats.snapshot()["list"]["stale"] > 0
    await asyncio.sleep(2.0)  # the outage ends; the breaker half-opens and probes
    for _ in range(10):
        served = await runtime.cargos.list_page(base_query())
        if not served.stale and served.fetched_at > good.fetched_at:
            break
        await asyncio.sleep(0.3)
    assert not served.stale and served.fetched_at > good.fetched_at
    assert runtime.breaker.state == "closed"


async def test_cold_miss_during_outage_is_a_russian_error(runtime, sandbox):
    await runtime.cargos.truck_types()
    sandbox.fault(kind="status", status=503, count=100, path_prefix="/v2/cargos")
    with pytest.raises(CargoTechUnavailable) as caught:
        await runtime.cargos.list_page(base_query())
    assert "недоступен" in caught.value.user_message


async def test_details_and_gone_cargo(runtime, sandbox):
    page = (await runtime.cargos.list_page(base_query())).value
    first = await runtime.cargos.detail(page.data[0].id)
    again = await runtime.cargos.detail(page.data[0].id)
    assert first.value.id == again.value.id and sandbox.stats()["detail"] == 1
    for _ in range(3):
        with pytest.raises(CargoNotFound):
            await runtime.cargos.detail("1000000001")
    assert sandbox.stats()["detail"] == 2  # "gone" is remembered briefly


async def test_dictionaries_are_cached(runtime, sandbox):
    for _ in range(5):
        await runtime.cargos.truck_types()
        await runtime.cargos.points("  КАЗ ")
        await runtime.cargos.points("каз")
    stats = sandbox.stats()
    assert stats["truck_types"] == 1 and stats["points"] == 1


async def test_feed_page_cards_come_from_upstream(runtime):
    upstream = await runtime.cargos.client.list_cargos(base_query())
    feed = await load_feed_page(runtime.cargos)
    assert [card["id"] for card in feed.cards] == [item.id for item in upstream.data]
    assert feed.total == upstream.total and feed.next_offset == 20 and not feed.stale
    assert all(card["weight"].endswith(("\u00a0т", "\u00a0кг")) and "→" in card["route"] for card in feed.cards)


async def test_redis_shared_cache_and_redis_down_falls_through(make_runtime, sandbox, caplog):
    from tests.support.redis_server import RedisServer

    with RedisServer() as redis_server:
        a = make_runtime(redis_url=redis_server.url)
        b = make_runtime(redis_url=redis_server.url)  # another worker on the same Redis
        await a.cargos.list_page(base_query())
        await b.cargos.list_page(base_query())
        assert sandbox.stats()["list"] == 1  # b was served from a's entry

        redis_server.stop()
        with caplog.at_level("WARNING"):
            for offset in (0, 20, 40):
                served = await b.cargos.list_page(base_query(offset=offset))
                assert len(served.value.data) == 20  # drivers see no error
        assert "Redis unavailable" in caplog.text
        redis_server.start()


async def test_per_driver_data_is_kept_per_driver(runtime):
    await runtime.drivers.put(1, DriverDocument.FILTERS, {"weight_class": "20", "from_name": "Казань"})
    await runtime.drivers.put(2, DriverDocument.FILTERS, {"weight_class": "1_3"})
    assert await runtime.drivers.get(1, DriverDocument.FILTERS) == {"weight_class": "20", "from_name": "Казань"}
    assert (await runtime.drivers.get(2, DriverDocument.FILTERS))["weight_class"] == "1_3"
    assert await runtime.drivers.get(3, DriverDocument.FILTERS) is None
