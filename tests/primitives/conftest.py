"""Primitives run against a real throwaway redis-server: one per session, plus one per test that stops it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis

from services.primitives.redis_conn import make_redis_client
from tests.support.redis_server import RedisServer


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def flaky_redis() -> Iterator[RedisServer]:
    """A server of the test's own, free to stop and start."""
    with RedisServer() as server:
        yield server


@pytest.fixture
async def flaky_client(flaky_redis: RedisServer) -> AsyncIterator[Redis]:
    client = make_redis_client(flaky_redis.url)
    yield client
    await client.aclose()


@pytest.fixture
def unique() -> str:
    """A key namespace no other test (or leftover process) uses."""
    return f"test:{uuid.uuid4().hex}:"
