"""Cargo detail screen: the detail view model, contacts, and the driver's response."""

from __future__ import annotations

import logging

import reflex as rx

from cargo_webapp import app_js
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.return_loads_state import ReturnLoadsState
from cargo_webapp.state.session_state import SessionState, current_driver
from services.cargotech.errors import CargoNotFound, CargoTechError
from services.cargotech.models import CARGO_ID_RE
from services.cargotech.upstream_budget import Caller
from services.dispatch.responses import ResponseError
from services.feed.cards import CardView
from services.feed.detail_view import ContactRow, DetailView, contacts_view, detail_view, share_text, share_url
from services.feed.marks import FeedMarks
from services.feed.recovery import recovery_for
from services.feed.similar_offers import similar_offers
from services.infra.runtime import get_runtime

log = logging.getLogger(__name__)
STATE_LOST = "Отклик не отправлен: связь с сервером обновилась. Вернитесь к списку и откройте груз снова."


class DetailState(rx.State):
    cargo_id: str = ""
    cargo: DetailView = {}  # type: ignore[typeddict-item]  # empty until a cargo is loaded
    contacts: list[ContactRow] = []
    loading: bool = False
    error: str = ""
    gone: bool = False
    gone_route: str = ""  # «Москва → Казань» of a withdrawn cargo, when the feed had seen it
    similar: list[CardView] = []  # cards like a withdrawn cargo (same direction, similar size)
    stale: str = ""
    status: str = ""  # the response badge, «» when the driver has not responded
    phone: str = ""
    phone_error: str = ""
    sending: bool = False
    note_open: bool = False  # a long extranote shown in full
    retry_in: int = -1  # seconds until the page's timer presses «Повторить»; -1: not scheduled
    retry_seq: int = 0
    _attempt: int = 0
    _pending: tuple[str, int] | None = None  # (cargo id, driver id) begun by load/retry, for fetch
    _seq: int = 0  # the newest load begun: an older fetch's answer is dropped

    @rx.event
    async def retry(self):
        """«Повторить» after a failed load, pressed by the driver or by the page's timer."""
        if self.loading or not self.error:
            return None
        self.cargo_id = ""  # load() keeps a loaded cargo; this one failed
        return await self._begin(retrying=True)

    @rx.event
    async def load(self):
        # A page's loader, so not a background event (Reflex would start it before the session's
        # `open` has run): it begins the load, and `fetch` asks CargoTech without the state's
        # lock (see FeedState). Reflex cancels an unfinished loader chain when the page loads
        # again (a reconnect), so a cargo not shown yet is always fetched anew, never left to a
        # fetch that may have been cancelled; the older answer, if it comes, is dropped.
        return await self._begin(retrying=False)

    async def _begin(self, *, retrying: bool):
        driver = await current_driver(self)
        cargo_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        if driver is None or not CARGO_ID_RE.match(cargo_id):
            self.error = "" if driver is None else "Неверный номер груза."
            return None
        if cargo_id == self.cargo_id and self.cargo:
            return ReturnLoadsState.load_for(cargo_id)  # shown; its loads back may have been cut short
        self.cargo_id, self.cargo, self.contacts, self.gone, self.error, self.status = cargo_id, {}, [], False, "", ""
        self.phone_error, self.similar, self.gone_route, self.note_open = "", [], "", False
        self.retry_in = -1
        if not retrying:
            self._attempt = 0
        self.loading = True
        self._seq += 1
        self._pending = (cargo_id, driver.driver_id)
        return DetailState.fetch

    @rx.event(background=True)
    async def fetch(self):
        """The CargoTech side of the load `_begin` started (callable by anyone, like every
        handler: it only runs what the server queued for this tab); the answer of a load
        overtaken by a newer one is dropped."""
        async with self:
            pending, self._pending = self._pending, None
            if pending is None:
                return
            (cargo_id, driver_id), phone, seq = pending, self.phone, self._seq
        runtime = get_runtime()
        marks = FeedMarks(runtime.cache, runtime.drivers)
        # A cargo some list has shown is the feed's; any other id is a lookup on the driver's budget.
        seen = await marks.sighting(cargo_id)
        caller = Caller(driver_id) if seen is not None else Caller.lookup(driver_id)
        try:
            served = await runtime.cargos.detail(cargo_id, caller=caller)
            statuses = await runtime.responses.status_of(driver_id, [cargo_id])
        except CargoNotFound:
            async with self:
                if seq != self._seq:
                    return
                self.gone = True  # say «груз снят» at once; similar offers may take an upstream call
                feed = await self.get_state(FeedState)
                feed._mark_gone({cargo_id})  # back in the list, its card says «снят»
            gone_route, similar = await similar_offers(runtime.cargos, marks, cargo_id)
            async with self:
                if seq == self._seq:
                    self.gone_route, self.similar, self.loading = gone_route, similar, False
            return
        except CargoTechError as exc:
            async with self:
                if seq == self._seq:
                    recovery = recovery_for(exc, self._attempt)
                    self.error = recovery.message
                    self.retry_in = recovery.retry_in_s
                    self.retry_seq += 1
                    self._attempt += 1
                    self.loading = False
            return
        view = detail_view(served.value)
        view["old_price"] = await marks.detail_price_note(seen, served.value)
        view["share_url"] = share_url(runtime.responses.bot_username, cargo_id, share_text(view))
        badge = await runtime.lane_rates.badge_for(served.value)
        view["market"], view["market_tone"] = (badge.text, badge.tone) if badge else ("", "")
        # Prefilled from the driver's last response.
        last_phone = phone or await runtime.drivers.last_phone(driver_id)
        async with self:
            if seq != self._seq:
                return
            self._attempt = 0
            self.cargo = view
            self.contacts = contacts_view(served.value.contacts)
            self.stale = "Показаны сохранённые данные: CargoTech недоступен" if served.stale else ""
            self.status = status_label(statuses[cargo_id].status) if cargo_id in statuses else ""
            if not self.phone:
                self.phone = last_phone
            self.loading = False
        yield ReturnLoadsState.load_for(cargo_id)

    @rx.event
    def toggle_note(self):
        self.note_open = not self.note_open

    @rx.event
    def set_phone(self, phone: str):
        if isinstance(phone, str):
            self.phone = phone[:30]
            self.phone_error = ""

    @rx.event
    def ask_contact(self):
        return rx.call_script(app_js.call("requestContact"), callback=DetailState.got_contact)

    @rx.event
    def got_contact(self, phone: str):
        if isinstance(phone, str) and phone:
            self.phone = phone[:30]
            self.phone_error = ""

    @rx.event
    async def respond(self):
        driver = await current_driver(self)
        if self.sending:
            return
        if driver is None or not self.cargo:
            session = await self.get_state(SessionState)
            if not (session.signed_in and self.cargo):
                # The server no longer has this tab's state (Redis or the app restarted under
                # it): the page still shows the cargo, so say why nothing was sent.
                self.phone_error = STATE_LOST
            return  # otherwise: too many actions at once; SessionState.notice says so
        self.sending = True
        yield rx.call_script(app_js.call("confirmClosing"))
        outcome = "error"
        try:
            response, _created = await get_runtime().responses.respond(
                driver_id=driver.driver_id,
                cargo_id=self.cargo_id,
                phone=self.phone,
                driver_name=driver.driver_name,
                username=driver.username,
                route=self.cargo.get("route", ""),
                price=self.cargo.get("price", ""),
            )
        except ResponseError as exc:
            self.phone_error = exc.user_message
        else:
            self.status = status_label(response.status)
            await get_runtime().drivers.set_last_phone(driver.driver_id, self.phone)
            feed = await self.get_state(FeedState)
            feed._show_status(self.cargo_id, self.status)
            outcome = "success"
        finally:
            self.sending = False
        yield rx.call_script(app_js.call("afterSending", outcome))
