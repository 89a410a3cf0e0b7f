"""Lane rates: what the market pays per kilometre on a direction, from every cargo the app sees.

Every list page the shared cache serves hands its items to `LaneRecorder.observe`, which only
keeps them in memory (a dict lookup per item): the feed never waits on the database and a
database failure never fails a page. A background flush writes them in batches, one row per
cargo and Moscow day (an insert that ignores duplicates), so a cargo seen by a thousand drivers
costs one row a day.

`LaneRates` answers the median and spread (p25/p75) of ₽/км of a lane (loading city → unloading
city, truck class) over the last WINDOW_DAYS, counting each cargo once (its latest price), and
says nothing below MIN_OBSERVATIONS. Answers are kept in memory per lane, so a feed page costs at
most one small query and usually none: figures for STATS_TTL_S (a median moves slowly), but «too
few» only for FEW_TTL_S, and not at all where a driver opened one lane on purpose (a cargo's detail,
the rates page) or once this process has written new sightings of the lane. A lane reaching its
fifth observation shows its badge within seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import statistics
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import BigInteger, Index, UniqueConstraint, and_, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from services.cargotech.models import CargoItem
from services.feed.cards import CardView, price_per_km
from services.feed.similar_offers import weight_class_for
from services.formatting import MOSCOW, date_range, wall_clock
from services.infra.db import run_db

log = logging.getLogger(__name__)

WINDOW_DAYS = 14
MIN_OBSERVATIONS = 5
NEUTRAL_PERCENT = 3  # within ±3 % of the median a price is the market's: no badge
STATS_TTL_S = 300
FEW_TTL_S = 30  # «too few» turns into figures as sightings arrive: remembered briefly
FLUSH_DELAY_S = 5.0
MAX_PENDING = 5_000  # beyond this, sightings wait for the next page (the database is behind)
MAX_REMEMBERED = 50_000  # (cargo, day) pairs already written by this process
ANY_CLASS = "any"


class LaneObservation(SQLModel, table=True):
    """One cargo seen on one Moscow day: its route, truck class and carrier's ₽/км (kopecks)."""

    __tablename__ = "lane_observation"
    __table_args__ = (
        UniqueConstraint("cargo_id", "seen_day", name="uq_lane_cargo_day"),
        Index("ix_lane_observation_lane", "from_city_id", "to_city_id", "seen_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cargo_id: str
    seen_day: dt.date
    seen_at: dt.datetime
    from_city_id: int = Field(sa_type=BigInteger)
    from_city: str
    to_city_id: int = Field(sa_type=BigInteger)
    to_city: str
    truck_class: str
    per_km: int  # kopecks per km
    loading_date: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class Lane:
    from_id: int
    to_id: int
    truck_class: str = ANY_CLASS  # ANY_CLASS: every class together


@dataclasses.dataclass(frozen=True)
class LaneStats:
    count: int
    median: float  # kopecks per km
    p25: float
    p75: float


@dataclasses.dataclass(frozen=True)
class MarketBadge:
    percent: int  # signed: above the median is positive
    text: str  # «на 12 % выше рынка»
    tone: str  # "above" (green) | "below" (amber)


def moscow_day(epoch_s: float) -> dt.date:
    return dt.datetime.fromtimestamp(epoch_s, MOSCOW).date()


def loading_day(item: CargoItem) -> dt.date | None:
    """The cargo's first loading day on the driver's clock (services.formatting.wall_clock)."""
    moment = wall_clock(item.points.start.first_date)
    if isinstance(moment, dt.datetime):
        return moment.date()
    return moment


def truck_class_of(item: CargoItem) -> str:
    return weight_class_for(item.weight, item.volume)


def lane_of(item: CargoItem) -> Lane | None:
    start, finish = item.points.start.city.id, item.points.finish.city.id
    if not start or not finish:
        return None
    return Lane(start, finish, truck_class_of(item))


def observation(item: CargoItem, now: float) -> LaneObservation | None:
    """The row for a cargo seen at `now`, or None when it has no route ids or no ₽/км."""
    lane, per_km = lane_of(item), price_per_km(item)
    if lane is None or not per_km:
        return None
    return LaneObservation(
        cargo_id=item.id,
        seen_day=moscow_day(now),
        seen_at=dt.datetime.fromtimestamp(now, dt.UTC),
        from_city_id=lane.from_id,
        from_city=item.points.start.city.name[:100],
        to_city_id=lane.to_id,
        to_city=item.points.finish.city.name[:100],
        truck_class=lane.truck_class,
        per_km=per_km,
        loading_date=loading_day(item),
    )


# --- statistics (pure) --------------------------------------------------------------------------


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (the spreadsheet's PERCENTILE.INC)."""
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def lane_stats(values: Iterable[float], *, min_count: int = MIN_OBSERVATIONS) -> LaneStats | None:
    """Median and p25/p75 of ₽/км values; None below `min_count` observations."""
    ordered = sorted(v for v in values if v and v > 0)
    if len(ordered) < max(1, min_count):
        return None
    return LaneStats(len(ordered), float(statistics.median(ordered)), _quantile(ordered, 0.25), _quantile(ordered, 0.75))


def market_badge(per_km: int | None, stats: LaneStats | None) -> MarketBadge | None:
    """«на 12 % выше рынка» / «на 8 % ниже рынка», or None: no price, too few observations, or
    within ±NEUTRAL_PERCENT of the median (rounded to whole percent)."""
    if not per_km or per_km <= 0 or stats is None or stats.median <= 0:
        return None
    percent = round((per_km - stats.median) / stats.median * 100)
    if abs(percent) <= NEUTRAL_PERCENT:
        return None
    if percent > 0:
        return MarketBadge(percent, f"на\u00a0{percent}\u00a0% выше рынка", "above")
    return MarketBadge(percent, f"на\u00a0{-percent}\u00a0% ниже рынка", "below")


def latest_per_cargo(rows: Iterable[tuple[str, dt.date, int]]) -> dict[str, tuple[dt.date, int]]:
    """(cargo id, day, ₽/км) rows → each cargo's latest day and price: a cargo that stays on the
    exchange for a week is one observation, at its current price, not seven."""
    latest: dict[str, tuple[dt.date, int]] = {}
    for cargo_id, day, per_km in rows:
        if cargo_id not in latest or day >= latest[cargo_id][0]:
            latest[cargo_id] = (day, per_km)
    return latest


@dataclasses.dataclass(frozen=True)
class WeekRates:
    monday: dt.date
    label: str  # «30 ноя – 6 дек»
    stats: LaneStats | None


def week_label(monday: dt.date) -> str:
    return date_range(monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat())


def weekly_rates(
    rows: Iterable[tuple[str, dt.date, int]], today: dt.date, *, weeks: int = 8, min_count: int = MIN_OBSERVATIONS
) -> list[WeekRates]:
    """The last `weeks` Monday-to-Sunday weeks (Moscow days) up to `today`'s week, oldest first,
    each with the median and spread of its cargos (each cargo once per week, its latest price)."""
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    per_week: dict[dt.date, list[tuple[str, dt.date, int]]] = {m: [] for m in mondays}
    for cargo_id, day, per_km in rows:
        monday = day - dt.timedelta(days=day.weekday())
        if monday in per_week:
            per_week[monday].append((cargo_id, day, per_km))
    return [
        WeekRates(m, week_label(m), lane_stats((p for _, p in latest_per_cargo(per_week[m]).values()), min_count=min_count))
        for m in mondays
    ]


# --- writing ------------------------------------------------------------------------------------


def _insert_ignoring_duplicates(session: Session, rows: list[dict]) -> None:
    table = LaneObservation.__table__  # type: ignore[attr-defined]  # SQLModel sets it when the class is made
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(table).values(rows).on_conflict_do_nothing(constraint="uq_lane_cargo_day"))
    elif dialect == "sqlite":
        session.execute(sqlite.insert(table).values(rows).on_conflict_do_nothing())
    else:  # another database: one by one, duplicates skipped
        for row in rows:
            exists = session.exec(
                select(LaneObservation.id).where(
                    LaneObservation.cargo_id == row["cargo_id"], LaneObservation.seen_day == row["seen_day"]
                )
            ).first()
            if exists is None:
                session.add(LaneObservation(**row))


class LaneRecorder:
    """Collects sightings in memory and writes them in the background, in batches."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        flush_delay_s: float = FLUSH_DELAY_S,
        batch: int = 500,
        on_written: Callable[[set[Lane]], None] | None = None,
    ) -> None:
        self._engine = engine
        self._on_written = on_written
        self._clock = clock
        self._delay = flush_delay_s
        self._batch = batch
        self._pending: dict[tuple[str, dt.date], LaneObservation] = {}
        self._written: OrderedDict[tuple[str, dt.date], None] = OrderedDict()
        self._task: asyncio.Task | None = None
        self.failures = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def observe(self, items: Iterable[CargoItem]) -> None:
        """Note the cargos of a served page; never raises, never waits."""
        try:
            now = self._clock()
            today = moscow_day(now)
            for item in items:
                key = (item.id, today)
                if key in self._written or key in self._pending or len(self._pending) >= MAX_PENDING:
                    continue
                row = observation(item, now)
                if row is not None:
                    self._pending[key] = row
            if self._pending:
                self._schedule()
        except Exception:  # noqa: BLE001 - statistics must never cost a driver a page
            log.exception("lane rates: could not note a page's cargos")

    def _schedule(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a synchronous caller): the next page flushes
        self._task = loop.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._delay)
        await self.flush()

    async def flush(self) -> int:
        """Write what is pending; returns the rows handed to the database. A failure is logged
        and the rows are dropped (statistics tolerate a gap; a retry storm would not help)."""
        written = 0
        while self._pending:
            keys = list(self._pending)[: self._batch]
            rows = [self._pending.pop(key) for key in keys]
            payload = [row.model_dump(exclude={"id"}) for row in rows]

            def write(session: Session, payload: list[dict] = payload) -> None:
                _insert_ignoring_duplicates(session, payload)

            try:
                await run_db(self._engine, write)
            except Exception:  # noqa: BLE001 - a database hiccup loses a batch of statistics, nothing more
                self.failures += 1
                log.exception("lane rates: could not write %d sightings", len(rows))
                continue
            written += len(rows)
            if self._on_written is not None:
                self._on_written({Lane(r.from_city_id, r.to_city_id, r.truck_class) for r in rows})
            for key in keys:
                self._written[key] = None
            while len(self._written) > MAX_REMEMBERED:
                self._written.popitem(last=False)
        return written

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        await self.flush()


# --- reading ------------------------------------------------------------------------------------


def _lane_condition(lane: Lane):
    condition = and_(col(LaneObservation.from_city_id) == lane.from_id, col(LaneObservation.to_city_id) == lane.to_id)
    if lane.truck_class != ANY_CLASS:
        condition = and_(condition, col(LaneObservation.truck_class) == lane.truck_class)
    return condition


class LaneRates:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], float] = time.time,
        ttl_s: float = STATS_TTL_S,
        few_ttl_s: float = FEW_TTL_S,
        min_count: int = MIN_OBSERVATIONS,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._ttl = ttl_s
        self._few_ttl = few_ttl_s
        self._min = min_count
        self._memo: OrderedDict[Lane, tuple[float, LaneStats | None]] = OrderedDict()

    def today(self) -> dt.date:
        return moscow_day(self._clock())

    def forget_too_few(self, lanes: Iterable[Lane]) -> None:
        """New sightings of these lanes were written: a remembered «too few» may no longer hold
        (for the lane's class and for all classes together)."""
        for lane in lanes:
            for key in (lane, Lane(lane.from_id, lane.to_id)):
                memo = self._memo.get(key)
                if memo is not None and memo[1] is None:
                    del self._memo[key]

    def _remembered(self, lane: Lane, now: float, *, recheck_few: bool) -> tuple[bool, LaneStats | None]:
        memo = self._memo.get(lane)
        if memo is None:
            return False, None
        at, stats = memo
        if stats is None:
            return (not recheck_few and now - at < self._few_ttl), None
        return now - at < self._ttl, stats

    async def stats_for(self, lanes: Iterable[Lane], *, recheck_few: bool = False) -> dict[Lane, LaneStats | None]:
        """Each lane's stats over the last WINDOW_DAYS (None: too few); one query for the lanes
        not remembered (see the module docstring). `recheck_few`: a remembered «too few» is asked
        again (a view of one lane the driver opened on purpose)."""
        now = self._clock()
        found: dict[Lane, LaneStats | None] = {}
        missing: list[Lane] = []
        for lane in set(lanes):
            known, stats = self._remembered(lane, now, recheck_few=recheck_few)
            if known:
                found[lane] = stats
            else:
                missing.append(lane)
        if missing:
            since = moscow_day(now) - dt.timedelta(days=WINDOW_DAYS - 1)
            query = sa_select(
                col(LaneObservation.cargo_id),
                col(LaneObservation.seen_day),
                col(LaneObservation.per_km),
                col(LaneObservation.from_city_id),
                col(LaneObservation.to_city_id),
                col(LaneObservation.truck_class),
            ).where(col(LaneObservation.seen_day) >= since, or_(*(_lane_condition(lane) for lane in missing)))
            rows = await run_db(self._engine, lambda session: [tuple(row) for row in session.execute(query)])
            for lane in missing:
                mine = [
                    (cid, day, per_km)
                    for cid, day, per_km, f, t, cls in rows
                    if f == lane.from_id and t == lane.to_id and lane.truck_class in (ANY_CLASS, cls)
                ]
                stats = lane_stats((p for _, p in latest_per_cargo(mine).values()), min_count=self._min)
                found[lane] = stats
                self._memo[lane] = (now, stats)
            while len(self._memo) > 10_000:
                self._memo.popitem(last=False)
        return found

    async def weekly(self, lane: Lane, *, weeks: int = 8) -> list[WeekRates]:
        today = self.today()
        since = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
        query = sa_select(col(LaneObservation.cargo_id), col(LaneObservation.seen_day), col(LaneObservation.per_km)).where(
            col(LaneObservation.seen_day) >= since, _lane_condition(lane)
        )
        rows = await run_db(self._engine, lambda session: [tuple(row) for row in session.execute(query)])
        return weekly_rates(((c, d, p) for c, d, p in rows), today, weeks=weeks, min_count=self._min)

    async def badge_for(self, item: CargoItem) -> MarketBadge | None:
        """One cargo's badge (the detail screen); None also when the database cannot answer."""
        lane = lane_of(item)
        if lane is None:
            return None
        try:
            stats = await self.stats_for([lane], recheck_few=True)
        except Exception:  # noqa: BLE001 - no badge rather than no page
            log.exception("lane rates: could not read the market")
            return None
        return market_badge(price_per_km(item), stats.get(lane))

    async def badge_cards(self, items: Sequence[CargoItem], cards: list[CardView]) -> None:
        """Fill each card's «market» text and «market_tone» in place (cards in items' order).
        A database failure leaves them empty: the badge is a courtesy."""
        lanes = [lane_of(item) for item in items]
        try:
            stats = await self.stats_for(lane for lane in lanes if lane is not None)
        except Exception:  # noqa: BLE001 - no badge rather than no page
            log.exception("lane rates: could not read the market")
            return
        for item, lane, card in zip(items, lanes, cards, strict=False):
            badge = market_badge(price_per_km(item), stats.get(lane) if lane else None)
            card["market"] = badge.text if badge else ""
            card["market_tone"] = badge.tone if badge else ""
