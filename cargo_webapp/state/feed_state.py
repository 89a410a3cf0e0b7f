"""Feed UI state: filters as the driver typed them, the loaded cards' view models and flags.

Cargo data lives in the services' shared cache; this state holds only what the screen shows.
Every handler is callable by anyone with any payload, so each one checks the session first
and validates its arguments.

Handlers that ask CargoTech run as background events: they read what they need under the
state's lock (`async with self`), call CargoTech without it, and take the lock again to show
the answer. A slow CargoTech answer then never holds up the tab's other events, nor another
worker or instance waiting for this tab's lock. A load carries a sequence number, so the answer
of a load overtaken by a newer one (a filter changed meanwhile) is dropped, not shown.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time

import reflex as rx

from cargo_webapp import app_js
from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.session_state import SessionState, current_driver
from cargo_webapp.state.view_models import WeightChip
from services.cargotech.errors import CargoTechError
from services.cargotech.upstream_budget import Caller, DriverOverBudget, Purpose
from services.client_numbers import client_digits
from services.feed import point_search
from services.feed.cards import CardView
from services.feed.filters import (
    WEIGHT_CLASS_LABELS,
    DriverFilters,
    FilterValidationError,
    validate_filters,
    weight_chip_label,
)
from services.feed.folding import folded_ids
from services.feed.form import EMPTY_FORM, FilterFields, form_of, raw_filters, submitted_form
from services.feed.head import new_at_head, new_cargos_label, withdrawn_from_head
from services.feed.loading import NEW_FILTERS_FAILED, FeedPage, filters_key, load_feed_page, load_next_feed_page
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
OPEN_SAVE_FORM_ID = "open-save-form"  # the sheet's hidden button that opens «Сохранить поиск»
MAX_LOADED = 500  # cards kept in the list; older pages scroll out of memory
# Longer than any load takes: the upstream budget's wait plus CargoTech's deadline, each ~10 s.
LOAD_GIVEN_UP_S = 60


@dataclasses.dataclass(frozen=True)
class _Load:
    """A feed load as begun under the state's lock: everything its CargoTech call needs."""

    seq: int
    driver_id: int
    filters: DriverFilters
    key: str
    offset: int
    shown: frozenset[str]
    generation: float
    new_filters: bool
    quiet: bool


@dataclasses.dataclass(frozen=True)
class _Loaded:
    page: FeedPage
    statuses: dict[str, str]  # cargo id → the driver's response label


async def _run_load(load: _Load) -> _Loaded | CargoTechError:
    """The CargoTech side of a load, with no state lock held."""
    try:
        runtime = get_runtime()
        marks = FeedMarks(runtime.cache, runtime.drivers)
        # A first page that misses the cache is a new filter combination: the driver's own
        # budget pays for it. Pages scrolled after it are the feed's.
        caller = Caller(load.driver_id, Purpose.FEED, charged=load.offset == 0)
        if load.offset:
            page = await load_next_feed_page(
                runtime.cargos,
                load.filters,
                offset=load.offset,
                shown=set(load.shown),
                generation=load.generation,
                marks=marks,
                driver_id=load.driver_id,
                caller=caller,
                rates=runtime.lane_rates,
            )
        else:
            page = await load_feed_page(
                runtime.cargos,
                load.filters,
                offset=0,
                marks=marks,
                driver_id=load.driver_id,
                caller=caller,
                rates=runtime.lane_rates,
            )
        statuses = await runtime.responses.status_of(load.driver_id, [c["id"] for c in page.cards])
    except CargoTechError as exc:
        log.warning("feed load failed: %s", exc)
        return exc
    return _Loaded(page, {cargo_id: status_label(s.status) for cargo_id, s in statuses.items()})


class FeedState(rx.State):
    form: dict[str, str] = dict(EMPTY_FORM)
    # The sheet's fields are the browser's until submitted; a new version redraws them from
    # `form` when the server replaces it (a reset, restored or saved filters).
    form_version: int = 0
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
    _load_seq: int = 0  # the newest load begun: an older one's answer is dropped
    _suggest_seq: int = 0  # the same for autocomplete lookups
    _pending: _Load | None = None  # begun by a page's loader, fetched by run_pending
    _load_began: float = 0.0
    _dictionaries_due: bool = False

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
        # A page's loader, so not a background event: Reflex would start it before the session's
        # `open` (the on_load before it) has signed the driver in. It begins the load and leaves
        # the CargoTech side to `run_pending`. Reflex cancels an unfinished loader chain when the
        # page loads again (a reconnect), so an empty list is always loaded anew, never left to a
        # load that may have been cancelled; the older answer, if it comes, is dropped.
        driver = await current_driver(self)
        if driver is None:
            return None
        events: list = []
        if not self._restored:
            self._restored = True
            if not await self._restore(driver.driver_id):
                # Nothing saved on our side (e.g. a new server): Telegram may still have a copy.
                events.append(rx.call_script(app_js.call("readCloudFilters"), callback=FeedState.restore_from_cloud))
        self._dictionaries_due = not self.truck_options
        if not self.cards:  # on_load runs again on every reconnect: keep what is shown
            self._pending = self._begin_load(driver.driver_id, offset=0)
        if self._pending is not None or self._dictionaries_due:
            events.append(FeedState.run_pending)
        return events

    @rx.event(background=True)
    async def run_pending(self):
        """The CargoTech side of what `load_first` began. Callable by anyone, like every handler:
        it only runs what the server queued for this tab."""
        async with self:
            load, self._pending = self._pending, None
            dictionaries, self._dictionaries_due = self._dictionaries_due, False
        if dictionaries:
            await self._load_dictionaries()
        await self._finish(load)

    @rx.event(background=True)
    async def reload(self):
        async with self:
            driver = await current_driver(self)
            load = self._begin_load(driver.driver_id, offset=0) if driver is not None and not self._busy() else None
        await self._finish(load)

    @rx.event(background=True)
    async def retry(self):
        """«Повторить», pressed by the driver or by the page's timer: the load that failed, again."""
        async with self:
            driver = await current_driver(self)
            load = None
            if driver is not None and not self._busy() and self.error:
                offset = self._failed_offset if self.cards else 0
                load = self._begin_load(driver.driver_id, offset=offset, retrying=True)
        await self._finish(load)

    @rx.event(background=True)
    async def recheck(self):
        """The page's timer, while a stale or refreshing first page is shown: once the fresh page is
        there, the banner goes; a driver still on the first page gets its cards too."""
        async with self:
            driver = await current_driver(self)
            if driver is None or self.recheck_in < 0:
                return
            if self._busy():
                self.recheck_in, self.recheck_seq = REFRESH_CHECK_S, self.recheck_seq + 1  # after this load
                return
            driver_id, raw, shown_key, seq = driver.driver_id, self._raw_filters(), self._shown_key, self._load_seq
        page = None
        try:
            filters = validate_filters(raw)
            # Filters typed but not applied yet: the list on screen is still the applied query's.
            if filters_key(filters) == shown_key:
                page = await load_feed_page(get_runtime().cargos, filters, offset=0)
        except (CargoTechError, FilterValidationError) as exc:
            log.info("feed re-check failed: %r", exc)
        async with self:
            if self._load_seq != seq:
                return  # a load began meanwhile: it schedules the next look itself
            load = self._take_recheck(driver_id, page)
        await self._finish(load)

    def _take_recheck(self, driver_id: int, page: FeedPage | None) -> _Load | None:
        """What a re-check found, shown under the lock; a load to begin when the first page should
        be shown afresh."""
        if page is None or page.stale or page.refreshing:
            if page is not None and page.stale:
                self.stale = stale_note(page.fetched_at)  # CargoTech failed the refresh: say how old
            self._schedule_recheck(stale=page is None or page.stale, refreshing=page is not None)
            return None
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
            return self._begin_load(driver_id, offset=0, quiet=True)
        self._schedule_recheck(stale=False, refreshing=False)
        return None

    @rx.event(background=True)
    async def show_new(self):
        """The «N новых грузов» pill: the new cargos join the list in front, newest first, and
        the screen goes to the top."""
        async with self:
            driver = await current_driver(self)
            if driver is None or self._busy() or self.new_count <= 0:
                return
            try:
                filters = validate_filters(self._raw_filters())
            except FilterValidationError:
                return
            driver_id, shown_key = driver.driver_id, self._shown_key
        try:
            runtime = get_runtime()
            page = await load_feed_page(
                runtime.cargos,
                filters,
                offset=0,
                marks=FeedMarks(runtime.cache, runtime.drivers),
                driver_id=driver_id,
                caller=Caller(driver_id, Purpose.FEED, charged=False),
            )
            statuses = await runtime.responses.status_of(driver_id, [c["id"] for c in page.cards])
        except CargoTechError as exc:
            log.info("new cargos not loaded: %r", exc)
            return  # the pill stays; the next re-check counts again
        async with self:
            if self._shown_key != shown_key or self._busy():
                return  # the list changed meanwhile: its own load decides what shows
            for card in page.cards:
                card["status"] = status_label(statuses[card["id"]].status) if card["id"] in statuses else ""
                card["gone"] = False
            self.cards = merge_head(self.cards, page.cards, self.sort)
            self._head_ids = [card["id"] for card in page.cards]
            self._generation = max(self._generation, page.fetched_at)
            self.total = page.total if page.total is not None else self.total
            self.new_count = 0
        yield rx.call_script(app_js.call("scrollToTop"))

    @rx.event(background=True)
    async def load_more(self):
        async with self:
            if self._busy() or self.next_offset < 0 or len(self.cards) >= MAX_LOADED:
                return
            driver = await current_driver(self)
            load = self._begin_load(driver.driver_id, offset=self.next_offset) if driver is not None else None
        await self._finish(load)

    # --- filters ----------------------------------------------------------------------------

    @rx.event
    def toggle_filters(self):
        self.filters_open = not self.filters_open

    @rx.event(background=True)
    async def set_mode(self, mode: str):
        async with self:
            if mode not in ("all", "my") or mode == self.form.get("mode"):
                return
            self.form = {**self.form, "mode": mode}
        async for update in self._apply():
            yield update

    @rx.event(background=True)
    async def set_weight(self, weight_class: str):
        if not isinstance(weight_class, str) or weight_class not in WEIGHT_CLASS_LABELS:
            return
        async with self:
            self.form = {**self.form, "weight_class": weight_class}
            # With the sheet open the chip is one of its fields: «Показать грузы» applies it
            # together with what is typed there, which applying now would throw away.
            in_sheet = self.filters_open
        if weight_class != "custom" and not in_sheet:
            async for update in self._apply():
                yield update

    @rx.event(background=True)
    async def search_points(self, which: str, text: str):
        if which not in ("from", "to") or not isinstance(text, str):
            return
        needle = text.strip()[:50]
        async with self:
            driver = await current_driver(self)
            if driver is None:
                return  # every autocomplete costs the shared CargoTech budget: signed-in drivers only
            # Typing replaces the chosen point: only a picked suggestion carries an id.
            self.form = {**self.form, f"{which}_name": text.strip()[:100], f"{which}_id": "", f"{which}_type": ""}
            self._suggest_seq += 1
            seq, driver_id = self._suggest_seq, driver.driver_id
        found: list[dict[str, str]] = []
        notice = ""
        # The input is debounced in the browser; a client that skips that is debounced here.
        if sum(ch.isalpha() for ch in needle) >= MIN_LETTERS and _autocomplete_pace.allow(driver_id):
            try:
                points = await point_search.search_points(get_runtime().cargos, needle, caller=Caller.lookup(driver_id))
                found = [{"id": str(p.id), "type": str(p.type), "name": p.name} for p in points]
            except DriverOverBudget as exc:
                notice = exc.user_message
            except CargoTechError as exc:
                log.info("autocomplete failed: %s", exc)
        async with self:
            if notice:
                (await self.get_state(SessionState)).notice = notice
            if seq != self._suggest_seq:
                return  # typed on, or a suggestion was picked, meanwhile
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
        self._suggest_seq += 1  # a lookup still on its way must not bring its list back

    @rx.event(background=True)
    async def submit_filters(self, fields: FilterFields):
        """The whole sheet in one event: «Показать грузы», Enter in a field, or «Сохранить поиск»
        (intent "save": kept for the save form, not applied yet)."""
        if not isinstance(fields, dict):
            return
        async with self:
            taken = submitted_form(fields, mode=self.form.get("mode", "all"))
            self.form, self.truck_types, self.load_types = taken.form, taken.truck_types, taken.load_types
        if fields.get("intent") == "save":
            # The save form is the saved-searches state's, which reads the filters from this one:
            # the page opens it now that the sheet is stored here.
            yield rx.call_script(f"document.getElementById('{OPEN_SAVE_FORM_ID}').click()")
            return
        async for update in self._apply():
            yield update

    @rx.event(background=True)
    async def clear_all(self):
        async with self:
            self.form = {**EMPTY_FORM, "mode": self.form.get("mode", "all")}
            self.truck_types, self.load_types, self.errors = [], [], {}
            self.form_version += 1
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

    def _take_filters(self, saved: dict) -> bool:
        """Another page sets the feed's filters («Все» under loads back): the list empties for the
        feed's loader, and an answer still on its way for the old filters is dropped."""
        if not self._use_saved(saved):
            return False
        self.cards, self.loading = [], False
        self._load_seq += 1
        return True

    def _mark_gone(self, cargo_ids: set[str]) -> None:
        """«снят» on loaded cards that a fresh first page or their detail shows to be withdrawn."""
        self.cards = [{**card, "gone": True} if card["id"] in cargo_ids else card for card in self.cards]

    # --- internals --------------------------------------------------------------------------

    def _raw_filters(self) -> dict:
        return raw_filters(self.form, self.truck_types, self.load_types)

    async def _apply(self):
        """(In a background handler, the lock not held.) The form as it stands becomes the feed's
        query: saved for the driver, on our side and in Telegram's CloudStorage, then loaded."""
        async with self:
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
            saved = self._raw_filters()
            # Begun here, so the old cards go and skeletons show with the panel closing.
            load = self._begin_load(driver.driver_id, offset=0)
            driver_id = driver.driver_id
        yield rx.call_script(app_js.call("hapticSelection"))
        await get_runtime().drivers.set_feed_filters(driver_id, saved)
        yield rx.call_script(app_js.call("saveCloudFilters", json.dumps(saved)))
        await self._finish(load)

    @rx.event(background=True)
    async def restore_from_cloud(self, raw: str):
        try:
            saved = json.loads(raw) if isinstance(raw, str) and raw and len(raw) < 4096 else None
        except ValueError:
            saved = None
        if not isinstance(saved, dict):
            return
        async with self:
            if not self._use_saved(saved):
                return
        async for update in self._apply():
            yield update

    @rx.event(background=True)
    async def use_saved_filters(self):
        """Show the driver's saved filters afresh («Мои поиски» → «Показать грузы» saved them)."""
        async with self:
            driver = await current_driver(self)
            load = None
            if driver is not None and await self._restore(driver.driver_id):
                # Loaded here, in the same event, not left to the feed's on_load after the
                # redirect: that loader keeps the cards it finds, and a driver tapping fast may
                # have it refused by the event limiter, which left an empty list under the new
                # filters.
                load = self._begin_load(driver.driver_id, offset=0)
        await self._finish(load)

    async def _restore(self, driver_id: int) -> bool:
        saved = await get_runtime().drivers.feed_filters(driver_id)
        return bool(saved) and self._use_saved(saved)

    def _use_saved(self, saved: dict) -> bool:
        restored = form_of(saved)
        if restored is None:
            return False
        self.form, self.truck_types, self.load_types = restored.form, restored.truck_types, restored.load_types
        self.form_version += 1
        return True

    async def _load_dictionaries(self) -> None:
        """(The lock not held.) Truck and load types for the filter panel."""
        cargos = get_runtime().cargos
        try:
            trucks, loads = (await cargos.truck_types()).value, (await cargos.load_types()).value
        except CargoTechError as exc:
            log.info("dictionaries unavailable: %s", exc)
            return
        async with self:
            self.truck_options = [{"id": str(t.id), "name": t.name} for t in trucks]
            self.load_options = [{"id": str(t.id), "name": t.name} for t in loads]

    def _schedule_recheck(self, *, stale: bool, refreshing: bool) -> None:
        self.recheck_in = recheck_delay(
            stale=stale, refreshing=refreshing, attempt=self._recheck_attempt, watching=bool(self.cards)
        )
        if self.recheck_in >= 0:
            self.recheck_seq += 1
        self._recheck_attempt = self._recheck_attempt + 1 if stale or refreshing else 0

    def _busy(self) -> bool:
        """A load is on its way. A background load cut short (its worker stopped, its chain
        cancelled) would leave `loading` on for good: past LOAD_GIVEN_UP_S it no longer counts."""
        return self.loading and time.time() - self._load_began < LOAD_GIVEN_UP_S

    def _begin_load(self, driver_id: int, *, offset: int, retrying: bool = False, quiet: bool = False) -> _Load | None:
        """(Under the lock.) Start loading a page for a driver the calling handler has already
        checked (one limiter hit per event): show the loading state, and say what to fetch.
        `retrying`: a repeat of the failed load (its backoff continues); `quiet`: no progress shown."""
        try:
            filters = validate_filters(self._raw_filters())
        except FilterValidationError as exc:
            self.errors = exc.field_errors
            return None
        if not retrying:
            self._attempt = 0
            self.error = ""
        key = filters_key(filters)
        new_filters = offset == 0 and bool(self._shown_key) and key != self._shown_key
        if new_filters:
            # Never old results under new filter chips: the list empties at once, skeletons show.
            self.cards, self.total, self.next_offset, self.stale, self.recheck_in = [], -1, -1, "", -1
            self.new_count, self._head_ids = 0, []
        self.loading = self.loading or not quiet
        self._load_began = time.time()
        self.retry_in = -1
        self._load_seq += 1
        shown = frozenset(folded_ids(self.cards)) if offset else frozenset()
        return _Load(self._load_seq, driver_id, filters, key, offset, shown, self._generation, new_filters, quiet)

    async def _finish(self, load: _Load | None) -> None:
        """(The lock not held.) Fetch what `load` asks for, then show it under the lock, unless a
        newer load began meanwhile."""
        if load is None:
            return
        loaded = await _run_load(load)
        async with self:
            if load.seq == self._load_seq:
                self._show_loaded(load, loaded)

    def _show_loaded(self, load: _Load, loaded: _Loaded | CargoTechError) -> None:
        self.loading = False
        if isinstance(loaded, CargoTechError):
            recovery = recovery_for(loaded, self._attempt)
            self.error = f"{NEW_FILTERS_FAILED}: {recovery.message}" if load.new_filters else recovery.message
            self.retry_in = recovery.retry_in_s
            self.retry_seq += 1
            self._attempt += 1
            self._failed_offset = load.offset
            return
        page = loaded.page
        self.error = ""
        self._attempt = 0
        if load.offset == 0:
            self._shown_key = load.key
            self._generation = page.fetched_at
            self._head_ids = [card["id"] for card in page.cards]
            self.new_count = 0
        for card in page.cards:
            card["status"] = loaded.statuses.get(card["id"], "")
            card["gone"] = False
        self.cards = merge_page(self.cards, page.cards, load.offset, self.sort)
        self.total = page.total if page.total is not None else -1
        self.next_offset = page.next_offset if page.next_offset is not None else -1
        self.stale = stale_note(page.fetched_at) if page.stale else ""
        if load.offset == 0:
            if not load.quiet:
                self._recheck_attempt = 0
            self._schedule_recheck(stale=page.stale, refreshing=page.refreshing)
