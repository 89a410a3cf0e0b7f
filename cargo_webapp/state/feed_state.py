"""Feed UI state: the current page's card view models and flags. Data lives in services/."""

from __future__ import annotations

import logging

import reflex as rx

from services.cargotech.errors import CargoTechError
from services.feed import load_feed_page
from services.formatting import stale_note
from services.runtime import get_runtime

log = logging.getLogger(__name__)


class FeedState(rx.State):
    cards: list[dict[str, str]] = []
    total: int = -1  # -1: CargoTech did not say
    next_offset: int = -1  # -1: no further page
    loading: bool = False
    error: str = ""
    stale: str = ""  # «данные от 14:05, CargoTech недоступен» when the cache serves old data

    @rx.var
    def counter(self) -> str:
        if self.total >= 0:
            return f"{len(self.cards)} из {self.total}"
        return f"{len(self.cards)}" if self.cards else ""

    @rx.event
    async def on_open(self):
        # on_load runs again on every websocket reconnect; keep what is already shown.
        if self.cards or self.loading:
            return
        async for update in self._fetch(offset=0):
            yield update

    @rx.event
    async def reload(self):
        if self.loading:
            return
        async for update in self._fetch(offset=0):
            yield update

    @rx.event
    async def load_more(self):
        if self.loading or self.next_offset < 0:
            return
        async for update in self._fetch(offset=self.next_offset):
            yield update

    async def _fetch(self, *, offset: int):
        self.loading = True
        self.error = ""
        yield
        try:
            page = await load_feed_page(get_runtime().cargos, offset=offset)
        except CargoTechError as exc:
            log.warning("feed load failed: %s", exc)
            self.error = exc.user_message
        else:
            # Cargos shift between polls: a page may repeat an item, so deduplicate by id.
            known = {card["id"] for card in self.cards} if offset else set()
            fresh = [card for card in page.cards if card["id"] not in known]
            self.cards = (self.cards + fresh) if offset else fresh
            self.total = page.total if page.total is not None else -1
            self.next_offset = page.next_offset if page.next_offset is not None else -1
            self.stale = stale_note(page.fetched_at) if page.stale else ""
        finally:
            self.loading = False
