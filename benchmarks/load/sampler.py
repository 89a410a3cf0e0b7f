"""Samples, every few seconds: the app's process tree (CPU %, RSS), the generator's own CPU,
the machine's load average, and CargoTech upstream calls (the sandbox's /__control/stats)."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field

import httpx
import psutil


@dataclass
class Sample:
    t: float  # seconds since the run started
    app_cpu_pct: float  # sum over the app's process tree (100 = one core)
    app_rss_mb: float
    gen_cpu_pct: float
    load1: float
    upstream_total: int | None
    rate_limited: int | None
    rss_by_process: dict = field(default_factory=dict)  # "pid name" → MB: which process grows


@dataclass
class Sampler:
    app_pid: callable  # () -> int | None (the app may be restarted)
    sandbox_url: str
    interval_s: float = 5.0
    samples: list[Sample] = field(default_factory=list)
    _procs: dict = field(default_factory=dict)
    # CPU seconds (user + system) per process of the app's tree: at first sight and at the last sample
    _cpu_first: dict = field(default_factory=dict)
    _cpu_last: dict = field(default_factory=dict)

    @property
    def app_cpu_seconds(self) -> float:
        """CPU the app's processes spent between the first and the last sample."""
        return sum(last - self._cpu_first.get(pid, 0.0) for pid, last in self._cpu_last.items())

    def _tree(self) -> list[psutil.Process]:
        pid = self.app_pid()
        if pid is None:
            return []
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return []
        out = []
        for proc in procs:  # keep Process objects so cpu_percent measures since the last sample
            out.append(self._procs.setdefault(proc.pid, proc))
        return out

    def _measure(self, started: float, upstream: dict | None) -> Sample:
        cpu = rss = 0.0
        by_process: dict[str, float] = {}
        for proc in self._tree():
            try:
                cpu += proc.cpu_percent(None)
                proc_rss = proc.memory_info().rss
                rss += proc_rss
                by_process[f"{proc.pid} {proc.name()}"] = round(proc_rss / 2**20, 1)
                times = proc.cpu_times()
                self._cpu_first.setdefault(proc.pid, times.user + times.system)
                self._cpu_last[proc.pid] = times.user + times.system
            except psutil.Error:
                pass
        gen = self._procs.setdefault("self", psutil.Process(os.getpid())).cpu_percent(None)
        return Sample(
            round(time.monotonic() - started, 1),
            round(cpu, 1),
            round(rss / 2**20, 1),
            round(gen, 1),
            os.getloadavg()[0],
            (upstream or {}).get("total"),
            (upstream or {}).get("rate_limited"),
            by_process,
        )

    async def run(self, started: float, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=5) as http:
            self._measure(started, None)  # prime cpu_percent
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), self.interval_s)
                except TimeoutError:
                    pass
                try:
                    upstream = (await http.get(f"{self.sandbox_url}/__control/stats")).json()
                except (httpx.HTTPError, ValueError):
                    upstream = None
                self.samples.append(self._measure(started, upstream))


def upstream_per_minute(samples: list[Sample]) -> tuple[float | None, float | None]:
    """(average over the run, worst 60 s window) of sandbox API calls."""
    points = [(s.t, s.upstream_total) for s in samples if s.upstream_total is not None]
    if len(points) < 2:
        return None, None
    avg = (points[-1][1] - points[0][1]) / max(1e-9, points[-1][0] - points[0][0]) * 60
    worst = 0.0
    for i, (t0, c0) in enumerate(points):
        for t1, c1 in points[i + 1 :]:
            if t1 - t0 >= 59:
                worst = max(worst, (c1 - c0) * 60 / (t1 - t0))
                break
    return avg, worst or None


def slope_mb_per_min(samples: list[Sample], skip_s: float = 0) -> float | None:
    pts = [(s.t, s.app_rss_mb) for s in samples if s.t >= skip_s and s.app_rss_mb > 0]
    if len(pts) < 3:
        return None
    n = len(pts)
    mx, my = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
    den = sum((p[0] - mx) ** 2 for p in pts)
    return None if den == 0 else sum((p[0] - mx) * (p[1] - my) for p in pts) / den * 60
