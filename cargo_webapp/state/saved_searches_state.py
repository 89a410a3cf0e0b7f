"""«Мои поиски»: saving the feed's filters as a named search, the list with alert switches,
quiet hours, delete and apply-to-feed. Thin: the rules live in services/alerts/saved_searches.py.

Every handler authorises from the server-side session (current_driver) and checks its
arguments; a search id from the browser is only a request: the service refuses another
driver's search as «не найден».
"""

from __future__ import annotations

import reflex as rx

from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.session_state import current_driver
from cargo_webapp.state.view_models import SearchRow
from services.alerts.saved_searches import MAX_NAME, MAX_PER_DRIVER, SavedSearchError, SearchView, clean_filters, propose_name
from services.client_numbers import row_id
from services.feed.form import form_of, raw_filters
from services.infra.runtime import get_runtime


def _row(view: SearchView) -> SearchRow:
    # The summary under the name only when it says more than the name (a proposed name is the summary).
    summary = "" if view.summary == view.name else view.summary
    return SearchRow(id=str(view.id), name=view.name, summary=summary, alerts=view.alerts_on)


def _search_id(value) -> int | None:
    return row_id(value)


class SavedSearchesState(rx.State):
    searches: list[SearchRow] = []
    loaded: bool = False
    error: str = ""  # a Russian message naming the field
    message: str = ""  # «Поиск сохранён», «Уведомления включены»
    # Saving the feed's current filters (from the filter sheet).
    save_open: bool = False
    save_name: str = ""
    save_alerts: bool = True
    save_error: str = ""
    # Quiet hours, Moscow time.
    quiet_start: str = ""
    quiet_end: str = ""
    quiet_error: str = ""

    @rx.var
    def counter(self) -> str:
        return f"{len(self.searches)} из {MAX_PER_DRIVER}"

    @rx.event
    async def load(self):
        driver = await current_driver(self)
        if driver is None:
            return
        await self._refresh(driver.driver_id)
        hours = await get_runtime().searches.quiet_hours(driver.driver_id)
        self.quiet_start, self.quiet_end = hours.start, hours.end
        self.loaded = True

    # --- saving the feed's filters ------------------------------------------------------

    @rx.event
    async def open_save(self):
        driver = await current_driver(self)
        if driver is None:
            return
        raw = await self._feed_filters()
        try:
            kept, _ = clean_filters(raw)
        except SavedSearchError as exc:
            self.save_open, self.save_error = True, exc.user_message
            return
        self.save_name = propose_name(kept)
        self.save_alerts, self.save_error, self.save_open = True, "", True

    @rx.event
    def close_save(self):
        self.save_open, self.save_error = False, ""

    @rx.event
    def set_save_name(self, value: str):
        self.save_name = str(value or "")[: MAX_NAME + 10]

    @rx.event
    def set_save_alerts(self, value: bool):
        self.save_alerts = bool(value)

    @rx.event
    async def save(self):
        driver = await current_driver(self)
        if driver is None:
            return
        try:
            view = await get_runtime().searches.create(
                driver.driver_id, self.save_name, await self._feed_filters(), alerts=bool(self.save_alerts)
            )
        except SavedSearchError as exc:
            self.save_error = exc.user_message
            return
        self.save_open, self.save_error = False, ""
        self.message = f"Поиск «{view.name}» сохранён" + (" — пришлём новые грузы в бот" if view.alerts_on else "")
        await self._refresh(driver.driver_id)

    # --- the list ------------------------------------------------------------------------

    @rx.event
    async def toggle_alerts(self, search_id: str):
        driver = await current_driver(self)
        wanted = _search_id(search_id)
        if driver is None or wanted is None:
            return
        current = next((row for row in self.searches if row["id"] == str(wanted)), None)
        turn_on = not (current and current["alerts"])
        try:
            view = await get_runtime().searches.set_alerts(driver.driver_id, wanted, turn_on)
        except SavedSearchError as exc:
            self.error = exc.user_message
            await self._refresh(driver.driver_id)
            return
        self.error = ""
        self.message = f"Уведомления по «{view.name}» " + ("включены" if view.alerts_on else "отключены")
        await self._refresh(driver.driver_id)

    @rx.event
    async def delete(self, search_id: str):
        driver = await current_driver(self)
        wanted = _search_id(search_id)
        if driver is None or wanted is None:
            return
        try:
            await get_runtime().searches.delete(driver.driver_id, wanted)
        except SavedSearchError as exc:
            self.error = exc.user_message
        else:
            self.error, self.message = "", "Поиск удалён"
        await self._refresh(driver.driver_id)

    @rx.event
    async def apply(self, search_id: str):
        """Show the feed with this search's filters (they become the feed's saved filters too)."""
        driver = await current_driver(self)
        wanted = _search_id(search_id)
        if driver is None or wanted is None:
            return
        try:
            view = await get_runtime().searches.get(driver.driver_id, wanted)
        except SavedSearchError as exc:
            self.error = exc.user_message
            return
        if form_of(view.filters) is None:  # e.g. its loading date has passed
            self.error = "Фильтры: дата загрузки в этом поиске уже прошла — сохраните поиск заново"
            return
        await get_runtime().drivers.set_feed_filters(driver.driver_id, view.filters)
        # The feed takes them from where it restores its filters, then shows them.
        return [FeedState.use_saved_filters, rx.redirect("/")]

    @rx.event
    async def save_quiet_hours(self, form: dict):
        driver = await current_driver(self)
        if driver is None or not isinstance(form, dict):
            return
        try:
            hours = await get_runtime().searches.set_quiet_hours(
                driver.driver_id, str(form.get("quiet_start") or "")[:5], str(form.get("quiet_end") or "")[:5]
            )
        except SavedSearchError as exc:
            self.quiet_error = exc.user_message
            return
        self.quiet_start, self.quiet_end, self.quiet_error = hours.start, hours.end, ""
        self.message = (
            f"Тихие часы: {hours.start}–{hours.end} (МСК). Что придёт в это время, пришлём одним сообщением после."
            if hours.enabled
            else "Тихие часы отключены"
        )

    # --- internals ------------------------------------------------------------------------

    async def _refresh(self, driver_id: int) -> None:
        self.searches = [_row(view) for view in await get_runtime().searches.list_for(driver_id)]

    async def _feed_filters(self) -> dict:
        """The filters as the feed's sheet shows them (its public vars)."""
        feed = await self.get_state(FeedState)
        return raw_filters(feed.form, feed.truck_types, feed.load_types)
