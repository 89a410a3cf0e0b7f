"""Tabs signing in at the same moment on different instances all get live updates."""

from __future__ import annotations

import asyncio

from services.drivers.presence import open_tabs, remember_tab
from services.drivers.store import DriverStore
from services.primitives.cache_backend import make_cache
from services.primitives.locks import make_locks
from services.primitives.redis_conn import make_redis_client


async def test_tabs_signing_in_together_on_two_instances_are_all_remembered(redis_server, redis_client):
    clients = [make_redis_client(redis_server.url) for _ in range(2)]  # two app instances
    instances = [(DriverStore(make_cache(client)), make_locks(client)) for client in clients]
    try:
        tokens = [f"tab-{n}" for n in range(4)]
        await asyncio.gather(*(remember_tab(*instances[n % 2], 42, token) for n, token in enumerate(tokens)))
        assert sorted(await open_tabs(instances[0][0], 42)) == tokens
    finally:
        for client in clients:
            await client.aclose()
