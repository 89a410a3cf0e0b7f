"""Live response badges: when a dispatcher decides, the driver's open app changes at once.

The services layer only calls a listener with (driver, cargo, status). Here it is turned into a
state change for every browser tab the driver has open; Reflex delivers it through its state
manager (Redis with several workers), whichever worker holds the tab's websocket.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import reflex as rx

from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.live_state import LiveState
from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.responses_state import ResponsesState
from services.drivers.presence import open_tabs
from services.infra.runtime import get_runtime

log = logging.getLogger(__name__)


def lifespan_for(app: rx.App):
    @contextlib.asynccontextmanager
    async def live_status() -> AsyncIterator[None]:
        async def push(driver_id: int, cargo_id: str, status: str) -> None:
            label = status_label(status)
            for token in await open_tabs(get_runtime().drivers, driver_id):
                try:
                    async with app.modify_state(rx.BaseStateToken(ident=token, cls=FeedState)) as root:
                        feed = await root.get_state(FeedState)
                        feed._show_status(cargo_id, label)
                        detail = await root.get_state(DetailState)
                        if detail.cargo_id == cargo_id:
                            detail.status = label
                        responses = await root.get_state(ResponsesState)
                        responses._show_status(cargo_id, status)
                        (await root.get_state(LiveState))._felt(status)
                except Exception:  # one stale tab must not keep the others from updating
                    log.exception("could not update tab %s", token[:8])

        listeners = get_runtime().responses.listeners
        listeners.append(push)
        try:
            yield
        finally:
            listeners.remove(push)

    return live_status
