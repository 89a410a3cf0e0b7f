"""What one «Показать ещё» costs as a tab scrolls deeper: websocket bytes the server sends and
server CPU seconds, per page, for one driver paging the feed alone on a started stack.

    python -m benchmarks.page_cost --pages 20 --tabs 20 --json benchmarks/results/page-cost.json

Bytes are the socket.io frames the server sends from the event until `loading` is back to false;
CPU is the app's process tree (user + system) over the same span, so it includes the handler,
the delta, the state's pickling and the sandbox round trip's client side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import psutil

from benchmarks.load.stack import Stack
from services.identity.telegram_auth import sign_init_data
from services.infra.settings import DEV_BOT_TOKEN
from tests.e2e.reflex_socket import ROOT_STATE, ReflexSocket

SESSION = f"{ROOT_STATE}.cargo_webapp___state___session_state____session_state"
FEED = f"{ROOT_STATE}.cargo_webapp___state___feed_state____feed_state"


def tree_cpu(pid: int) -> float:
    root = psutil.Process(pid)
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def signed_in_tab(stack: Stack, driver_id: int) -> ReflexSocket:
    """A tab that has signed in and shows the feed's first page."""
    socket = ReflexSocket(stack.app_url)
    socket.send(f"{ROOT_STATE}.hydrate_and_load")
    socket.wait_for(lambda d: d.get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True, timeout=60)
    user = {"id": driver_id, "first_name": "Водитель", "last_name": "Замер", "language_code": "ru"}
    init_data = sign_init_data({"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE-cost"}, DEV_BOT_TOKEN)
    socket.send(f"{SESSION}.exchange", {"init_data": init_data})
    socket.wait_for(lambda d: d.get(FEED, {}).get("loading_rx_state_") is False, timeout=60)
    return socket


def page_costs(stack: Stack, pages: int, tabs: int) -> list[dict]:
    """Every tab presses «Показать ещё» `pages` times in lockstep: CPU per press is the tree's
    CPU over a step divided by the tabs (one tab's press is below the clock tick)."""
    sockets = [signed_in_tab(stack, 740000001 + n) for n in range(tabs)]
    time.sleep(2)  # let the first pages' follow-up events (dictionaries, cloud filters) settle
    pid = stack.app_pid()
    assert pid is not None
    rows = []
    for press in range(1, pages + 1):
        for socket in sockets:
            socket.frames.clear()
        cpu0, t0 = tree_cpu(pid), time.monotonic()
        for socket in sockets:
            socket.send(f"{FEED}.load_more")
        cards = 0
        for socket in sockets:
            delta = socket.wait_for(lambda d: d.get(FEED, {}).get("loading_rx_state_") is False, timeout=60)
            feed = delta[FEED]  # the list as one `cards` var: how the feed sent it before its slots
            cards = feed.get("card_count_rx_state_") or len(feed.get("cards_rx_state_") or []) or cards
        elapsed, cpu = time.monotonic() - t0, tree_cpu(pid) - cpu0
        sent = [sum(len(frame.encode()) for frame in socket.frames if frame.startswith("42")) for socket in sockets]
        rows.append(
            {
                "press": press,
                "page": press + 1,
                "cards": cards,
                "bytes_per_tab": round(sum(sent) / tabs),
                "cpu_ms_per_press": round(cpu * 1000 / tabs, 2),
                "step_wall_ms": round(elapsed * 1000, 1),
            }
        )
        print(rows[-1], flush=True)
        time.sleep(0.3)
    for socket in sockets:
        socket.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="«Показать ещё» presses after the first page")
    parser.add_argument("--tabs", type=int, default=20, help="tabs paging in lockstep (≤ 100)")
    parser.add_argument("--label", default="", help="a name for this run in the result file")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/page-cost.json"))
    args = parser.parse_args()
    stack = Stack().start()
    try:
        rows = page_costs(stack, args.pages, min(args.tabs, 100))
    finally:
        stack.stop()
    result = {
        "label": args.label,
        "tabs": args.tabs,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"nproc": os.cpu_count(), "cpu": platform.processor() or platform.machine(), "load_avg": os.getloadavg()},
        "load_more": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
