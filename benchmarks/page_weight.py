"""Page weight benchmark: the first load of the feed in Chromium on an emulated "Fast 3G" link.

It starts what the browser tests start (a CargoTech sandbox, the fake Telegram Bot API and the
production build via `reflex run --env prod --single-port`), opens the feed the way Telegram
does (telegram-web-app.js in <head>, signed initData in the URL hash) in a fresh browser context
with the cache disabled, throttles the page through the DevTools protocol with DevTools' own
"Fast 3G" preset, and measures:

- bytes on the wire: `encodedDataLength` of every finished HTTP request (headers + body as
  sent, so compressed when the server compressed), and the request count;
- websocket bytes up to the first card (/_event frames), and the largest frame;
- DOMContentLoaded and the time to the first visible cargo card (`[data-testid=cargo-card]`
  with a layout box), both in ms since navigation start, taken in the page (performance.now()).

Chromium's network emulation throttles HTTP and the websocket *handshake*, but not websocket
*frames*: on a real 3G link every frame still pays a one-way trip. So by default the /_event
socket is routed through this script (Playwright's route_web_socket: the page still opens the
real socket, so DevTools still charges the handshake), which forwards each frame after
latency/2 plus its size at the preset's throughput. `--cdp-only` leaves frames undelayed.

    python -m benchmarks.page_weight [--runs 5] [--cdp-only] [--no-throttle] [--trace] [--url URL]

telegram-web-app.js is served by a Playwright route from the local @twa-dev/sdk copy, as in the
e2e tests: a routed response never crosses the emulated link, so it is listed apart (in real
Telegram the client has it cached). Target: first card ≤ 4 s on Fast 3G.
Results go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, WebSocketRoute, async_playwright

from sandbox.telegram.launch import TELEGRAM_JS, TELEGRAM_JS_URL, launch_url
from sandbox.telegram.testing import FakeTelegramServer
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.processes import ROOT, free_port, running
from tests.support.reflex_run import local_tools_env, reflex_prod_cmd

# Chrome DevTools' "Fast 3G" throttling preset (front_end/core/sdk/NetworkManager.ts; newer
# DevTools call the same numbers "Slow 4G"): 1.6 Mbit/s down and 750 kbit/s up, each × 0.9,
# and 150 ms × 3.75 round-trip latency.
FAST_3G = {
    "offline": False,
    "latency": 150 * 3.75,  # 562.5 ms
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,  # 180,000 B/s
    "uploadThroughput": 750 * 1000 / 8 * 0.9,  # 84,375 B/s
}
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
CARD = '[data-testid="cargo-card"]'

# Installed before any page script: notes when the first card is in the DOM with a real box
# (stylesheets are render-blocking, so a box means it is laid out with the app's CSS).
FIRST_CARD_PROBE = """
(() => {
  const seen = () => {
    const card = document.querySelector('__CARD__');
    if (card && card.getBoundingClientRect().height > 0 && window.__firstCardMs === undefined) {
      window.__firstCardMs = performance.now();
    }
    return window.__firstCardMs !== undefined;
  };
  const start = () => {
    if (seen()) return;
    const observer = new MutationObserver(() => { if (seen()) observer.disconnect(); });
    observer.observe(document.documentElement, {childList: true, subtree: true, attributes: true});
  };
  if (document.documentElement) start(); else document.addEventListener('readystatechange', start);
})();
""".replace("__CARD__", CARD)  # JS braces make str.format awkward


@dataclass
class Run:
    first_card_ms: float
    dcl_ms: float
    load_ms: float
    http_bytes: int  # over the emulated link
    requests: int
    ws_received: int  # up to the first card
    ws_sent: int
    ws_largest_frame: int
    by_url: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> (bytes, content-encoding)


class SlowLink:
    """One direction of a websocket on the emulated link: frames arrive in order, each after
    latency/2 plus its size at `throughput` (and never before the previous one is through).

    With `first_is_free`, the first frame passes at once: it is the server's engine.io "open"
    packet, sent with the 101 answer, and DevTools already held the handshake one round trip."""

    def __init__(self, name: str, deliver, latency_ms: float, throughput: float, *, first_is_free: bool = False) -> None:
        self.name = name
        self._deliver = deliver
        self._one_way = latency_ms / 2000
        self._throughput = throughput
        self._free_at = 0.0
        self._first_is_free = first_is_free
        self._queue: asyncio.Queue = asyncio.Queue()
        self._task = asyncio.ensure_future(self._pump())
        self.sizes: list[int] = []
        self.log: list[tuple[float, float, str, str]] = []  # (queued, delivered) epoch s, direction, text

    def put(self, message: str | bytes) -> None:
        self.sizes.append(len(message))
        self._queue.put_nowait((time.monotonic(), time.time(), message))

    async def _pump(self) -> None:
        while True:
            sent_at, queued_epoch, message = await self._queue.get()
            transfer = len(message) / self._throughput if self._throughput > 0 else 0
            one_way = 0.0 if self._first_is_free else self._one_way
            self._first_is_free = False
            self._free_at = max(sent_at + one_way, self._free_at) + transfer
            await asyncio.sleep(max(0.0, self._free_at - time.monotonic()))
            with contextlib.suppress(Exception):  # the page or the server has gone
                self._deliver(message)
            self.log.append((queued_epoch, time.time(), self.name, str(message)[:90]))

    def stop(self) -> None:
        self._task.cancel()


async def measure_once(browser: Browser, app_url: str, conditions: dict, *, slow_ws: bool, trace: bool = False) -> Run:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU", is_mobile=True)
    telegram_js = TELEGRAM_JS.read_text()
    await context.route(
        TELEGRAM_JS_URL, lambda route: route.fulfill(status=200, body=telegram_js, content_type="application/javascript")
    )
    await context.add_init_script(FIRST_CARD_PROBE)
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    requests: dict[str, dict] = {}
    frames: dict[str, list[int]] = {"received": [], "sent": []}
    links: list[SlowLink] = []

    def on_request(event: dict) -> None:
        requests[event["requestId"]] = {"url": event["request"]["url"], "bytes": 0, "encoding": "", "done": False}

    def on_response(event: dict) -> None:
        if (entry := requests.get(event["requestId"])) is not None:
            headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
            entry["encoding"] = headers.get("content-encoding", "")

    def on_finished(event: dict) -> None:
        if (entry := requests.get(event["requestId"])) is not None:
            entry.update(bytes=int(event["encodedDataLength"]), done=True)

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.webSocketFrameReceived", lambda e: frames["received"].append(len(e["response"]["payloadData"])))
    cdp.on("Network.webSocketFrameSent", lambda e: frames["sent"].append(len(e["response"]["payloadData"])))

    if slow_ws:

        async def route_socket(ws: WebSocketRoute) -> None:
            server = ws.connect_to_server()
            up = SlowLink("→", server.send, conditions["latency"], conditions["uploadThroughput"])
            down = SlowLink("←", ws.send, conditions["latency"], conditions["downloadThroughput"], first_is_free=True)
            links.extend([down, up])
            ws.on_message(up.put)
            server.on_message(down.put)

        await page.route_web_socket("**/_event/**", route_socket)

    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    await cdp.send("Network.emulateNetworkConditions", conditions)
    try:
        await page.goto(launch_url(app_url), wait_until="commit", timeout=120_000)
        await page.wait_for_function("window.__firstCardMs !== undefined", timeout=120_000, polling=50)
        first_card_ms = await page.evaluate("window.__firstCardMs")
        if trace and links:
            origin_s = await page.evaluate("performance.timeOrigin") / 1000
            print(f"\nwebsocket frames (ms since navigation start: sent → arrived; first card at {first_card_ms:.0f}):")
            for queued, arrived, direction, text in sorted(links[0].log + links[1].log):
                if queued - origin_s <= first_card_ms / 1000:
                    print(f"  {(queued - origin_s) * 1000:6.0f} → {(arrived - origin_s) * 1000:6.0f} {direction} {text}")
        if links:
            received, sent = list(links[0].sizes), list(links[1].sizes)
        else:
            received, sent = list(frames["received"]), list(frames["sent"])
        await page.wait_for_load_state("load", timeout=120_000)
        dcl_ms, load_ms = await page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                                                        return [n.domContentLoadedEventEnd, n.loadEventEnd]; }""")
        await page.wait_for_timeout(300)  # let the last loadingFinished events arrive
    finally:
        for link in links:
            link.stop()
        await context.close()
    wire = [r for r in requests.values() if r["done"] and r["url"] != TELEGRAM_JS_URL]
    return Run(
        first_card_ms=first_card_ms,
        dcl_ms=dcl_ms,
        load_ms=load_ms,
        http_bytes=sum(r["bytes"] for r in wire),
        requests=len(wire),
        ws_received=sum(received),
        ws_sent=sum(sent),
        ws_largest_frame=max(received, default=0),
        by_url={r["url"].replace(app_url, "").split("#")[0]: (r["bytes"], r["encoding"]) for r in wire},
    )


@contextlib.contextmanager
def app_stack() -> Iterator[str]:
    """Sandbox + fake Telegram + the production build on one port (`reflex run --env prod --single-port`
    serves the same precompressed files as `python -m cargo_webapp.serve`)."""
    artifacts = ROOT / "test-artifacts"
    sandbox_port, port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    sandbox_cmd = [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(sandbox_port)]
    with (
        tempfile.TemporaryDirectory() as tmp,
        running(sandbox_cmd, ready_url=f"{sandbox_url}/__control/stats", log_path=artifacts / "page-weight-sandbox.log"),
        FakeTelegramServer(dispatcher_chat=-1000000000001) as telegram,
    ):
        env = {
            "APP_ENV": "dev",
            "CARGOTECH_BASE_URL": sandbox_url,
            "TELEGRAM_API_BASE_URL": telegram.url,
            "BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
            "DISPATCHER_CHAT_ID": "-1000000000001",
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'app.db'}",
            **local_tools_env(),
        }
        with running(
            reflex_prod_cmd(port, single_port=True),
            ready_url=f"http://127.0.0.1:{port}/",
            env=env,
            log_path=artifacts / "page-weight-app.log",
            timeout_s=600,
        ):
            yield f"http://127.0.0.1:{port}"


def _kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def report(runs: list[Run], conditions: dict, slow_ws: bool) -> None:
    def med(attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs)

    print(
        f"\nmachine: {platform.node()} · {os.cpu_count()} CPU · {platform.platform()} · "
        f"Python {platform.python_version()} · load {os.getloadavg()[0]:.2f}"
    )
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"network: latency {conditions['latency']} ms, down {conditions['downloadThroughput']:.0f} B/s, "
        f"up {conditions['uploadThroughput']:.0f} B/s, cache disabled, websocket frames "
        + ("delayed by this script" if slow_ws else "not delayed (DevTools emulation only)")
    )
    print(f"runs: {len(runs)}; first card ms: " + ", ".join(f"{r.first_card_ms:.0f}" for r in runs))
    print("| metric | median |\n|---|---|")
    print(f"| time to first card | {med('first_card_ms') / 1000:.2f} s |")
    print(f"| DOMContentLoaded | {med('dcl_ms') / 1000:.2f} s |")
    print(f"| load event | {med('load_ms') / 1000:.2f} s |")
    print(f"| HTTP bytes on the wire | {_kb(med('http_bytes'))} |")
    print(f"| HTTP requests | {med('requests'):.0f} |")
    print(f"| websocket received / sent up to the first card | {_kb(med('ws_received'))} / {_kb(med('ws_sent'))} |")
    print(f"| largest websocket frame | {_kb(med('ws_largest_frame'))} |")
    raw = TELEGRAM_JS.read_bytes()
    print(
        f"| telegram-web-app.js (routed locally, not counted) | {_kb(len(raw))} raw, {_kb(len(gzip.compress(raw, 9)))} gzipped |"
    )
    print("\nper request (last run):")
    for url, (size, encoding) in sorted(runs[-1].by_url.items(), key=lambda kv: -kv[1][0]):
        print(f"  {size:>9,d}  {encoding or '-':5s}  {url}")


async def measure(app_url: str, conditions: dict, runs: int, slow_ws: bool, trace: bool) -> list[Run]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One unthrottled load first: the server's first hydrate and caches are not what we measure.
            await measure_once(browser, app_url, NO_THROTTLE, slow_ws=False)
            return [
                await measure_once(browser, app_url, conditions, slow_ws=slow_ws, trace=trace and i == runs - 1)
                for i in range(runs)
            ]
        finally:
            await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="an already running prod app (APP_ENV=dev sign-in); default: start one")
    parser.add_argument("--cdp-only", action="store_true", help="do not delay websocket frames")
    parser.add_argument("--no-throttle", action="store_true", help="measure without network emulation")
    parser.add_argument("--trace", action="store_true", help="print the last run's websocket frames")
    args = parser.parse_args()
    conditions = NO_THROTTLE if args.no_throttle else FAST_3G
    slow_ws = not (args.cdp_only or args.no_throttle)
    with contextlib.ExitStack() as stack:
        app_url = args.url or stack.enter_context(app_stack())
        runs = asyncio.run(measure(app_url, conditions, args.runs, slow_ws, args.trace))
    report(runs, conditions, slow_ws)


if __name__ == "__main__":
    main()
