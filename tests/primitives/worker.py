"""A worker process for test_across_processes: shares a Redis bucket or lock with its siblings.

    python -m tests.primitives.worker bucket REDIS_URL KEY LIMIT BURST SECONDS
    python -m tests.primitives.worker lock REDIS_URL PREFIX ROUNDS

It prints "ready", waits for a line on stdin so that siblings start together, then prints one JSON
line: wall-clock acquisition times (bucket) or [enter, exit] pairs (lock). Wall-clock time is
comparable across processes on one machine.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from services.primitives.locks import RedisLocks
from services.primitives.rate_bucket import RateBudgetExceeded, RedisRateBucket
from services.primitives.redis_conn import make_redis_client


async def spend_budget(url: str, key: str, limit: int, burst: int, seconds: float) -> list[float]:
    client = make_redis_client(url)
    bucket = RedisRateBucket(client, key=key, limit=limit, burst=burst)
    deadline = time.monotonic() + seconds
    granted: list[float] = []

    async def hammer() -> None:
        while True:
            try:
                await bucket.acquire(timeout_s=deadline - time.monotonic())
            except RateBudgetExceeded:
                return
            granted.append(time.time())

    await asyncio.gather(*(hammer() for _ in range(3)))
    await client.aclose()
    return granted


async def take_turns(url: str, prefix: str, rounds: int) -> list[tuple[float, float]]:
    client = make_redis_client(url)
    locks = RedisLocks(client, prefix=prefix, poll_s=0.005)
    held: list[tuple[float, float]] = []
    for _ in range(rounds):
        async with locks.hold("login", ttl_s=5, wait_s=10):
            entered = time.time()
            await asyncio.sleep(0.02)
            held.append((entered, time.time()))
        await asyncio.sleep(0.01)  # give the sibling a chance to take its turn
    await client.aclose()
    return held


def main(mode: str, url: str, *args: str) -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    if mode == "bucket":
        key, limit, burst, seconds = args
        result: object = asyncio.run(spend_budget(url, key, int(limit), int(burst), float(seconds)))
    else:
        prefix, rounds = args
        result = asyncio.run(take_turns(url, prefix, int(rounds)))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
