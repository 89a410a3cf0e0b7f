"""An asyncio client of Reflex's websocket protocol (engine.io 4 + socket.io, Reflex 0.10.1),
behaving like the compiled frontend where it matters for load:

- the hydrate event rides in the socket.io CONNECT packet, with the synced localStorage vars
  (the driver's session id) so a reconnect resumes the session;
- events the server returns in `events` are sent back as the browser would (chained
  handlers), and `_call_script` calls are answered by a small table of fake scripts
  (initData, Telegram CloudStorage, haptics);
- deltas are merged into a local copy of the state, and waiters are woken on each delta.

Reflex 0.10.1 no longer marks an event's last update (`final` is gone), so an action is
complete when the state shows it (see driver.py: e.g. FeedState.loading back to false).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import websockets

ROOT = "reflex___state____state"
SESSION = f"{ROOT}.cargo_webapp___state___session_state____session_state"
FEED = f"{ROOT}.cargo_webapp___state___feed_state____feed_state"
DETAIL = f"{ROOT}.cargo_webapp___state___detail_state____detail_state"
HYDRATE = f"{ROOT}.hydrate_and_load"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
SESSION_VAR = f"{SESSION}.session_id_rx_state_"
SUFFIX = "_rx_state_"
_CALLBACK = re.compile(r'ReflexEvent\("([^"]+)", \{(\w+):_result\}')


class Disconnected(Exception):
    """The socket closed (server restart, network); the driver reconnects."""


class ReflexClient:
    def __init__(self, app_url: str, *, script_answer: Callable[[str], str | None]) -> None:
        self.ws_base = app_url.replace("http://", "ws://")
        self.token = str(uuid.uuid4())
        self.session_id = ""
        self.state: dict[str, dict[str, Any]] = {}
        self.path, self.query = "/", {}
        self.script_answer = script_answer  # handler full name → callback value (None: do not answer)
        self._ws: websockets.ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Condition()
        self.closed_reason = ""
        self.reloads = 0
        self.boot_seq: int | None = None
        self.boot_cards = False
        self.seq = 0  # frames received; last_set says in which frame a var last changed
        self.sent = 0  # events sent (the hydrate in CONNECT, actions, followed chains, script answers)
        self.last_set: dict[tuple[str, str], int] = {}

    # --- connection ----------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._reader is not None and not self._reader.done()

    def _router_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"pathname": self.path, "asPath": self.path}
        if self.query:
            data["query"] = dict(self.query)
        return data

    async def connect(self, path: str = "/", query: dict | None = None, timeout_s: float = 20) -> None:
        """Open the socket and hydrate `path` (the boot event rides in the CONNECT packet)."""
        await self.close()
        self.path, self.query = path, dict(query or {})
        self.state.setdefault(ROOT, {})["is_hydrated"] = False
        self.boot_seq: int | None = None  # the frame carrying the hydrated full state
        self.boot_cards = False  # did the server still hold this tab's loaded cards?
        url = f"{self.ws_base}/_event/?EIO=4&transport=websocket&token={self.token}"
        ws = await asyncio.wait_for(
            websockets.connect(url, max_size=None, open_timeout=timeout_s, ping_interval=None, compression=None), timeout_s
        )
        first = await asyncio.wait_for(ws.recv(), timeout_s)
        if not isinstance(first, str) or not first.startswith("0"):
            await ws.close()
            raise Disconnected(f"no engine.io open packet: {first!r:.80}")
        payload: dict[str, Any] = {}
        if self.session_id:
            payload["vars"] = {SESSION_VAR: self.session_id}
        boot = {"name": HYDRATE, "payload": payload, "router_data": self._router_data()}
        await ws.send("40/_event," + json.dumps({"event": boot}, ensure_ascii=False))
        self.sent += 1
        self._ws = ws
        self.closed_reason = ""
        self._reader = asyncio.create_task(self._read(ws))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None
        if self._ws is not None:
            ws, self._ws = self._ws, None
            try:
                await asyncio.wait_for(ws.close(), 2)
            except Exception:  # noqa: BLE001 — closing a dead socket may fail any way
                pass

    async def _read(self, ws) -> None:
        try:
            async for frame in ws:
                if frame == "2":
                    await ws.send("3")
                elif frame.startswith("42/_event,"):
                    kind, *args = json.loads(frame[len("42/_event,") :])
                    await self._on_message(kind, args[0] if args else None)
                elif frame.startswith("44/_event"):  # connect refused
                    self.closed_reason = "connect_error"
                    break
                elif frame.startswith("41/_event"):
                    self.closed_reason = "server_disconnect"
                    break
            else:
                self.closed_reason = self.closed_reason or "closed"
        except websockets.ConnectionClosed:
            self.closed_reason = "closed"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 — any read failure ends this connection
            self.closed_reason = f"read_error:{type(exc).__name__}"
        async with self._changed:
            self._changed.notify_all()

    async def _on_message(self, kind: str, update: Any) -> None:
        if kind == "event" and isinstance(update, dict):
            self.seq += 1
            delta = update.get("delta") or {}
            if self.boot_seq is None and ROOT in delta and "is_hydrated_rx_state_" in delta[ROOT]:
                self.boot_seq = self.seq
                self.boot_cards = bool((delta.get(FEED) or {}).get("cards_rx_state_"))
            for substate, values in (update.get("delta") or {}).items():
                target = self.state.setdefault(substate, {})
                for key, value in values.items():
                    var = key[: -len(SUFFIX)] if key.endswith(SUFFIX) else key
                    target[var] = value
                    self.last_set[(substate, var)] = self.seq
            sid = self.state.get(SESSION, {}).get("session_id")
            if sid:
                self.session_id = sid
            for event in update.get("events") or []:
                await self._follow(event)
        elif kind == "new_token" and isinstance(update, str):
            self.token = update
        elif kind in ("reload", "state_mismatch"):
            self.reloads += 1
        async with self._changed:
            self._changed.notify_all()

    async def _follow(self, event: dict) -> None:
        """Do what the browser does with an event the server returned."""
        name = event.get("name", "")
        if name == "_call_script":
            match = _CALLBACK.search(event.get("payload", {}).get("callback") or "")
            if match:
                answer = self.script_answer(match.group(1))
                if answer is not None:
                    await self.send(match.group(1), {match.group(2): answer})
        elif name and not name.startswith("_"):
            await self.send(name, event.get("payload") or {})

    # --- events --------------------------------------------------------------------------------

    async def send(self, name: str, payload: dict | None = None) -> None:
        if self._ws is None:
            raise Disconnected("not connected")
        body = {"name": name, "payload": payload or {}, "router_data": self._router_data()}
        self.sent += 1
        try:
            await self._ws.send("42/_event," + json.dumps(["event", body], ensure_ascii=False))
        except websockets.ConnectionClosed as exc:
            raise Disconnected(str(exc)) from exc

    async def navigate(self, path: str, query: dict | None = None) -> None:
        """Client-side navigation: the page's on_load runs through on_load_internal."""
        self.path, self.query = path, dict(query or {})
        await self.send(ON_LOAD)

    async def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> None:
        """Until predicate() holds on the merged state; Disconnected if the socket goes away."""

        async def _wait() -> None:
            async with self._changed:
                while not predicate():
                    if not self.connected:
                        raise Disconnected(self.closed_reason or "closed")
                    await self._changed.wait()

        await asyncio.wait_for(_wait(), timeout_s)

    def get(self, substate: str, var: str, default: Any = None) -> Any:
        return self.state.get(substate, {}).get(var, default)

    def set_since(self, substate: str, var: str, seq: int) -> bool:
        """Did a delta received after frame `seq` set this var?"""
        return self.last_set.get((substate, var), 0) > seq
