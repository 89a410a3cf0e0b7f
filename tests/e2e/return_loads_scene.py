"""Find a cargo with loads back in the sandbox and seed the market around it, for the browser test.

Run as `python -m tests.e2e.return_loads_scene SANDBOX_URL SCRATCH_DB_URL APP_DB_URL` in its own
process: next to the browser tests, tests/e2e/telegram.py shadows python-telegram-bot. Prints the
scene as JSON: the cargo, its loads back (best first), the unloading city and where the best load
back goes. Seeded rows' cargo ids start with SEEDED.

The cargo is one whose loads-back queries the app has never sent: the app may still hold such a
page, answered before the sandbox's clock moved here, and would rightly show it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time

import httpx
from sqlmodel import Session

from sandbox.state import query_key
from services.cargotech.models import CargoItem
from services.feed.cache import CargoService
from services.feed.cards import price_per_km
from services.infra.runtime import build_runtime
from services.infra.settings import load_settings
from services.infra.tables import engine_for
from services.market.lane_rates import LaneObservation, lane_of, moscow_day
from services.market.return_loads import LIMIT, ReturnQuery, day_query, return_query_for, select_return_loads

SEEDED = "88000000"


def observations(
    from_id: int, to_id: int, truck_class: str, per_km: int, days: list[dt.date], start: int, *, spread: int = 0
) -> list[LaneObservation]:
    now = dt.datetime.now(dt.UTC)
    return [
        LaneObservation(
            cargo_id=f"{SEEDED}{start + n:04d}",
            seen_day=day,
            seen_at=now,
            from_city_id=from_id,
            from_city="",
            to_city_id=to_id,
            to_city="",
            truck_class=truck_class,
            per_km=per_km + (n % 3) * spread,
            loading_date=day,
        )
        for n, day in enumerate(days)
    ]


async def all_loads_back(cargos: CargoService, cargo: CargoItem, query: ReturnQuery, today: dt.date) -> list[CargoItem]:
    """Loads back as the app finds them, but every day's page read in full: the app charges the
    driver's lookup budget and shows what it could get, this process scans many cargos and
    would run out of it. A failed call fails the scene instead of leaving a day out."""
    found: list[CargoItem] = []
    for day in query.days(today):
        try:
            params = day_query(query, day, today=today)
        except ValueError:
            continue
        found.extend((await cargos.list_page(params)).value.data)
    return select_return_loads(found, query, exclude=[cargo.id], limit=LIMIT)


def asked_before(query: ReturnQuery, today: dt.date, asked: set[str]) -> bool:
    for day in query.days(today):
        try:
            params = day_query(query, day, today=today)
        except ValueError:
            continue
        if query_key(params.items()) in asked:
            return True
    return False


async def main(sandbox_url: str, scratch_url: str, app_db_url: str) -> dict:
    today = moscow_day(time.time())
    # Read before this process sends any query of its own.
    asked = set(httpx.get(f"{sandbox_url}/__control/list_queries", timeout=10).raise_for_status().json()["queries"])
    runtime = build_runtime(
        load_settings(cargotech_base_url=sandbox_url, database_url=scratch_url, cargotech_login_interval_s=0.0)
    )
    try:
        page = await runtime.cargos.list_page(
            {"include": "contacts", "limit": "100", "offset": "0", "filter[mode]": "all", "filter[user_id]": "0"}
        )
        for item in page.value.data:
            detail = (await runtime.cargos.detail(item.id)).value
            query, lane, own = return_query_for(detail), lane_of(detail), price_per_km(detail)
            if query is None or lane is None or not own or not query.days(today) or asked_before(query, today, asked):
                continue
            loads = await all_loads_back(runtime.cargos, detail, query, today)
            best = loads[0] if loads else None
            if len(loads) < 2 or best is None or not best.points.finish.city.id:
                continue
            # The cargo pays 25 % over what the seeded market pays on its lane.
            rows = observations(lane.from_id, lane.to_id, lane.truck_class, round(own / 1.25), [today] * 6, 0)
            # Eight weeks of the return direction for the rates chart, thinner further back.
            back = [today - dt.timedelta(days=d) for d in range(56) if d % 7 < 7 - d // 14]
            rows += observations(
                query.city_id, best.points.finish.city.id, query.truck_class, round(own * 0.9), back, 100, spread=400
            )
            with Session(engine_for(app_db_url)) as session:
                session.add_all(rows)
                session.commit()
            return {
                "cargo_id": detail.id,
                "returns": [i.id for i in loads],
                "city": query.city_name,
                "to_city": best.points.finish.city.name,
            }
    finally:
        await runtime.aclose()
    raise SystemExit("no cargo in the sandbox's first 100 has two loads back the app has not asked for")


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:4])), ensure_ascii=False))
