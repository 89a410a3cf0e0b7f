"""The schema-drift alarm: what the tolerant reader skipped, dropped or converted, made visible.

A CargoTech that answers 200 with data we cannot use is an incident, even though every HTTP
exchange looks healthy. Each reading with issues (services.cargotech.reader.ParseReport):

- counts into Prometheus per endpoint (items skipped, fields dropped, fields coerced);
- logs each skipped item once per process, with its id and the failing field's path;
- files the first example of every new signature (endpoint, kind, path, type seen) in the shared
  cache, where the admin page reads them; a signature that loses data (a skipped item, a dropped
  field) is also sent to the admins' chat, once across all workers (the signature's mark is
  written under a shared lock);
- a loss (a skipped item, or an answer with nothing usable) is remembered for WINDOW_S in the
  shared cache, and readiness reports the schema as degraded, naming the path, until it passes.

Coerced spellings lose nothing, so they are counted and listed but never alarm anyone.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import logging
import time
from collections.abc import Callable
from typing import Protocol, TypedDict, cast

from services.cargotech.reader import Issue, ParseReport
from services.infra.notifier import Notifier
from services.primitives.cache_backend import CacheBackend
from services.primitives.locks import LockFactory, LockTimeout

log = logging.getLogger(__name__)

WINDOW_S = 600.0  # how long one loss keeps readiness degraded
EXAMPLES_KEY = "schema_drift:examples"
RECENT_KEY = "schema_drift:recent"
MAX_EXAMPLES = 20
KEEP_S = 7 * 24 * 3600.0  # examples and signature marks: a signature alerts once a week at most
LOGGED_MAX = 5000  # skipped (cargo, path) pairs remembered per process, so a cached page logs once
KIND_ORDER = {"skipped": 0, "dropped": 1, "coerced": 2}


class DriftMetrics(Protocol):
    def schema_issues(self, endpoint: str, *, skipped: int, dropped: int, coerced: int) -> None: ...


class DriftExample(TypedDict):
    endpoint: str
    kind: str  # skipped | dropped | coerced
    path: str
    seen: str
    cargo_id: str
    at: float  # epoch seconds this signature was first met


@dataclasses.dataclass(frozen=True)
class DriftLoss:
    """The latest loss in the window: what readiness and the admin page say."""

    endpoint: str
    path: str
    seen: str
    cargo_id: str
    skipped: int
    received: int
    at: float

    def describe(self) -> str:
        where = f"{self.path or 'answer'} ({self.seen})"
        cargo = f", cargo {self.cargo_id}" if self.cargo_id else ""
        if self.received and self.skipped >= self.received:
            return f"{self.endpoint}: nothing usable in {self.received} item(s), {where}{cargo}"
        return f"{self.endpoint}: {self.skipped} of {self.received} item(s) skipped, {where}{cargo}"


class SchemaDrift:
    def __init__(
        self,
        cache: CacheBackend,
        locks: LockFactory,
        notifier: Notifier,
        metrics: DriftMetrics | None = None,
        *,
        window_s: float = WINDOW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._cache = cache
        self._locks = locks
        self._notifier = notifier
        self._metrics = metrics
        self._window_s = window_s
        self._clock = clock
        self._known: set[str] = set()  # signatures this process has filed
        self._logged: collections.OrderedDict[tuple[str, str, str], None] = collections.OrderedDict()

    async def parsed(self, report: ParseReport) -> None:
        skipped, dropped, coerced = (report.count(k) for k in ("skipped", "dropped", "coerced"))
        if self._metrics is not None:
            self._metrics.schema_issues(report.endpoint, skipped=skipped, dropped=dropped, coerced=coerced)
        self._log_skipped(report)
        fresh = {}
        for issue in sorted(report.issues, key=lambda i: KIND_ORDER[i.kind]):
            key = f"{report.endpoint}:{issue.signature}"
            if key not in self._known and key not in fresh:
                fresh[key] = issue
        if fresh:
            await self._file(report.endpoint, fresh)
        if skipped or report.nothing_usable:
            first = next(i for i in report.issues if i.kind == "skipped")
            loss = DriftLoss(report.endpoint, first.path, first.seen, first.cargo_id, skipped, report.received, self._clock())
            await self._cache.set(RECENT_KEY, json.dumps(dataclasses.asdict(loss)).encode(), self._window_s)

    async def loss(self) -> DriftLoss | None:
        """The latest loss within the window (any worker's), or None."""
        raw = await self._cache.get(RECENT_KEY)
        if raw is None:
            return None
        try:
            loss = DriftLoss(**json.loads(raw))
        except (ValueError, TypeError):
            return None
        return loss if self._clock() - loss.at < self._window_s else None

    async def examples(self) -> list[DriftExample]:
        """The first example of each signature met, losses first, oldest first within a kind."""
        raw = await self._cache.get(EXAMPLES_KEY)
        try:
            found = json.loads(raw) if raw else []
        except ValueError:
            return []
        examples = [cast(DriftExample, e) for e in found if isinstance(e, dict) and set(e) >= set(DriftExample.__annotations__)]
        return sorted(examples, key=lambda e: (KIND_ORDER.get(e["kind"], 9), e["at"]))

    # --- internals ---------------------------------------------------------------------------

    def _log_skipped(self, report: ParseReport) -> None:
        for issue in report.issues:
            if issue.kind != "skipped":
                continue
            key = (report.endpoint, issue.cargo_id, issue.path)
            if key in self._logged:
                continue
            self._logged[key] = None
            if len(self._logged) > LOGGED_MAX:
                self._logged.popitem(last=False)
            log.warning(
                "CargoTech %s: skipped item %s, field %s is %s",
                report.endpoint,
                issue.cargo_id or "without id",
                issue.path or "(the item itself)",
                issue.seen,
            )

    async def _file(self, endpoint: str, fresh: dict[str, Issue]) -> None:
        """Add new signatures to the shared examples; alert on those no worker filed before."""
        try:
            async with self._locks.hold("schema_drift:file", ttl_s=10, wait_s=2):
                new = [(key, issue) for key, issue in fresh.items() if await self._cache.get(f"schema_drift:sig:{key}") is None]
                if new:
                    await self._append(endpoint, [issue for _, issue in new])
                    for key, _ in new:
                        await self._cache.set(f"schema_drift:sig:{key}", b"1", KEEP_S)
        except LockTimeout:
            return  # filed by the next answer that meets them
        self._known.update(fresh)
        for key, issue in new:
            log.log(
                logging.INFO if issue.kind == "coerced" else logging.WARNING,
                "CargoTech %s: new drift, %s %s (%s), cargo %s",
                endpoint,
                issue.kind,
                issue.path,
                issue.seen,
                issue.cargo_id or "—",
            )
            if issue.kind != "coerced":
                await self._notifier.alert(
                    "error" if issue.kind == "skipped" else "warning", f"schema_drift:{key}", _alert_text(endpoint, issue)
                )

    async def _append(self, endpoint: str, issues: list[Issue]) -> None:
        examples = await self.examples()
        now = self._clock()
        examples += [
            DriftExample(endpoint=endpoint, kind=i.kind, path=i.path, seen=i.seen, cargo_id=i.cargo_id, at=now) for i in issues
        ]
        examples.sort(key=lambda e: (KIND_ORDER.get(e["kind"], 9), e["at"]))
        await self._cache.set(EXAMPLES_KEY, json.dumps(examples[:MAX_EXAMPLES], ensure_ascii=False).encode(), KEEP_S)


KIND_TEXT = {"skipped": "груз пропущен", "dropped": "поле не прочитано", "coerced": "написание приведено"}
ENDPOINT_TEXT = {"list": "список", "detail": "карточка", "points": "города", "truck_types": "кузова", "load_types": "загрузка"}


def admin_rows(examples: list[DriftExample], when: Callable[[float], str]) -> list[dict[str, str]]:
    """The admin page's list: one row per signature's first example, display strings only;
    `line` is «груз пропущен · список · груз 2200000123 · 14:05»."""
    rows = []
    for e in examples:
        row = {
            "kind": KIND_TEXT.get(e["kind"], e["kind"]),
            "kind_code": e["kind"],
            "endpoint": ENDPOINT_TEXT.get(e["endpoint"], e["endpoint"]),
            "path": e["path"] or "ответ целиком",
            "seen": e["seen"],
            "cargo_id": e["cargo_id"] or "—",
            "at": when(e["at"]),
        }
        cargo = f"груз {e['cargo_id']}" if e["cargo_id"] else ""
        row["line"] = " · ".join(part for part in (row["kind"], row["endpoint"], cargo, row["at"]) if part)
        rows.append(row)
    return rows


def admin_status(loss: DriftLoss | None, examples: list[DriftExample]) -> str:
    """One line for the admin page: the current loss, or that there is none."""
    if loss is not None:
        cargo = f", груз {loss.cargo_id}" if loss.cargo_id else ""
        what = (
            f"ничего пригодного из {loss.received}"
            if loss.received and loss.skipped >= loss.received
            else f"пропущено {loss.skipped} из {loss.received}"
        )
        return (
            f"Формат ответов изменился: {ENDPOINT_TEXT.get(loss.endpoint, loss.endpoint)} — {what}, "
            f"поле {loss.path or 'ответ целиком'} пришло как {loss.seen}{cargo}"
        )
    if examples:
        return "Потерь за последние 10 минут нет; отличия в написании читаются"
    return "Ответы CargoTech читаются без отличий"


def _alert_text(endpoint: str, issue: Issue) -> str:
    cargo = f", груз {issue.cargo_id}" if issue.cargo_id else ""
    return (
        f"CargoTech изменил формат ответа ({endpoint}): {KIND_TEXT[issue.kind]}, "
        f"поле {issue.path or 'ответ целиком'} пришло как {issue.seen}{cargo}. Подробности — на странице администратора."
    )
