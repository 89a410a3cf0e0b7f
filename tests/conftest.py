"""Fixtures shared by every test layer: one real redis-server per session and a clean client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from services.primitives.redis_conn import make_redis_client
from tests.support.redis_server import RedisServer

# The session's throwaway PostgreSQL cluster (`postgres_url`), for every layer that needs one.
pytest_plugins = ["tests.support.postgres_server"]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
async def redis_client(redis_server: RedisServer) -> AsyncIterator[Redis]:
    client = make_redis_client(redis_server.url)
    await client.flushdb()
    yield client
    await client.aclose()
