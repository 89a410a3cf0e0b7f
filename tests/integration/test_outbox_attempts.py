"""A message is tried exactly OUTBOX_MAX_ATTEMPTS times before it becomes a dead letter: not one
more (a driver would wait a whole extra backoff), not one fewer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.telegram.testing import FakeTelegramServer
from services.dispatch.outbox import new_message
from services.vocabulary import OutboxKind

DRIVER = 700000888


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as server:
        yield server


async def deliver_until_settled(runtime) -> dict[str, int]:
    """Run the worker's steps by hand (no background loop) until the message is sent or dead."""
    bot = runtime.bot.application.bot
    async with bot:
        for _ in range(100):
            await runtime.bot.worker.step(bot)
            counts = await runtime.outbox.counts()
            if counts["sent"] or counts["dead"]:
                return counts
    raise AssertionError("the message neither went out nor died")


def send_attempts(telegram: FakeTelegramServer) -> int:
    return len([c for c in telegram.calls("sendMessage") if c["params"].get("chat_id") == DRIVER])


@pytest.mark.parametrize("failures", [2, 3, 10])
async def test_dead_after_exactly_max_attempts(make_runtime, telegram, failures):
    telegram.reset()
    runtime = make_runtime(telegram_api_base_url=telegram.url, outbox_max_attempts=3, outbox_max_backoff_s=0.001)
    telegram.fault(status=502, count=failures, method="sendMessage")
    await runtime.outbox.enqueue(new_message(OutboxKind.DRIVER, 1, DRIVER, "✅ Диспетчер принял ваш отклик"))

    counts = await deliver_until_settled(runtime)

    if failures < 3:  # the third try gets through
        assert (counts["sent"], counts["dead"], send_attempts(telegram)) == (1, 0, failures + 1)
    else:
        assert (counts["sent"], counts["dead"], send_attempts(telegram)) == (0, 1, 3)
        [dead] = await runtime.outbox.dead_letters()
        assert dead.attempts == 3
