"""«Мои отклики»: the driver's responses with their status badges."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.session_state import current_driver
from services.formatting import moment
from services.runtime import get_runtime


class ResponsesState(rx.State):
    items: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        driver = await current_driver(self)
        if driver is None:
            return
        responses = await get_runtime().responses.list_for(driver.driver_id)
        self.items = [
            {"cargo_id": r.cargo_id, "route": r.route, "price": r.price, "status": status_label(r.status),
             "at": moment(r.created_at)}
            for r in responses
        ]
        self.loaded = True

    def show_status(self, cargo_id: str, label: str) -> None:
        self.items = [{**item, "status": label} if item["cargo_id"] == cargo_id else item for item in self.items]
