"""Put real new-cargo alerts into a fake Telegram chat, for the screenshot test.

Run as `python -m tests.e2e.alert_chat_scenario SANDBOX_URL TELEGRAM_URL DB_URL DRIVER_ID` in its
own process: next to the browser tests, tests/e2e/telegram.py shadows python-telegram-bot.
The sandbox's clock is stepped so one cargo, then a burst (a digest) appear.
"""

from __future__ import annotations

import asyncio
import sys

import httpx

from services.infra.runtime import build_runtime
from services.infra.settings import load_settings


async def main(sandbox_url: str, telegram_url: str, database_url: str, driver_id: int) -> None:
    def clock(offset: float) -> None:
        httpx.post(f"{sandbox_url}/__control/clock", json={"offset_s": offset, "frozen": True}).raise_for_status()

    clock(0)
    runtime = build_runtime(
        load_settings(
            cargotech_base_url=sandbox_url,
            database_url=database_url,
            cargotech_login_interval_s=0.0,
            telegram_api_base_url=telegram_url,
            list_cache_fresh_s=1.0,
            outbox_max_backoff_s=1.0,
            dispatcher_chat_id=-1000000000001,
        )
    )
    try:
        await runtime.bot.start()
        await runtime.searches.create(driver_id, "Все грузы", {}, alerts=True)
        await runtime.alerts.poll_once()  # the baseline: nothing is sent
        for offset in (30, 140):  # a few new cargos (one message each), then a burst: a digest
            clock(offset)
            await asyncio.sleep(1.1)
            await runtime.alerts.poll_once()
        for _ in range(100):
            counts = await runtime.outbox.counts()
            if counts["pending"] == counts["sending"] == 0:
                break
            await asyncio.sleep(0.1)
    finally:
        await runtime.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
