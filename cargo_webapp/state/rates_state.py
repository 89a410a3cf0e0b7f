"""«Ставки по направлению»: the weekly median and spread of ₽/км for the feed's current direction.
Thin: the numbers come from services/market/lane_rates.py and services/market/lane_chart.py."""

from __future__ import annotations

import logging

import reflex as rx

from cargo_webapp.state.session_state import current_driver
from services import formatting as fmt
from services.client_numbers import client_digits
from services.feed.filters import WEIGHT_CLASS_LABELS, WEIGHT_CLASSES
from services.infra.runtime import get_runtime
from services.market.lane_chart import chart_bars
from services.market.lane_rates import ANY_CLASS, MIN_OBSERVATIONS, WINDOW_DAYS, Lane

log = logging.getLogger(__name__)
CHOOSE_DIRECTION = "Выберите в фильтрах ленты, откуда и куда: ставки считаются по направлению."


class RatesState(rx.State):
    title: str = ""  # «Москва → Казань · 15–20 т»
    summary: str = ""  # «Медиана за 14 дней: 52 ₽/км, половина грузов 48–56 ₽/км (37 грузов)»
    bars: list[dict[str, str]] = []
    note: str = ""
    loaded: bool = False

    @rx.event
    async def load(self):
        driver = await current_driver(self)
        if driver is None:
            return
        from cargo_webapp.state.feed_state import FeedState

        form = (await self.get_state(FeedState)).form
        from_id = client_digits(form.get("from_id"), max_digits=12)
        to_id = client_digits(form.get("to_id"), max_digits=12)
        self.bars, self.summary, self.note, self.title = [], "", "", ""
        if from_id is None or to_id is None:
            self.note, self.loaded = CHOOSE_DIRECTION, True
            return
        weight = form.get("weight_class", ANY_CLASS)
        truck_class = weight if weight in WEIGHT_CLASSES else ANY_CLASS
        route = f"{form.get('from_name') or '—'} → {form.get('to_name') or '—'}"
        self.title = route if truck_class == ANY_CLASS else f"{route} · {WEIGHT_CLASS_LABELS[truck_class]}"
        lane = Lane(int(from_id), int(to_id), truck_class)
        rates = get_runtime().lane_rates
        try:
            stats = (await rates.stats_for([lane], recheck_few=True))[lane]
            weeks = await rates.weekly(lane)
        except Exception:  # noqa: BLE001 - the database is down: say so rather than fail the page
            log.exception("rates page: could not read the lane")
            self.note, self.loaded = "Ставки сейчас недоступны.", True
            return
        if stats is None:
            self.summary = f"За {WINDOW_DAYS} дней меньше {MIN_OBSERVATIONS} грузов с ценой — сравнивать пока не с чем."
        else:
            self.summary = (
                f"Медиана за {WINDOW_DAYS} дней: {fmt.rub_per_km(round(stats.median))}, "
                f"половина грузов — от {fmt.rub_per_km(round(stats.p25))} до "
                f"{fmt.rub_per_km(round(stats.p75))} ({stats.count} грузов)"
            )
        self.bars = chart_bars(weeks)
        self.loaded = True
