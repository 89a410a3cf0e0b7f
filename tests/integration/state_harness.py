"""Event handlers called the way Reflex calls them, on a state tree signed in with a live
session, with every request that leaves for CargoTech checked where it leaves."""

from __future__ import annotations

import asyncio
import inspect
import re
from urllib.parse import unquote

import httpx
from reflex.event import EventHandler, EventSpec
from reflex.state import State
from reflex_base.event.processor.base_state_processor import _prepare_event_payload

import cargo_webapp.cargo_webapp  # noqa: F401  (registers every page's state)
from cargo_webapp.state import session_state
from cargo_webapp.state.session_state import SessionState
from services.identity.telegram_auth import TelegramUser
from services.infra import runtime as runtime_module
from services.infra.settings import DEV_ADMIN_ID
from services.primitives.event_limiter import EventLimiter

# Requests CargoTech may get, with every value checked: ids are bounded ASCII digits.
ALLOWED_PATHS = re.compile(
    r"/v2/cargos/views|/v1/carrier/cargos/[0-9]{1,20}|/v1/dictionaries/(points|truck_types|load_types)"
    r"|/v1/auth/login|/v1/me"
)
NUMERIC_PARAM = re.compile(r"limit|offset|source|filter\[(start|finish)_point_(id|type|radius)\]|filter\[.*(_min|_max)\]")


def check_request(request: httpx.Request) -> None:
    path = unquote(request.url.path)
    assert ALLOWED_PATHS.fullmatch(path), f"unexpected CargoTech path {path[:80]!r}"
    for key, value in request.url.params.multi_items():
        assert len(value) <= 200, f"{key} carries {len(value)} characters"
        assert value.isprintable(), f"{key} carries control characters"
        if NUMERIC_PARAM.fullmatch(key):
            assert re.fullmatch(r"[0-9]{1,20}(,[0-9]{1,20})*", value), f"{key}={value[:40]!r} is not a bounded number"


async def wire(runtime, monkeypatch) -> list[httpx.Request]:
    """Make `runtime` the one handlers get, record and check its CargoTech requests."""
    requests: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        requests.append(request)
        check_request(request)  # raising here stops the request before it leaves

    runtime.http.event_hooks["request"].append(record)
    monkeypatch.setitem(runtime_module._runtimes, id(asyncio.get_running_loop()), runtime)
    # The per-second limiter would answer most fuzzed events with «слишком много действий»
    # before any validation ran; the limiter has its own tests.
    monkeypatch.setattr(session_state, "_limiter", EventLimiter(limit=10**9))
    return requests


async def signed_in_tree(driver_id: int = DEV_ADMIN_ID) -> State:
    """A state tree as SessionState.open leaves it: a live session (an admin's by default, so
    the admin handlers run in full)."""
    root = State(_reflex_internal_init=True)
    session = await root.get_state(SessionState)
    user = TelegramUser(
        id=driver_id,
        first_name="Пётр",
        last_name="Водитель",
        username="petr",
        language_code="ru",
        photo_url=None,
        is_premium=False,
        allows_write_to_pm=True,
        auth_date=0,
        start_param=None,
        query_id=None,
    )
    session.session_id = await runtime_module.get_runtime().sessions.create(user)
    session._set_driver(driver_id, "Пётр Водитель", "petr")
    return root


async def run_handler(root: State, state_class, name: str, payload: dict) -> None:
    """Run a handler, then the handlers of this app it chains (returned or yielded without
    arguments, as a loader hands its CargoTech call to a background event); events for the
    browser (scripts, redirects) are left alone."""
    state = await root.get_state(state_class)
    handler = state_class.event_handlers[name]
    # As Reflex does with an event from the wire: a submitted form's entries become the dict
    # its handler's annotation asks for.
    payload = _prepare_event_payload(handler, payload)
    result = handler.fn(state, **payload)
    if inspect.isawaitable(result):
        result = await result
    chained: list = []
    if inspect.isasyncgen(result):
        async for item in result:
            chained.append(item)
    elif inspect.isgenerator(result):
        chained.extend(result)
    else:
        chained.append(result)
    for item in chained:
        for event in item if isinstance(item, list | tuple) else [item]:
            chain = event if isinstance(event, EventHandler) else None
            if isinstance(event, EventSpec) and not event.args and event.handler.state is not None:
                chain = event.handler
            if chain is not None and chain.state is not None and chain.state is not State:
                await run_handler(root, chain.state, chain.fn.__name__, {})
