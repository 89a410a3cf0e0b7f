"""«Загрузки обратно» under a cargo (its detail, or a response in «Мои отклики»): the best loads
leaving near where it unloads, «Все» (the feed with those filters) and a one-tap alerting search.
Thin: the selection lives in services/market/return_loads.py."""

from __future__ import annotations

import datetime as dt
import logging

import reflex as rx

from cargo_webapp.state.session_state import current_driver
from services.alerts.saved_searches import SavedSearchError
from services.cargotech.errors import CargoNotFound, CargoTechError
from services.cargotech.models import CARGO_ID_RE
from services.cargotech.upstream_budget import Caller
from services.infra.runtime import get_runtime
from services.market.return_loads import ReturnLoads, find_return_loads
from services.vocabulary import DriverDocument

log = logging.getLogger(__name__)
FEED_FILTERS = DriverDocument.FILTERS


class ReturnLoadsState(rx.State):
    for_cargo: str = ""  # the cargo whose unloading the loads follow
    title: str = ""  # «из Казани, 5–7 дек»
    cards: list[dict[str, str]] = []
    loading: bool = False
    note: str = ""  # why there is nothing to show, or that CargoTech did not answer
    message: str = ""  # «Поиск «…» сохранён»
    _raw: dict[str, str] = {}  # the feed's filter form for «Все» and saving
    _name: str = ""
    _seq: int = 0  # the newest lookup begun

    @rx.event(background=True)
    async def load_for(self, cargo_id: str):
        if not isinstance(cargo_id, str) or not CARGO_ID_RE.match(cargo_id):
            return
        async with self:
            driver = await current_driver(self)
            if driver is None:
                return
            if cargo_id == self.for_cargo and (self.cards or self.note):
                return  # on_load runs again on every reconnect
            # Not shown yet: fetched anew even if a fetch began before (a reconnect cancels the
            # page's unfinished loaders); the older answer, if it comes, is dropped.
            self.for_cargo, self.cards, self.note, self.message, self.title = cargo_id, [], "", "", ""
            self._raw, self._name = {}, ""
            self.loading = True
            self._seq += 1
            driver_id, seq = driver.driver_id, self._seq
        # CargoTech is asked without the state's lock (see FeedState).
        runtime = get_runtime()
        today = runtime.lane_rates.today()
        found: ReturnLoads | None = None
        note = ""
        try:
            # A cargo the driver opened or responded to: its detail is the feed's (usually cached).
            served = await runtime.cargos.detail(cargo_id, caller=Caller(driver_id))
            found = await find_return_loads(runtime.cargos, served.value, driver_id=driver_id, today=today)
        except CargoNotFound:
            note = "Груз снят — загрузки обратно не подобрать."
        except CargoTechError as exc:
            log.info("return loads for %s: %s", cargo_id, exc)
            note = "Загрузки обратно сейчас не загрузились."
        async with self:
            if seq != self._seq:
                return  # another cargo was opened meanwhile, or this one asked again
            self.loading = False
            self.note = note
            if found is not None:
                self._show(found, today)

    def _show(self, found: ReturnLoads, today: dt.date) -> None:
        query = found.query
        if query is None:
            self.note = "Нет города или даты выгрузки — загрузки обратно не подобрать."
            return
        days = query.days(today)
        self.title = query.window_label(today)
        if not days:
            self.note = "Дата выгрузки прошла."
            return
        self._raw, self._name = query.raw_filters(days[0]), query.search_name()
        self.cards = found.cards()
        if found.unavailable:
            self.note = "Загрузки обратно сейчас не загрузились."
        elif found.partial:
            self.note = "Не все дни загрузились — список может быть неполным, откройте груз позже."
        elif not self.cards:
            self.note = "Подходящих загрузок пока нет — сохраните поиск, и бот пришлёт новые."

    @rx.event
    async def open_all(self):
        """The feed with these filters (they become the feed's saved filters, like a saved search)."""
        driver = await current_driver(self)
        if driver is None or not self._raw:
            return
        from cargo_webapp.state.feed_state import FeedState

        feed = await self.get_state(FeedState)
        # The feed's on_load keeps shown cards; these filters need a fresh page.
        if not feed._take_filters(self._raw):
            self.note = "Дата выгрузки прошла."
            return
        await get_runtime().drivers.put(driver.driver_id, FEED_FILTERS, dict(self._raw))
        return rx.redirect("/")

    @rx.event
    async def save_search(self):
        driver = await current_driver(self)
        if driver is None or not self._raw:
            return
        try:
            view = await get_runtime().searches.create(driver.driver_id, self._name, self._raw, alerts=True)
        except SavedSearchError as exc:
            self.message = exc.user_message
            return
        self.message = f"Поиск «{view.name}» сохранён — пришлём новые грузы в бот"
