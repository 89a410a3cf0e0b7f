"""Feed UI state: filters as the driver typed them, the loaded cards' view models and flags.

Cargo data lives in the services' shared cache; this state holds only what the screen shows.
Every handler is callable by anyone with any payload, so each one checks the session first
and validates its arguments.
"""

from __future__ import annotations

import json
import logging

import reflex as rx

from cargo_webapp import app_js
from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.session_state import SessionState, current_driver
from cargo_webapp.state.view_models import WeightChip
from services.cargotech.errors import CargoTechError
from services.cargotech.upstream_budget import Caller, DriverOverBudget, Purpose
from services.client_numbers import DICTIONARY_ID_MAX_DIGITS, client_digits
from services.feed import point_search
from services.feed.cards import CardView
from services.feed.filters import (
    WEIGHT_CLASS_LABELS,
    FilterValidationError,
    validate_filters,
    weight_chip_label,
)
from services.feed.folding import folded_ids
from services.feed.form import EMPTY_FORM, TEXT_FIELDS, form_of, raw_filters
from services.feed.head import new_at_head, new_cargos_label, withdrawn_from_head
from services.feed.loading import NEW_FILTERS_FAILED, filters_key, load_feed_page, load_next_feed_page
from services.feed.marks import FeedMarks
from services.feed.merge import merge_head, merge_page
from services.feed.recovery import REFRESH_CHECK_S, recheck_delay, recovery_for
from services.feed.sort import SORTS, sort_cards
from services.formatting import stale_note
from services.infra.runtime import get_runtime
from services.primitives.event_limiter import EventLimiter

log = logging.getLogger(__name__)

MIN_LETTERS = 2  # autocomplete asks CargoTech only from two letters on
# One autocomplete lookup per driver per 0.2 s: the browser debounces at 0.3 s; the margin
# absorbs network jitter, so only a client that skips the debounce is slowed.
_autocomplete_pace = EventLimiter(limit=1, window_s=0.2)
POINT_ID_MAX_DIGITS = 12  # the filter parser allows point ids up to 10**12
MAX_LOADED = 500  # cards kept in the list; older pages scroll out of memory


class FeedState(rx.State):
    form: dict[str, str] = dict(EMPTY_FORM)
    truck_types: list[str] = []
    load_types: list[str] = []
    errors: dict[str, str] = {}
    filters_open: bool = False
    sort: str = "new"

    from_suggestions: list[dict[str, str]] = []
    to_suggestions: list[dict[str, str]] = []
    truck_options: list[dict[str, str]] = []
    load_options: list[dict[str, str]] = []

    cards: list[CardView] = []
    total: int = -1  # -1: CargoTech did not say
    next_offset: int = -1  # -1: no further page
    loading: bool = False
    error: str = ""
    stale: str = ""  # «данные от 14:05, CargoTech недоступен» when the cache serves old data
    # Recovery without taps: the page's timer (assets/app.js) presses «Повторить» after
    # `retry_in` seconds, and the hidden re-check button after `recheck_in`; a new `*_seq` starts
    # a new countdown. -1: nothing scheduled.
    retry_in: int = -1
    retry_seq: int = 0
    recheck_in: int = -1
    recheck_seq: int = 0
    new_count: int = 0  # new cargos at the head of the query, not merged in yet (services.feed.head)
    _restored: bool = False
    _attempt: int = 0
    _failed_offset: int = 0
    _recheck_attempt: int = 0
    _shown_key: str = ""  # the filters the cards on screen were loaded with
    _generation: float = 0.0  # when the first page on screen was fetched: deeper pages are no older
    _head_ids: list[str] = []  # the query's first page as last fetched, in the exchange's order

    # --- what the page shows ------------------------------------------------------------------

    @rx.var
    def counter(self) -> str:
        if self.total >= 0:
            return f"{len(self.cards)} из {self.total}"
        return f"{len(self.cards)}" if self.cards else ""

    @rx.var
    def new_label(self) -> str:
        return new_cargos_label(self.new_count)

    @rx.var
    def active_filters(self) -> int:
        shown = {k: v for k, v in self.form.items() if v and EMPTY_FORM.get(k) != v and not k.endswith(("_type", "_name"))}
        return len(shown) + len(self.truck_types) + len(self.load_types)

    @rx.var
    def weight_chips(self) -> list[WeightChip]:
        chosen = self.form.get("weight_class", "any")
        return [WeightChip(value=k, label=weight_chip_label(k), active=k == chosen) for k in WEIGHT_CLASS_LABELS]

    @rx.var
    def sort_options(self) -> list[dict[str, str]]:
        return [{"value": k, "label": v[0]} for k, v in SORTS.items()]

    # --- loading ----------------------------------------------------------------------------

    @rx.event
    async def load_first(self):
        driver = await current_driver(self)
        if driver is None or self.loading:
            return
        if not self._restored:
            self._restored = True
            if not await self._restore(driver.driver_id):
                # Nothing saved on our side (e.g. a new server): Telegram may still have a copy.
                yield rx.call_script(app_js.call("readCloudFilters"), callback=FeedState.restore_from_cloud)
            await self._load_dictionaries()
        if self.cards:
            return  # on_load runs again on every reconnect: keep what is shown
        async for update in self._fetch(driver, offset=0):
            yield update

    @rx.event
    async def reload(self):
        driver = await current_driver(self)
        if driver is not None and not self.loading:
            async for update in self._fetch(driver, offset=0):
                yield update

    @rx.event
    async def retry(self):
        """«Повторить», pressed by the driver or by the page's timer: the load that failed, again."""
        driver = await current_driver(self)
        if driver is None or self.loading or not self.error:
            return
        offset = self._failed_offset if self.cards else 0
        async for update in self._fetch(driver, offset=offset, retrying=True):
            yield update

    @rx.event
    async def recheck(self):
        """The page's timer, while a stale or refreshing first page is shown: once the fresh page is
        there, the banner goes; a driver still on the first page gets its cards too."""
        driver = await current_driver(self)
        if driver is None or self.recheck_in < 0:
            return
        if self.loading:
            self.recheck_in, self.recheck_seq = REFRESH_CHECK_S, self.recheck_seq + 1  # after this load
            return
        page = None
        try:
            filters = validate_filters(self._raw_filters())
            # Filters typed but not applied yet: the list on screen is still the applied query's.
            if filters_key(filters) == self._shown_key:
                page = await load_feed_page(get_runtime().cargos, filters, offset=0)
        except (CargoTechError, FilterValidationError) as exc:
            log.info("feed re-check failed: %r", exc)
        if page is None or page.stale or page.refreshing:
            if page is not None and page.stale:
                self.stale = stale_note(page.fetched_at)  # CargoTech failed the refresh: say how old
            self._schedule_recheck(stale=page is None or page.stale, refreshing=page is not None)
            return
        self.stale = ""
        # The list is never reordered under the driver's thumb: new cargos wait behind the pill,
        # withdrawn ones are marked where they are.
        fresh_ids = [card["id"] for card in page.cards]
        gone = set(withdrawn_from_head(self._head_ids, fresh_ids))
        self._head_ids = fresh_ids
        new = new_at_head(fresh_ids, folded_ids(self.cards)) if self.cards else []
        self.new_count = len(new)
        if gone:
            self._mark_gone(gone)
        if not new and not gone and len(self.cards) <= len(page.cards):
            # Only the first page is on screen and nothing moved: show the fresh one in place
            # (prices, marks), badges kept, duplicates folded.
            async for update in self._fetch(driver, offset=0, quiet=True):
                yield update
        else:
            self._schedule_recheck(stale=False, refreshing=False)

    @rx.event
    async def show_new(self):
        """The «N новых грузов» pill: the new cargos join the list in front, newest first, and
        the screen goes to the top."""
        driver = await current_driver(self)
        if driver is None or self.loading or self.new_count <= 0:
            return
        try:
            filters = validate_filters(self._raw_filters())
            runtime = get_runtime()
            page = await load_feed_page(
                runtime.cargos,
                filters,
                offset=0,
                marks=FeedMarks(runtime.cache, runtime.drivers),
                driver_id=driver.driver_id,
                caller=Caller(driver.driver_id, Purpose.FEED, charged=False),
            )
            statuses = await runtime.responses.status_of(driver.driver_id, [c["id"] for c in page.cards])
        except (CargoTechError, FilterValidationError) as exc:
            log.info("new cargos not loaded: %r", exc)
            return  # the pill stays; the next re-check counts again
        for card in page.cards:
            card["status"] = status_label(statuses[card["id"]].status) if card["id"] in statuses else ""
            card["gone"] = False
        self.cards = merge_head(self.cards, page.cards, self.sort)
        self._head_ids = [card["id"] for card in page.cards]
        self._generation = max(self._generation, page.fetched_at)
        self.total = page.total if page.total is not None else self.total
        self.new_count = 0
        yield rx.call_script(app_js.call("scrollToTop"))

    @rx.event
    async def load_more(self):
        if self.loading or self.next_offset < 0 or len(self.cards) >= MAX_LOADED:
            return
        driver = await current_driver(self)
        if driver is not None:
            async for update in self._fetch(driver, offset=self.next_offset):
                yield update

    # --- filters ----------------------------------------------------------------------------

    @rx.event
    def toggle_filters(self):
        self.filters_open = not self.filters_open

    @rx.event
    def set_field(self, name: str, value: str):
        if not isinstance(name, str) or name not in TEXT_FIELDS or not isinstance(value, str):
            return
        self.form = {**self.form, name: value.strip()[:100]}
        self.errors = {k: v for k, v in self.errors.items() if k != name}

    @rx.event
    async def set_mode(self, mode: str):
        if mode in ("all", "my") and mode != self.form.get("mode"):
            self.form = {**self.form, "mode": mode}
            async for update in self._apply():
                yield update

    @rx.event
    async def set_weight(self, weight_class: str):
        if not isinstance(weight_class, str) or weight_class not in WEIGHT_CLASS_LABELS:
            return
        self.form = {**self.form, "weight_class": weight_class}
        if weight_class != "custom":
            async for update in self._apply():
                yield update

    @rx.event
    def toggle_type(self, kind: str, type_id: str):
        type_id = client_digits(type_id, max_digits=DICTIONARY_ID_MAX_DIGITS)
        if kind not in ("truck", "load") or type_id is None:
            return
        chosen = self.truck_types if kind == "truck" else self.load_types
        updated = [t for t in chosen if t != type_id] if type_id in chosen else [*chosen, type_id]
        if kind == "truck":
            self.truck_types = updated
        else:
            self.load_types = updated

    @rx.event
    async def search_points(self, which: str, text: str):
        if which not in ("from", "to") or not isinstance(text, str):
            return
        driver = await current_driver(self)
        if driver is None:
            return  # every autocomplete costs the shared CargoTech budget: signed-in drivers only
        # Typing replaces the chosen point: only a picked suggestion carries an id.
        self.form = {**self.form, f"{which}_name": text.strip()[:100], f"{which}_id": "", f"{which}_type": ""}
        found: list[dict[str, str]] = []
        needle = text.strip()[:50]
        # The input is debounced in the browser; a client that skips that is debounced here.
        if sum(ch.isalpha() for ch in needle) >= MIN_LETTERS and _autocomplete_pace.allow(driver.driver_id):
            try:
                points = await point_search.search_points(get_runtime().cargos, needle, caller=Caller.lookup(driver.driver_id))
                found = [{"id": str(p.id), "type": str(p.type), "name": p.name} for p in points]
            except DriverOverBudget as exc:
                driver.notice = exc.user_message
            except CargoTechError as exc:
                log.info("autocomplete failed: %s", exc)
        if which == "from":
            self.from_suggestions = found
        else:
            self.to_suggestions = found

    @rx.event
    def choose_point(self, which: str, point: dict):
        if which not in ("from", "to") or not isinstance(point, dict):
            return
        point_id = client_digits(point.get("id"), max_digits=POINT_ID_MAX_DIGITS)
        point_type = client_digits(point.get("type"), max_digits=2)
        name = point.get("name")
        if point_id is None or point_type is None or not isinstance(name, str):
            return
        self.form = {**self.form, f"{which}_id": point_id, f"{which}_type": point_type, f"{which}_name": name[:100]}
        self.from_suggestions, self.to_suggestions = [], []

    @rx.event
    async def apply(self):
        async for update in self._apply():
            yield update

    @rx.event
    async def clear_all(self):
        self.form = {**EMPTY_FORM, "mode": self.form.get("mode", "all")}
        self.truck_types, self.load_types, self.errors = [], [], {}
        async for update in self._apply():
            yield update

    @rx.event
    def set_sort(self, sort: str):
        if isinstance(sort, str) and sort in SORTS:
            self.sort = sort
            self.cards = sort_cards(self.cards, sort)

    # Underscored: Reflex makes every public method a handler any client may call.
    def _show_status(self, cargo_id: str, label: str) -> None:
        """Put a response badge on a loaded card (called when the driver responds)."""
        self.cards = [{**card, "status": label} if card["id"] == cargo_id else card for card in self.cards]

    def _mark_gone(self, cargo_ids: set[str]) -> None:
        """«снят» on loaded cards that a fresh first page or their detail shows to be withdrawn."""
        self.cards = [{**card, "gone": True} if card["id"] in cargo_ids else card for card in self.cards]

    # --- internals --------------------------------------------------------------------------

    def _raw_filters(self) -> dict:
        return raw_filters(self.form, self.truck_types, self.load_types)

    async def _apply(self):
        driver = await current_driver(self)
        if driver is None:
            return
        try:
            validate_filters(self._raw_filters())
        except FilterValidationError as exc:
            self.errors = exc.field_errors
            self.filters_open = True
            return
        self.errors = {}
        self.filters_open = False
        yield rx.call_script(app_js.call("hapticSelection"))
        saved = self._raw_filters()
        await get_runtime().drivers.set_feed_filters(driver.driver_id, saved)
        yield rx.call_script(app_js.call("saveCloudFilters", json.dumps(saved)))
        async for update in self._fetch(driver, offset=0):
            yield update

    @rx.event
    async def restore_from_cloud(self, raw: str):
        try:
            saved = json.loads(raw) if isinstance(raw, str) and raw and len(raw) < 4096 else None
        except ValueError:
            saved = None
        if isinstance(saved, dict) and self._use_saved(saved):
            async for update in self._apply():
                yield update

    @rx.event
    async def use_saved_filters(self):
        """Show the driver's saved filters afresh («Мои поиски» → «Показать грузы» saved them)."""
        driver = await current_driver(self)
        if driver is not None and await self._restore(driver.driver_id):
            # Loaded here, in the same event, not left to the feed's on_load after the redirect:
            # that loader keeps the cards it finds, and a driver tapping fast may have it refused
            # by the event limiter, which left an empty list under the new filters.
            async for update in self._fetch(driver, offset=0):
                yield update

    async def _restore(self, driver_id: int) -> bool:
        saved = await get_runtime().drivers.feed_filters(driver_id)
        return bool(saved) and self._use_saved(saved)

    def _use_saved(self, saved: dict) -> bool:
        restored = form_of(saved)
        if restored is None:
            return False
        self.form, self.truck_types, self.load_types = restored.form, restored.truck_types, restored.load_types
        return True

    async def _load_dictionaries(self) -> None:
        cargos = get_runtime().cargos
        try:
            trucks, loads = (await cargos.truck_types()).value, (await cargos.load_types()).value
        except CargoTechError as exc:
            log.info("dictionaries unavailable: %s", exc)
            return
        self.truck_options = [{"id": str(t.id), "name": t.name} for t in trucks]
        self.load_options = [{"id": str(t.id), "name": t.name} for t in loads]

    def _schedule_recheck(self, *, stale: bool, refreshing: bool) -> None:
        self.recheck_in = recheck_delay(
            stale=stale, refreshing=refreshing, attempt=self._recheck_attempt, watching=bool(self.cards)
        )
        if self.recheck_in >= 0:
            self.recheck_seq += 1
        self._recheck_attempt = self._recheck_attempt + 1 if stale or refreshing else 0

    async def _fetch(self, driver: SessionState, *, offset: int, retrying: bool = False, quiet: bool = False):
        """Load a page for a driver the calling handler has already checked (one limiter hit per event).
        `retrying`: a repeat of the failed load (its backoff continues); `quiet`: no progress shown."""
        try:
            filters = validate_filters(self._raw_filters())
        except FilterValidationError as exc:
            self.errors = exc.field_errors
            return
        if not retrying:
            self._attempt = 0
            self.error = ""
        key = filters_key(filters)
        new_filters = offset == 0 and bool(self._shown_key) and key != self._shown_key
        if new_filters:
            # Never old results under new filter chips: the list empties at once, skeletons show.
            self.cards, self.total, self.next_offset, self.stale, self.recheck_in = [], -1, -1, "", -1
            self.new_count, self._head_ids = 0, []
        self.loading = not quiet
        self.retry_in = -1
        yield
        try:
            runtime = get_runtime()
            marks = FeedMarks(runtime.cache, runtime.drivers)
            # A first page that misses the cache is a new filter combination: the driver's own
            # budget pays for it. Pages scrolled after it are the feed's.
            caller = Caller(driver.driver_id, Purpose.FEED, charged=offset == 0)
            if offset:
                page = await load_next_feed_page(
                    runtime.cargos,
                    filters,
                    offset=offset,
                    shown=folded_ids(self.cards),
                    generation=self._generation,
                    marks=marks,
                    driver_id=driver.driver_id,
                    caller=caller,
                    rates=runtime.lane_rates,
                )
            else:
                page = await load_feed_page(
                    runtime.cargos,
                    filters,
                    offset=0,
                    marks=marks,
                    driver_id=driver.driver_id,
                    caller=caller,
                    rates=runtime.lane_rates,
                )
            statuses = await runtime.responses.status_of(driver.driver_id, [c["id"] for c in page.cards])
        except CargoTechError as exc:
            log.warning("feed load failed: %s", exc)
            recovery = recovery_for(exc, self._attempt)
            self.error = f"{NEW_FILTERS_FAILED}: {recovery.message}" if new_filters else recovery.message
            self.retry_in = recovery.retry_in_s
            self.retry_seq += 1
            self._attempt += 1
            self._failed_offset = offset
        else:
            self.error = ""
            self._attempt = 0
            if offset == 0:
                self._shown_key = key
                self._generation = page.fetched_at
                self._head_ids = [card["id"] for card in page.cards]
                self.new_count = 0
            for card in page.cards:
                card["status"] = status_label(statuses[card["id"]].status) if card["id"] in statuses else ""
                card["gone"] = False
            self.cards = merge_page(self.cards, page.cards, offset, self.sort)
            self.total = page.total if page.total is not None else -1
            self.next_offset = page.next_offset if page.next_offset is not None else -1
            self.stale = stale_note(page.fetched_at) if page.stale else ""
            if offset == 0 and not quiet:
                self._recheck_attempt = 0
            if offset == 0:
                self._schedule_recheck(stale=page.stale, refreshing=page.refreshing)
        finally:
            self.loading = False
