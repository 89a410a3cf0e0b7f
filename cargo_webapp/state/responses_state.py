"""«Мои отклики»: the driver's responses with their status badges."""

from __future__ import annotations

import reflex as rx

from cargo_webapp.state.response_labels import status_label
from cargo_webapp.state.session_state import current_driver
from cargo_webapp.state.view_models import ResponseItem
from services.dispatch.responses import ResponseView
from services.formatting import moment
from services.infra.runtime import get_runtime


def response_item(view: ResponseView) -> ResponseItem:
    return ResponseItem(
        cargo_id=view.cargo_id, route=view.route, price=view.price, status=status_label(view.status), at=moment(view.created_at)
    )


def with_status(item: ResponseItem, status: str) -> ResponseItem:
    """The item after a live status change."""
    changed = item.copy()
    changed["status"] = status_label(status)
    return changed


class ResponsesState(rx.State):
    items: list[ResponseItem] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        driver = await current_driver(self)
        if driver is None:
            return
        responses = await get_runtime().responses.list_for(driver.driver_id)
        self.items = [response_item(r) for r in responses]
        self.loaded = True

    # Underscored: Reflex makes every public method a handler any client may call.
    def _show_status(self, cargo_id: str, status: str) -> None:
        self.items = [with_status(item, status) if item["cargo_id"] == cargo_id else item for item in self.items]
