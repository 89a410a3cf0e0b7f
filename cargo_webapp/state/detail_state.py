"""Cargo detail screen: the detail view model, contacts, and the driver's response."""

from __future__ import annotations

import logging

import reflex as rx

from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.session_state import SessionState, current_driver
from services.cargo_detail_view import contacts_view, detail_view, share_text, share_url
from services.cargotech.errors import CargoNotFound, CargoTechError
from services.cargotech.models import CARGO_ID_RE
from services.feed_marks import FeedMarks
from services.recovery import recovery_for
from services.responses import ResponseError
from services.runtime import get_runtime
from services.similar_offers import similar_offers
from services.upstream_budget import Caller
from services.vocabulary import DriverDocument

log = logging.getLogger(__name__)
STATE_LOST = "Отклик не отправлен: связь с сервером обновилась. Вернитесь к списку и откройте груз снова."

# Telegram's requestContact hands back the phone only in newer clients; '' otherwise.
REQUEST_CONTACT = """new Promise((resolve) => {
  const tg = window.Telegram && window.Telegram.WebApp;
  if (!tg || !tg.requestContact) { resolve(""); return; }
  try {
    tg.requestContact((ok, result) => {
      const contact = result && result.responseUnsafe && result.responseUnsafe.contact;
      resolve(ok && contact && contact.phone_number ? String(contact.phone_number) : "");
    });
  } catch (e) { resolve(""); }
})"""
PROFILE = DriverDocument.PROFILE
# While a response is on its way, closing the app asks first (Telegram 6.2+); after it, not.
CONFIRM_CLOSING = "window.Telegram?.WebApp?.isVersionAtLeast('6.2') && Telegram.WebApp.enableClosingConfirmation()"


def after_sending(outcome: str) -> str:
    """Release the closing confirmation and let the driver feel the outcome (success | error)."""
    return (
        "(function(){var app=window.Telegram&&Telegram.WebApp;if(!app)return;"
        "if(app.isVersionAtLeast('6.2'))app.disableClosingConfirmation();"
        f"if(app.isVersionAtLeast('6.1'))app.HapticFeedback.notificationOccurred('{outcome}')}})()"
    )


class DetailState(rx.State):
    cargo_id: str = ""
    cargo: dict[str, str] = {}
    contacts: list[dict[str, str]] = []
    loading: bool = False
    error: str = ""
    gone: bool = False
    gone_route: str = ""  # «Москва → Казань» of a withdrawn cargo, when the feed had seen it
    similar: list[dict[str, str]] = []  # cards like a withdrawn cargo (same direction, similar size)
    stale: str = ""
    status: str = ""  # the response badge, «» when the driver has not responded
    phone: str = ""
    phone_error: str = ""
    sending: bool = False
    note_open: bool = False  # a long extranote shown in full
    retry_in: int = -1  # seconds until the page's timer presses «Повторить»; -1: not scheduled
    retry_seq: int = 0
    _attempt: int = 0

    @rx.event
    async def retry(self):
        """«Повторить» after a failed load, pressed by the driver or by the page's timer."""
        if self.loading or not self.error:
            return
        self.cargo_id = ""  # load() keeps a loaded cargo; this one failed
        async for update in self._load(retrying=True):
            yield update

    @rx.event
    async def load(self):
        async for update in self._load(retrying=False):
            yield update

    async def _load(self, *, retrying: bool):
        driver = await current_driver(self)
        cargo_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        if driver is None or not CARGO_ID_RE.match(cargo_id):
            self.error = "" if driver is None else "Неверный номер груза."
            return
        if cargo_id == self.cargo_id and self.cargo:
            return
        self.cargo_id, self.cargo, self.contacts, self.gone, self.error, self.status = cargo_id, {}, [], False, "", ""
        self.phone_error, self.similar, self.gone_route, self.note_open = "", [], "", False
        self.retry_in = -1
        if not retrying:
            self._attempt = 0
        self.loading = True
        yield
        runtime = get_runtime()
        marks = FeedMarks(runtime.cache, runtime.drivers)
        # A cargo some list has shown is the feed's; any other id is a lookup on the driver's budget.
        seen = await marks.sighting(cargo_id)
        caller = Caller(driver.driver_id) if seen is not None else Caller.lookup(driver.driver_id)
        try:
            served = await runtime.cargos.detail(cargo_id, caller=caller)
            statuses = await runtime.responses.status_of(driver.driver_id, [cargo_id])
        except CargoNotFound:
            self.gone = True
            feed = await self.get_state(FeedState)
            feed._mark_gone({cargo_id})  # back in the list, its card says «снят»
            yield  # say «груз снят» at once; similar offers may take an upstream call (loading stays on)
            self.gone_route, self.similar = await similar_offers(runtime.cargos, marks, cargo_id)
        except CargoTechError as exc:
            recovery = recovery_for(exc, self._attempt)
            self.error = recovery.message
            self.retry_in = recovery.retry_in_s
            self.retry_seq += 1
            self._attempt += 1
        else:
            self._attempt = 0
            view = detail_view(served.value)
            if seen is not None and seen.price == served.value.shown_price:
                view["old_price"] = seen.price_note(marks.now())
            else:
                await marks.remember(served.value)  # the route, should the cargo be withdrawn later
            view["share_url"] = share_url(runtime.responses.bot_username, cargo_id, share_text(view))
            self.cargo = view
            self.contacts = contacts_view(served.value.contacts)
            self.stale = "Показаны сохранённые данные: CargoTech недоступен" if served.stale else ""
            self.status = status_label(statuses[cargo_id].status) if cargo_id in statuses else ""
            if not self.phone:  # prefilled from the driver's last response
                profile = await get_runtime().drivers.get(driver.driver_id, PROFILE)
                self.phone = str((profile or {}).get("phone", ""))
        finally:
            self.loading = False

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
        return rx.call_script(REQUEST_CONTACT, callback=DetailState.got_contact)

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
        yield rx.call_script(CONFIRM_CLOSING)
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
            await get_runtime().drivers.put(driver.driver_id, PROFILE, {"phone": self.phone})
            feed = await self.get_state(FeedState)
            feed._show_status(self.cargo_id, self.status)
            outcome = "success"
        finally:
            self.sending = False
        yield rx.call_script(after_sending(outcome))
