"""One simulated driver: opens the app (hydrate, sign in with signed initData, first feed page),
then at a human pace pages the feed, changes filters over a Zipf-popular set of routes, opens
cargo details, sometimes responds, and sends a no-I/O baseline event. Every action becomes a
Record: its latency and what the driver saw (fresh data, stale data, or an error)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from benchmarks.load.client import DETAIL, FEED, ROOT, SESSION, Disconnected, ReflexClient
from services.identity.telegram_auth import sign_init_data
from services.infra.settings import DEV_BOT_TOKEN

# Popular places, by sandbox point id (sandbox/cities.py: ids fixed by table order).
# The sheet's other text fields, submitted empty as a browser submits an untouched field.
SHEET_TEXT_FIELDS = (
    "custom_wv",
    "start_date",
    "price_min",
    "price_max",
    "price_per_km_min",
    "price_per_km_max",
    "distance_min",
    "distance_max",
)
CITIES = [
    (1001, "Москва, Московская обл."),
    (1002, "Санкт-Петербург, Ленинградская обл."),
    (1005, "Казань, Республика Татарстан"),
    (1004, "Екатеринбург, Свердловская обл."),
    (1003, "Новосибирск, Новосибирская обл."),
    (1006, "Нижний Новгород, Нижегородская обл."),
    (1016, "Краснодар, Краснодарский край"),
    (1008, "Самара, Самарская обл."),
]
WEIGHTS = ["any", "any", "any", "20", "10_15", "5_10"]
FIRST_DRIVER_ID = 5_000_000_000  # far from the dev driver and the e2e ids


def build_routes(count: int, rng: random.Random) -> list[tuple[int | None, int | None, str]]:
    """(from city, to city, weight class) combinations, most popular first."""
    routes: list[tuple[int | None, int | None, str]] = [(None, None, "any")]
    while len(routes) < count:
        origin = rng.choice(CITIES)[0]
        dest = rng.choice([None, *[c[0] for c in CITIES if c[0] != origin]])
        route = (origin, dest, rng.choice(WEIGHTS))
        if route not in routes:
            routes.append(route)
    return routes


@dataclass
class Record:
    action: str
    start: float  # wall clock (time.time())
    latency_ms: float
    outcome: str  # fresh | stale | ok | error
    error: str = ""
    cached: bool | None = None
    driver: int = 0
    phase: str = ""  # the chaos window the action started in
    sent: int = 0  # events the client sent for this action (its round trips, chained events included)
    frames: int = 0  # event frames (deltas) the server sent back while it ran


@dataclass
class Shared:
    """What all drivers of one generator share: results, the query recency table, config."""

    app_url: str
    think_s: tuple[float, float]
    respond_p: float
    routes: list
    zipf: list[float]
    timeout_s: float = 20.0
    records: list[Record] = field(default_factory=list)
    recent_queries: dict = field(default_factory=dict)  # (filters, offset) → last completed
    responses_attempted: set = field(default_factory=set)  # (driver_id, cargo_id)
    responses_confirmed: set = field(default_factory=set)
    stop_at: float = 0.0
    phase: str = ""
    fresh_window_s: float = 50.0
    max_cards: int = 400  # a driver pages on until this many cards are loaded, then changes filters


async def human_pause(shared: Shared, rng: random.Random) -> None:
    """A think time drawn from shared.think_s, cut short where the run ends."""
    low, high = shared.think_s
    await asyncio.sleep(min(rng.uniform(low, high), max(0.0, shared.stop_at - time.monotonic())))


async def run_until_stop(
    shared: Shared,
    client: ReflexClient,
    ramp_delay: float,
    *,
    open_app: Callable[[], Awaitable[None]],
    pause: Callable[[], Awaitable[None]],
    act: Callable[[], Awaitable[None]],
) -> None:
    """One simulated tab until shared.stop_at: after `ramp_delay`, (re)open the app whenever the
    connection is gone, then pause and act, again and again. A lost connection closes the client
    and waits 1, 2, 4, 8, 8 … s (never past the end) before the next open."""
    await asyncio.sleep(ramp_delay)
    backoff = 1.0
    while time.monotonic() < shared.stop_at:
        try:
            if not client.connected:
                await open_app()
                backoff = 1.0
            await pause()
            if time.monotonic() >= shared.stop_at:
                break
            await act()
        except Disconnected:
            await client.close()
            await asyncio.sleep(min(backoff, max(0.0, shared.stop_at - time.monotonic())))
            backoff = min(backoff * 2, 8.0)
        except asyncio.CancelledError:
            break
    await client.close()


class Driver:
    def __init__(self, index: int, shared: Shared, seed: int) -> None:
        self.index = index
        self.user_id = FIRST_DRIVER_ID + index
        self.shared = shared
        self.rng = random.Random(seed * 100_003 + index)
        self.client = ReflexClient(shared.app_url, script_answer=self._script)
        self.exchange_sent = 0.0
        self.route = (None, None, "any")
        self.phone = f"+7916{self.user_id % 10_000_000:07d}"
        self.toggle = False
        self._mark = (0, 0)  # (client.sent, client.seq) when the current action began

    def _begin(self) -> None:
        self._mark = (self.client.sent, self.client.seq)

    # --- fake scripts ---------------------------------------------------------------------------

    def _script(self, handler: str) -> str | None:
        if handler.endswith(".exchange"):
            self.exchange_sent = time.monotonic()
            user = {
                "id": self.user_id,
                "first_name": "Водитель",
                "last_name": f"№{self.index}",
                "username": f"load_driver_{self.index}",
                "language_code": "ru",
            }
            return sign_init_data({"user": json.dumps(user, ensure_ascii=False), "query_id": f"q{self.index}"}, DEV_BOT_TOKEN)
        if handler.endswith(".restore_from_cloud"):
            return ""  # no Telegram CloudStorage outside Telegram
        return None

    # --- recording ------------------------------------------------------------------------------

    def _record(
        self,
        action: str,
        started: float,
        outcome: str,
        error: str = "",
        cached: bool | None = None,
        wall: float | None = None,
        phase: str | None = None,
    ) -> None:
        sent, seq = self._mark
        self.shared.records.append(
            Record(
                action,
                wall or time.time(),
                (time.monotonic() - started) * 1000,
                outcome,
                error,
                cached,
                self.user_id,
                self.shared.phase if phase is None else phase,
                self.client.sent - sent,
                self.client.seq - seq,
            )
        )
        self._begin()

    def _feed_outcome(self) -> tuple[str, str]:
        c = self.client
        if c.get(SESSION, "notice"):
            return "error", "notice:too_fast"
        if c.get(FEED, "error"):
            return "error", "feed:" + str(c.get(FEED, "error"))[:60]
        if c.get(FEED, "stale"):
            return "stale", ""
        return "fresh", ""

    def _query_key(self, offset: int) -> tuple:
        return (self.route, offset)

    def _cached_guess(self, key: tuple) -> bool:
        """Another driver loaded the same filters+page within the cache's freshness window."""
        last = self.shared.recent_queries.get(key)
        return last is not None and time.monotonic() - last < self.shared.fresh_window_s

    async def _timed(self, action: str, send, predicate, outcome, cached: bool | None = None, begin: bool = True) -> bool:
        """begin=False: the action's events started before (a filter change's form fields)."""
        if begin:
            self._begin()
        wall, started, phase = time.time(), time.monotonic(), self.shared.phase
        try:
            await send()
            await self.client.wait_for(predicate, self.shared.timeout_s)
        except TimeoutError:
            self._record(action, started, "error", "timeout", cached, wall, phase)
            return False
        except (Disconnected, OSError) as exc:
            self._record(action, started, "error", "disconnected", cached, wall, phase)
            raise Disconnected(str(exc)) from exc
        kind, error = outcome()
        self._record(action, started, kind, error, cached, wall, phase)
        return kind != "error"

    # --- the session ----------------------------------------------------------------------------

    async def open_app(self, action: str = "hydrate") -> None:
        """Connect + hydrate (+ sign in and first page when the session is new)."""
        c = self.client
        wall, started = time.time(), time.monotonic()
        self.exchange_sent = 0.0  # a sign-in left unanswered by a dead connection does not count
        fresh_session = not c.session_id
        self._mark = (c.sent, c.seq)
        try:
            await c.connect("/")
            await c.wait_for(lambda: c.get(ROOT, "is_hydrated") is True, self.shared.timeout_s)
        except (TimeoutError, OSError, Disconnected) as exc:
            kind = "timeout" if isinstance(exc, asyncio.TimeoutError) else "connect_failed"
            self._record(action, started, "error", kind, wall=wall)
            raise Disconnected(kind) from exc
        self._record(action, started, "ok", wall=wall)
        try:
            await c.wait_for(
                lambda: c.get(SESSION, "signed_in") is True or bool(c.get(SESSION, "auth_error")), self.shared.timeout_s
            )
            ok = c.get(SESSION, "signed_in") is True
            if fresh_session or self.exchange_sent:
                sign_started = self.exchange_sent or started
                self.exchange_sent = 0.0
                self._record(
                    "sign_in",
                    sign_started,
                    "ok" if ok else "error",
                    "" if ok else "auth:" + str(c.get(SESSION, "auth_error"))[:60],
                )
            if not ok:
                raise Disconnected("not signed in")
            if c.boot_cards:
                return  # the server kept this tab's state: load_first keeps what is shown
            hydrated = c.boot_seq or 0
            key = self._query_key(0)
            cached = self._cached_guess(key)
            first = time.monotonic()
            await c.wait_for(
                lambda: c.set_since(FEED, "loading", hydrated) and c.get(FEED, "loading") is False, self.shared.timeout_s
            )
            kind, error = self._feed_outcome()
            self._record("feed_first", first, kind, error, cached)
            self.shared.recent_queries[key] = time.monotonic()
        except TimeoutError:
            self._record("feed_first" if c.get(SESSION, "signed_in") is True else "sign_in", started, "error", "timeout")

    async def run(self, ramp_delay: float) -> None:
        await run_until_stop(
            self.shared,
            self.client,
            ramp_delay,
            open_app=lambda: self.open_app("hydrate" if not self.client.session_id else "reconnect"),
            pause=self._think,
            act=self.step,
        )

    async def _think(self) -> None:
        await human_pause(self.shared, self.rng)

    async def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.15:
            await self.baseline()
        elif roll < 0.45:
            await self.load_more()
        elif roll < 0.65:
            await self.change_filters()
        else:
            await self.open_detail()

    # --- actions ------------------------------------------------------------------------------

    async def baseline(self) -> None:
        """FeedState.toggle_filters: no I/O, no session check; Reflex's own cost per event."""
        c = self.client
        want = not bool(c.get(FEED, "filters_open"))
        await self._timed(
            "baseline", lambda: c.send(f"{FEED}.toggle_filters"), lambda: c.get(FEED, "filters_open") is want, lambda: ("ok", "")
        )

    async def load_more(self) -> None:
        c = self.client
        offset = c.get(FEED, "next_offset", -1)
        if not isinstance(offset, int) or offset < 0 or len(c.get(FEED, "cards") or []) >= self.shared.max_cards:
            await self.change_filters()
            return
        key = self._query_key(offset)
        seq = c.seq
        ok = await self._timed(
            "feed_page",
            lambda: c.send(f"{FEED}.load_more"),
            lambda: c.set_since(FEED, "loading", seq) and c.get(FEED, "loading") is False,
            self._feed_outcome,
            self._cached_guess(key),
        )
        if ok:
            self.shared.recent_queries[key] = time.monotonic()

    async def change_filters(self) -> None:
        """As the filter sheet does it: a picked suggestion per city (`choose_point`; a city
        field emptied sends its lookup with no text), then one submit of the whole sheet."""
        c = self.client
        index = self.rng.choices(range(len(self.shared.routes)), weights=self.shared.zipf)[0]
        origin, dest, weight = self.shared.routes[index]
        names = dict(CITIES)
        form = c.get(FEED, "form", {})
        sheet: list[list[str]] = [["intent", "apply"]]
        self._begin()  # the city picks count toward the filter change
        for which, point in (("from", origin), ("to", dest)):
            if point is None:
                if form.get(f"{which}_id"):
                    await c.send(f"{FEED}.search_points", {"which": which, "text": ""})
                sheet += [[f"{which}_name", ""], [f"{which}_id", ""], [f"{which}_type", ""]]
            else:
                chosen = {"id": str(point), "type": "2", "name": names[point]}
                if form.get(f"{which}_id") != chosen["id"]:
                    await c.send(f"{FEED}.choose_point", {"which": which, "point": chosen})
                sheet += [[f"{which}_name", chosen["name"]], [f"{which}_id", chosen["id"]], [f"{which}_type", "2"]]
            sheet.append([f"{which}_radius", ""])
        sheet += [["weight_class", weight], *([name, ""] for name in SHEET_TEXT_FIELDS)]
        self.route = (origin, dest, weight)
        key = self._query_key(0)
        seq = c.seq
        ok = await self._timed(
            "filter_change",
            lambda: c.send(f"{FEED}.submit_filters", {"fields": {"__reflex_form_data__": sheet}}),
            lambda: c.set_since(FEED, "loading", seq) and c.get(FEED, "loading") is False,
            self._feed_outcome,
            self._cached_guess(key),
            begin=False,
        )
        if ok:
            self.shared.recent_queries[key] = time.monotonic()

    async def open_detail(self) -> None:
        c = self.client
        cards = [card for card in (c.get(FEED, "cards") or []) if card.get("id") != c.get(DETAIL, "cargo_id")]
        if not cards:
            await self.change_filters()
            return
        cargo_id = str(self.rng.choice(cards[:40])["id"])
        seq = c.seq

        def outcome() -> tuple[str, str]:
            if c.get(SESSION, "notice"):
                return "error", "notice:too_fast"
            if c.get(DETAIL, "gone"):
                return "ok", "gone"
            if c.get(DETAIL, "error"):
                return "error", "detail:" + str(c.get(DETAIL, "error"))[:60]
            return ("stale", "") if c.get(DETAIL, "stale") else ("fresh", "")

        ok = await self._timed(
            "detail",
            lambda: c.navigate(f"/cargo/{cargo_id}", {"cargo_id": cargo_id}),
            lambda: c.set_since(DETAIL, "loading", seq) and c.get(DETAIL, "loading") is False,
            outcome,
        )
        if ok and c.get(DETAIL, "cargo") and not c.get(DETAIL, "status") and self.rng.random() < self.shared.respond_p:
            await self._think()
            await self.respond(cargo_id)
        # Back to the list: on_load runs again (session check, no refetch: the cards are kept).
        seq = c.seq
        await self._timed(
            "back_to_feed",
            lambda: c.navigate("/"),
            lambda: c.set_since(SESSION, "signed_in", seq) or c.set_since(SESSION, "auth_error", seq),
            lambda: ("ok", "") if c.get(SESSION, "signed_in") else ("error", "signed_out"),
        )

    async def respond(self, cargo_id: str) -> None:
        c = self.client
        self._begin()
        await c.send(f"{DETAIL}.set_phone", {"phone": self.phone})
        seq = c.seq
        self.shared.responses_attempted.add((self.user_id, cargo_id))

        def outcome() -> tuple[str, str]:
            if c.set_since(DETAIL, "phone_error", seq) and c.get(DETAIL, "phone_error"):
                return "error", "respond:" + str(c.get(DETAIL, "phone_error"))[:60]
            if c.get(DETAIL, "status"):
                self.shared.responses_confirmed.add((self.user_id, cargo_id))
                return "ok", ""
            return "error", "respond:no_status"

        await self._timed(
            "respond",
            lambda: c.send(f"{DETAIL}.respond"),
            lambda: c.set_since(DETAIL, "sending", seq) and c.get(DETAIL, "sending") is False,
            outcome,
            begin=False,
        )
