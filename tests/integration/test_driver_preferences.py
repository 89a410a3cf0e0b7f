"""A driver's preferences (the feed's filters, the last phone) live in the database: a restart
without Redis keeps them, and the cache never holds them."""

from __future__ import annotations

import pytest

from services.drivers.store import DriverStore
from services.primitives.cache_backend import MemoryCache
from services.vocabulary import DriverDocument

FILTERS = {"from_name": "Казань", "weight_class": "1_3", "mode": "all", "truck_types": ["2"], "load_types": []}


async def test_a_restart_without_redis_keeps_the_filters_and_the_last_phone(make_runtime):
    before = make_runtime()
    assert before.settings.redis_url is None  # the in-process cache: gone with the process
    await before.drivers.set_feed_filters(700000901, FILTERS)
    await before.drivers.set_last_phone(700000901, "+79123456789")
    await before.aclose()

    after = make_runtime()  # a new process: a new, empty cache over the same database
    assert await after.drivers.feed_filters(700000901) == FILTERS
    assert await after.drivers.last_phone(700000901) == "+79123456789"
    assert await after.drivers.feed_filters(700000902) is None
    assert await after.drivers.last_phone(700000902) == ""


async def test_the_cache_never_holds_a_preference_and_a_new_value_replaces_the_old(runtime):
    await runtime.drivers.set_feed_filters(700000903, FILTERS)
    await runtime.drivers.set_feed_filters(700000903, {**FILTERS, "weight_class": "20"})
    assert (await runtime.drivers.feed_filters(700000903))["weight_class"] == "20"
    for name in DriverDocument.FILTERS, DriverDocument.PROFILE:
        assert await runtime.cache.get(f"driver:700000903:{name.value}") is None


async def test_short_lived_documents_stay_in_the_cache(runtime):
    await runtime.drivers.put(700000904, DriverDocument.FEED_VISIT, {"since": None, "last": 1.0})
    assert await runtime.cache.get("driver:700000904:feed_visit") is not None


async def test_a_store_without_a_database_refuses_preferences():
    with pytest.raises(RuntimeError, match="database"):
        await DriverStore(MemoryCache()).last_phone(1)
