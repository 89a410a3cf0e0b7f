"""Async CargoTech API client: list, detail and dictionaries.

Every call passes, in order: the shared rate bucket (600/min across all workers), the circuit
breaker (fail fast while CargoTech is down), the token source (one shared token, never sent
anywhere but CargoTech), and the retry policy (429/502/503/504/timeouts, within the caller's
deadline). A 401 means the token was revoked: one re-login (single flight), one repeat.
Answers are read by the tolerant reader (services.cargotech.reader): one unusable item is
skipped, not the page, and what the reading met goes to the drift observer (services.cargotech.schema_drift).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

import httpx

from services.cargotech.errors import CargoNotFound, CargoTechBusy, CargoTechUnavailable, InvalidCargoId
from services.cargotech.login import retry_after_seconds
from services.cargotech.models import CARGO_ID_RE, CargoDetail, CargoPage, DictionaryPoint, TypeRef
from services.cargotech.reader import ParseReport, read_detail, read_dictionary, read_page
from services.cargotech.retry_policy import RETRYABLE_STATUSES, RetryableUpstream, retrying
from services.primitives.circuit_breaker import CircuitBreaker, CircuitOpen
from services.primitives.rate_bucket import RateBucket, RateBudgetExceeded

log = logging.getLogger(__name__)
T = TypeVar("T")


class TokenSource(Protocol):
    async def get_token(self, deadline: float | None = None) -> str:
        """The token to send; a login it needs must be over by `deadline` (time.monotonic())."""

    async def invalidate(self, token: str, deadline: float | None = None) -> None:
        """Report that `token` was refused; the next get_token() must bring a new one."""


class CallObserver(Protocol):
    """Told about every HTTP exchange with CargoTech (metrics, admin charts)."""

    def upstream_call(self, endpoint: str, status: int | None, latency_s: float) -> None: ...


class DriftObserver(Protocol):
    """Told what reading every 200 answer met: skipped items, dropped and coerced fields."""

    async def parsed(self, report: ParseReport) -> None: ...


def make_http_client(base_url: str, timeout_s: float) -> httpx.AsyncClient:
    """One pooled client per process. Explicit timeouts: a hung CargoTech must not hang us."""
    return httpx.AsyncClient(
        base_url=base_url,
        headers={"Accept": "application/json", "User-Agent": "CargoTechDriverWebApp/1.0"},
        timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
    )


def _int(raw: str | None, default: int | None) -> int | None:
    return int(raw) if raw is not None and raw.isdigit() else default


def _endpoint(path: str) -> str:
    """A low-cardinality name for metrics: ids are cut off."""
    if path.startswith("/v1/carrier/cargos/"):
        return "detail"
    return {"/v2/cargos/views": "list"}.get(path, path.rsplit("/", 1)[-1])


class CargoTechClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenSource,
        bucket: RateBucket,
        breaker: CircuitBreaker,
        *,
        deadline_s: float = 10.0,
        observer: CallObserver | None = None,
        drift: DriftObserver | None = None,
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._bucket = bucket
        self._breaker = breaker
        self._deadline_s = deadline_s
        self._observer = observer
        self._drift = drift

    async def list_cargos(self, query: Mapping[str, str], *, deadline_s: float | None = None) -> CargoPage:
        body = await self._get("/v2/cargos/views", query, deadline_s)
        page, report = read_page(body, offset=_int(query.get("offset"), 0) or 0, limit=_int(query.get("limit"), None))
        return await self._accept(page, report)

    async def get_cargo(self, cargo_id: str, *, deadline_s: float | None = None) -> CargoDetail:
        cargo_id = str(cargo_id)
        if not CARGO_ID_RE.match(cargo_id):
            raise InvalidCargoId(f"invalid cargo id {cargo_id[:32]!r}")
        body = await self._get(f"/v1/carrier/cargos/{cargo_id}", {"source": "1", "include": "contacts"}, deadline_s)
        return await self._accept(*read_detail(body, cargo_id))

    async def search_points(self, name: str, limit: int = 10) -> list[DictionaryPoint]:
        body = await self._get("/v1/dictionaries/points", {"filter[name]": name, "limit": str(limit), "offset": "0"}, None)
        return await self._accept(*read_dictionary(body, "points", DictionaryPoint))

    async def truck_types(self) -> list[TypeRef]:
        body = await self._get("/v1/dictionaries/truck_types", {}, None)
        return await self._accept(*read_dictionary(body, "truck_types", TypeRef))

    async def load_types(self) -> list[TypeRef]:
        body = await self._get("/v1/dictionaries/load_types", {}, None)
        return await self._accept(*read_dictionary(body, "load_types", TypeRef))

    async def _accept(self, value: T | None, report: ParseReport) -> T:
        """Report the reading, then hand over what is usable. An answer with nothing usable is a
        broken upstream for the driver (the cache may still serve an older answer), but not a
        transport failure: the breaker stays closed, so other endpoints keep working."""
        if self._drift is not None and not report.clean:
            try:
                await self._drift.parsed(report)
            except Exception:  # noqa: BLE001 - the alarm must never cost a driver the answer
                log.exception("schema drift report failed")
        if value is None:
            first = next((i for i in report.issues if i.kind == "skipped"), None)
            where = f"{first.path or 'answer'} ({first.seen})" if first else "answer"
            raise CargoTechUnavailable(f"{report.endpoint}: nothing usable in the answer, first at {where}")
        return value

    async def _get(self, path: str, params: Mapping[str, str], deadline_s: float | None) -> dict[str, Any]:
        deadline = time.monotonic() + (deadline_s or self._deadline_s)
        upstream_failed: RetryableUpstream | None = None
        try:
            async for attempt in retrying(deadline):
                with attempt:
                    try:
                        response = await self._attempt(path, params, deadline)
                    except RetryableUpstream as exc:
                        upstream_failed = exc
                        raise
        except RetryableUpstream as exc:
            raise CargoTechUnavailable(f"{path}: {exc}", retry_after_s=exc.retry_after_s) from exc
        except CargoTechBusy as exc:
            if upstream_failed is None:
                raise
            # CargoTech failed first; our budget only ran out while retrying. The driver is told
            # CargoTech is unavailable, not that they asked too much.
            raise CargoTechUnavailable(
                f"{path}: {upstream_failed}, then no budget left to retry", retry_after_s=exc.retry_after_s
            ) from exc
        if response.status_code == 404:
            raise CargoNotFound(f"{path} is gone")
        if response.status_code != 200:
            raise CargoTechUnavailable(f"{path} answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._breaker.record_failure()  # a 200 with garbage is a broken upstream too
            raise CargoTechUnavailable(f"{path} answered malformed JSON")
        return body

    async def _attempt(self, path: str, params: Mapping[str, str], deadline: float) -> httpx.Response:
        token = await self._tokens.get_token(deadline)
        response = await self._send(path, params, token, deadline)
        if response.status_code == 401:
            await self._tokens.invalidate(token, deadline)
            response = await self._send(path, params, await self._tokens.get_token(deadline), deadline)
        if response.status_code in RETRYABLE_STATUSES:
            retry_after = retry_after_seconds(response)
            if response.status_code == 429:
                # Everyone backs off, not just this caller: the budget is the account's.
                await self._bucket.penalise(retry_after or 1.0)
            raise RetryableUpstream(f"answered {response.status_code}", retry_after_s=retry_after)
        return response

    async def _send(self, path: str, params: Mapping[str, str], token: str, deadline: float) -> httpx.Response:
        remaining = deadline - time.monotonic()
        try:
            await self._bucket.acquire(timeout_s=max(0.0, remaining))
        except RateBudgetExceeded as exc:
            raise CargoTechBusy("request budget exhausted", retry_after_s=exc.retry_in_s) from exc
        try:
            self._breaker.before_call()
        except CircuitOpen as exc:
            raise CargoTechUnavailable("circuit open", retry_after_s=exc.retry_in_s) from exc
        started = time.perf_counter()
        try:
            response = await self._http.get(
                path,
                params=dict(params),
                headers={"Authorization": f"Bearer {token}"},
                timeout=max(0.05, deadline - time.monotonic()),
            )
        except httpx.HTTPError as exc:
            self._breaker.record_failure()
            self._observe(path, None, started)
            raise RetryableUpstream(type(exc).__name__) from exc
        self._observe(path, response.status_code, started)
        # Only server-side trouble opens the breaker; 404 and other 4xx are normal answers.
        if response.status_code >= 500:
            self._breaker.record_failure()
        else:
            self._breaker.record_success()
        return response

    def _observe(self, path: str, status: int | None, started: float) -> None:
        if self._observer is not None:
            self._observer.upstream_call(_endpoint(path), status, time.perf_counter() - started)
