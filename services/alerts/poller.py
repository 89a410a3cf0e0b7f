"""The alert poller: once per window, each distinct alert query is fetched once (through the
shared SWR cache the feed uses, so a driver with the feed open costs nothing extra), new cargos
are detected and recorded per driver with their bot message in one transaction.

Several workers may run it: a query is polled under the Redis lock `alerts:poll:<key>` and
only if the shared marker `alerts:polled:<key>` says no one did in this window; held
quiet-hours alerts are released under `alerts:flush`. "Never twice" is the database's unique
(driver, cargo) constraint, not the locks: a lost lock costs at most a duplicate upstream call.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import time
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from services.alerts.detection import SeenStore
from services.alerts.ledger import HELD, SENT, AlertDelivery
from services.alerts.messages import DIGEST_OVER, digest_buttons, digest_text, single_buttons, single_text
from services.alerts.quiet_hours import is_quiet
from services.alerts.saved_searches import SavedSearch, SavedSearchService, alert_query
from services.cargotech.errors import CargoTechError
from services.cargotech.models import CargoPage
from services.clock import utcnow
from services.dispatch.outbox import new_message
from services.feed.cache import CargoService, Served
from services.feed.cards import CardView, card_view
from services.feed.filters import FilterValidationError, validate_filters
from services.infra.db import run_db
from services.primitives.cache_backend import CacheBackend
from services.primitives.locks import LockFactory, LockTimeout
from services.vocabulary import OutboxKind

log = logging.getLogger(__name__)

KIND = OutboxKind.CARGO_ALERT
POLL_LOCK_TTL_S = 90  # outlives an upstream call plus a login's wait
PARALLEL_QUERIES = 4


class _Raced(Exception):
    """Another worker released these held alerts first."""


@dataclasses.dataclass
class PollReport:
    polled: int = 0  # queries fetched in this cycle
    new_cargos: int = 0
    sent: int = 0  # (driver, cargo) pairs queued for delivery now
    held: int = 0  # … held for quiet hours
    released: int = 0  # held ones released as digests
    messages: int = 0  # outbox messages written


class AlertPoller:
    def __init__(
        self,
        *,
        cargos: CargoService,
        cache: CacheBackend,
        locks: LockFactory,
        searches: SavedSearchService,
        engine: Engine,
        bot_username: Callable[[], str],
        wake_outbox: Callable[[], None],
        window_s: float,
        max_queries_per_window: int = 200,
        clock: Callable[[], float] = time.time,
        now: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._cargos = cargos
        self._cache = cache
        self._locks = locks
        self._searches = searches
        self._engine = engine
        self._bot_username = bot_username
        self._wake = wake_outbox
        self.window_s = window_s
        # A third of the 600/min CargoTech budget at most, with the default 60 s window.
        self._max_queries = max_queries_per_window
        self._clock = clock
        # The wall clock of quiet hours and of the ledger's times (a test fixes the time of day).
        self.now = now
        self.seen = SeenStore(cache)

    async def run(self) -> None:
        tick = max(1.0, min(15.0, self.window_s / 4))
        while True:
            try:
                await self.poll_once()
            except Exception:  # a database or Redis blip must not end alerts for good
                log.exception("alert poll failed; retrying next tick")
            await asyncio.sleep(tick)

    async def poll_once(self) -> PollReport:
        report = PollReport()
        groups: dict[str, list[SavedSearch]] = {}
        for search in await self._searches.alert_searches():
            groups.setdefault(search.query_key, []).append(search)
        last = {key: await self._last_polled(key) for key in groups}
        now = self._clock()
        # Longest-waiting first, and no more than the budget allows in one window.
        due = sorted((key for key in groups if now - last[key] >= self.window_s * 0.9), key=last.__getitem__)
        limiter = asyncio.Semaphore(PARALLEL_QUERIES)

        async def one(key: str) -> None:
            async with limiter:
                await self._poll_query(key, groups[key], report)

        await asyncio.gather(*(one(key) for key in due[: self._max_queries]))
        await self.release_held(report)
        if report.messages:
            self._wake()
        return report

    # --- one query ------------------------------------------------------------------------

    async def _poll_query(self, key: str, group: list[SavedSearch], report: PollReport) -> None:
        try:
            filters = validate_filters(json.loads(group[0].filters_json))
        except (FilterValidationError, ValueError):
            return  # e.g. a loading date that has passed: nothing can match it any more
        query = alert_query(filters)
        try:
            async with self._locks.hold(f"alerts:poll:{key}", ttl_s=POLL_LOCK_TTL_S, wait_s=0):
                if self._clock() - await self._last_polled(key) < self.window_s * 0.9:
                    return  # another worker polled it in this window
                served = await self._fresh_page(query)
                await self._cache.set(f"alerts:polled:{key}", repr(self._clock()).encode(), self.window_s * 3)
                report.polled += 1
                items = served.value.data
                fresh = await self.seen.observe(key, [item.id for item in items], self._clock())
        except LockTimeout:
            return  # another worker is polling it right now
        except CargoTechError as exc:
            log.info("alert poll of %s skipped: %s", key, exc)
            return
        if not fresh:
            return
        report.new_cargos += len(fresh)
        # Oldest of the new first, as they appeared.
        cards = [card_view(item) for item in reversed(items) if item.id in fresh]
        await self._deliver(group, cards, fresh, report)

    async def _fresh_page(self, query: dict[str, str]) -> Served[CargoPage]:
        """The page no older than a window. An older cache entry is not served while CargoTech
        answers: the cache fills it again, one upstream call however many workers ask (a refresh
        already on its way is joined, not repeated)."""
        return await self._cargos.list_page(query, not_before=self._clock() - self.window_s)

    async def _last_polled(self, key: str) -> float:
        raw = await self._cache.get(f"alerts:polled:{key}")
        try:
            return float(raw) if raw else 0.0
        except ValueError:
            return 0.0

    # --- recording and messages ---------------------------------------------------------

    async def _deliver(
        self, group: list[SavedSearch], cards: list[CardView], fresh: dict[str, float], report: PollReport
    ) -> None:
        per_driver: dict[int, list[tuple[SavedSearch, CardView]]] = {}
        for search in sorted(group, key=lambda s: s.id or 0):
            since = _epoch(search.alerts_since)
            entries = per_driver.setdefault(search.driver_id, [])
            taken = {card["id"] for _, card in entries}
            entries.extend((search, card) for card in cards if fresh[card["id"]] > since and card["id"] not in taken)
        quiet = await self._searches.quiet_hours_for(list(per_driver))
        now = self.now()
        for driver_id, entries in per_driver.items():
            if entries:
                await self._record(driver_id, entries, is_quiet(quiet.get(driver_id), now), report)

    async def _record(self, driver_id: int, entries: list[tuple[SavedSearch, CardView]], quiet: bool, report: PollReport) -> None:
        """The ledger rows and their message(s), all or nothing. A concurrent insert of the same
        (driver, cargo) fails the transaction; the retry then skips what is already recorded."""
        bot = self._bot_username()

        def _work(session: Session) -> tuple[int, int]:
            ids = [card["id"] for _, card in entries]
            known = set(
                session.exec(
                    select(AlertDelivery.cargo_id).where(
                        col(AlertDelivery.driver_id) == driver_id, col(AlertDelivery.cargo_id).in_(ids)
                    )
                ).all()
            )
            todo = [(search, card) for search, card in entries if card["id"] not in known]
            now = self.now()
            for search, card in todo:
                session.add(
                    AlertDelivery(
                        driver_id=driver_id,
                        cargo_id=card["id"],
                        search_id=search.id or 0,
                        status=HELD if quiet else SENT,
                        sent_at=None if quiet else now,
                        card_json=json.dumps(card, ensure_ascii=False),
                    )
                )
            session.flush()  # the unique constraint speaks here, before any message is added
            if quiet or not todo:
                return len(todo), 0
            if len(todo) > DIGEST_OVER:
                named = list(dict.fromkeys((s.id or 0, s.name) for s, _ in todo))
                session.add(
                    new_message(KIND, 0, driver_id, digest_text([(s.name, c) for s, c in todo], bot), digest_buttons(bot, named))
                )
                return len(todo), 1
            for search, card in todo:
                session.add(
                    new_message(
                        KIND, 0, driver_id, single_text(search.name, card), single_buttons(bot, search.id or 0, card["id"])
                    )
                )
            return len(todo), len(todo)

        for attempt in range(3):
            try:
                recorded, messages = await run_db(self._engine, _work)
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        if quiet:
            report.held += recorded
        else:
            report.sent += recorded
        report.messages += messages

    # --- quiet hours over: one digest ----------------------------------------------------

    async def release_held(self, report: PollReport | None = None) -> None:
        report = report or PollReport()
        try:
            async with self._locks.hold("alerts:flush", ttl_s=POLL_LOCK_TTL_S, wait_s=0):
                drivers = await run_db(
                    self._engine,
                    lambda s: sorted(set(s.exec(select(AlertDelivery.driver_id).where(AlertDelivery.status == HELD)).all())),
                )
                quiet = await self._searches.quiet_hours_for(drivers)
                now = self.now()
                for driver_id in drivers:
                    if not is_quiet(quiet.get(driver_id), now):
                        await self._release(driver_id, report)
        except LockTimeout:
            return

    async def _release(self, driver_id: int, report: PollReport) -> None:
        bot = self._bot_username()

        def _work(session: Session) -> int:
            rows = list(
                session.exec(
                    select(AlertDelivery)
                    .where(col(AlertDelivery.driver_id) == driver_id, col(AlertDelivery.status) == HELD)
                    .order_by(col(AlertDelivery.id))
                ).all()
            )
            if not rows:
                return 0
            # Compare-and-set: only one worker moves these rows from held to sent.
            moved = session.exec(
                update(AlertDelivery)
                .where(col(AlertDelivery.id).in_([r.id for r in rows]), col(AlertDelivery.status) == HELD)
                .values(status=SENT, sent_at=self.now())
            )
            if moved.rowcount != len(rows):
                raise _Raced()
            names = {
                s.id: s.name
                for s in session.exec(select(SavedSearch).where(col(SavedSearch.id).in_({r.search_id for r in rows}))).all()
            }
            entries = [(names.get(r.search_id, "поиск"), r.card) for r in rows]
            searches = list(dict.fromkeys((r.search_id, names.get(r.search_id, "поиск")) for r in rows if r.search_id in names))
            session.add(new_message(KIND, 0, driver_id, digest_text(entries, bot, held=True), digest_buttons(bot, searches)))
            return len(rows)

        try:
            released = await run_db(self._engine, _work)
        except _Raced:
            return
        if released:
            report.released += released
            report.messages += 1


def _epoch(moment: dt.datetime | None) -> float:
    """When alerts were switched on; never (∞) when off. SQLite hands datetimes back naive (UTC)."""
    if moment is None:
        return float("inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()
