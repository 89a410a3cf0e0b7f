"""Who the driver is. The session id is the driver's own opaque handle (kept in localStorage
so a reload or a reopened web view stays signed in); everything else stays on the server."""

from __future__ import annotations

import logging

import reflex as rx
from reflex_base.registry import RegistrationContext

from cargo_webapp import app_js
from services.drivers.presence import remember_tab
from services.identity.sign_in import SignInRefused, cargo_path, launch_key, launch_of, resume, sign_in
from services.infra.runtime import get_runtime
from services.primitives.event_limiter import EventLimiter

log = logging.getLogger(__name__)

LAUNCH_INIT_DATA_KEY = "ct_launch_init_data"


class SessionState(rx.State):
    session_id: str = rx.LocalStorage("", name="ct_session")
    # Telegram's initData as the page found it at launch (cargo_webapp.py writes it to this
    # tab's sessionStorage before the app hydrates); validated exactly like `exchange`'s.
    launch_init_data: str = rx.SessionStorage("", name=LAUNCH_INIT_DATA_KEY)
    # The fingerprint of the launch this tab has acted on: a reload brings the same initData
    # back (Telegram keeps it for the web view) and must not follow its deep link again.
    launch_used: str = rx.SessionStorage("", name="ct_launch_used")
    driver_name: str = ""
    signed_in: bool = False
    auth_error: str = ""
    notice: str = ""  # e.g. «слишком много действий», shown briefly on any screen
    _driver_id: int = 0
    _username: str = ""
    # The page `open` sent the driver away from (a deep link): its own loader, queued right
    # after `open`, has nothing to show there and must not fetch (see current_driver).
    _leaving: str = ""

    @rx.event
    async def open(self):
        """First on_load of every page (see `signed_in`): resume the session (checked each time:
        it may have been replaced by a sign-in elsewhere, or expired), or sign in with initData.
        Either way a new launch's deep link (startapp=cargo_<id>) is followed. The page's own
        loader comes next in the same on_load list and finds the driver signed in."""
        runtime = get_runtime()
        self._leaving = ""
        data = await resume(runtime, self.session_id)
        launch, self.launch_init_data = self.launch_init_data, ""  # used once
        if data is not None:
            target = None
            if launch and launch_key(launch) != self.launch_used:
                self.launch_used = launch_key(launch)
                user = launch_of(runtime, launch)
                if user is not None and user.id != data.driver_id:
                    # Another Telegram account opened the app on this device: it is signed in as itself.
                    return await self._sign_in(launch, then_load=False)
                target = cargo_path(user.start_param) if user is not None else None
            self._set_driver(data.driver_id, " ".join(filter(None, [data.first_name, data.last_name])), data.username or "")
            await remember_tab(runtime.drivers, runtime.locks, data.driver_id, self.router.session.client_token)
            return self._follow(target)
        self.signed_in, self._driver_id = False, 0
        if launch:
            # The page put Telegram's initData in sessionStorage before hydrating, so it came
            # with this event: sign in now, one websocket round trip (~0.6 s on 3G) sooner.
            return await self._sign_in(launch, then_load=False)
        return rx.call_script(app_js.call("readInitData"), callback=SessionState.exchange)

    @rx.event
    async def exchange(self, init_data: str):
        # The page's loader already ran (and found nobody signed in): run it again now.
        return await self._sign_in(init_data, then_load=True)

    async def _sign_in(self, init_data: str, *, then_load: bool):
        runtime = get_runtime()
        try:
            session_id, user = await sign_in(runtime, init_data)
        except SignInRefused as exc:
            self.auth_error = exc.user_message
            return
        self.session_id = session_id
        if init_data:
            self.launch_used = launch_key(init_data)
        self._set_driver(user.id, " ".join(filter(None, [user.first_name, user.last_name])), user.username or "")
        await remember_tab(runtime.drivers, runtime.locks, user.id, self.router.session.client_token)
        # A t.me link with startapp=cargo_<id> opens that cargo directly.
        redirect = self._follow(cargo_path(user.start_param))
        if redirect is not None or not then_load:
            return redirect
        return self._page_loaders()

    def _set_driver(self, driver_id: int, name: str, username: str) -> None:
        self._driver_id = driver_id
        self._username = username
        self.driver_name = name
        self.signed_in = True
        self.auth_error = ""

    def _follow(self, target: str | None):
        """Go to a deep link's page, unless the driver is on it already."""
        here = self.router.url.path.rstrip("/")
        if target and target != here:
            self._leaving = self.router.url.path
            return rx.redirect(target)
        return None

    def _page_loaders(self):
        """The loaders the current page declares after `open` (cargo_webapp.py, `signed_in`),
        read from the app the way Reflex's own on_load does."""
        declared = RegistrationContext.get().app.get_load_events(self.router.url.path)
        return [event for event in declared if event is not SessionState.open]

    @property
    def driver_id(self) -> int:
        return self._driver_id

    @property
    def username(self) -> str | None:
        return self._username or None


def signed_in(loader):
    """on_load for a page that shows a driver's data: the session opens first, then `loader`.

    Reflex runs an on_load list in order, one event after another, and runs it again on every
    reconnect, so both must stay cheap and idempotent. Every loader starts with
    `current_driver`, so it does nothing for a driver not (yet) signed in; when initData has
    to be fetched from the page first, `exchange` runs the page's loader again once signed in."""
    return [SessionState.open, loader]


# Every data handler goes through current_driver, so this one limiter covers them all.
_limiter = EventLimiter(limit=10, window_s=1.0)
TOO_FAST = "Слишком много действий подряд — подождите секунду."
SESSION_ENDED = "Сеанс завершён. Откройте приложение заново из бота."


async def current_driver(state: rx.State) -> SessionState | None:
    """The signed-in driver's session state, or None: every data handler checks this first.

    Past 10 events a second a driver gets a gentle notice instead of an answer. The session is
    looked up on every event, so one revoked (a sign-in on another device, an admin) or expired
    stops working in an open tab at once, not at its next page load."""
    session = await state.get_state(SessionState)
    if not (session.signed_in and session.driver_id):
        return None
    if session._leaving and session._leaving == state.router.url.path:
        return None  # a deep link is taking the driver elsewhere: this page loads nothing
    if not _limiter.allow(session.driver_id):
        session.notice = TOO_FAST
        return None
    live = await get_runtime().sessions.get(session.session_id) if session.session_id else None
    if live is None or live.driver_id != session.driver_id:
        session.signed_in, session._driver_id, session.driver_name = False, 0, ""
        session.auth_error = SESSION_ENDED
        return None
    if session.notice:
        session.notice = ""
    return session
