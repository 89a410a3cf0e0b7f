"""A bare client of Reflex's websocket protocol (engine.io 4 + socket.io), for calling event
handlers directly, the way an attacker with a websocket would, bypassing the UI."""

from __future__ import annotations

import json
import time
import uuid

import simple_websocket

ROOT_STATE = "reflex___state____state"


class ReflexSocket:
    def __init__(self, app_url: str, pathname: str = "/") -> None:
        self.token = str(uuid.uuid4())
        self.pathname = pathname
        url = app_url.replace("http://", "ws://") + f"/_event/?EIO=4&transport=websocket&token={self.token}"
        self._ws = self._open(url)
        self._ws.send("40/_event,")
        self.frames: list[str] = []
        self._until(lambda frame: frame.startswith("40/_event"))

    @staticmethod
    def _open(url: str, timeout_s: float = 120.0) -> simple_websocket.Client:
        """Connect and read engine.io's open packet. A server just started on a busy machine may
        take a while to answer its first socket: keep trying until the deadline."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                ws = simple_websocket.Client.connect(url)
            except (simple_websocket.ConnectionError, OSError):
                time.sleep(0.5)
                continue
            first = ws.receive(timeout=15)
            if first and first.startswith("0"):
                return ws
            ws.close()
        raise ConnectionError(f"no engine.io open packet from {url} within {timeout_s:.0f} s")

    def send(self, name: str, payload: dict | None = None) -> None:
        """Send one event without waiting for its answer."""
        body = {
            "name": name,
            "payload": payload or {},
            "router_data": {"pathname": self.pathname, "asPath": self.pathname, "query": {}},
        }
        self._ws.send("42/_event," + json.dumps(["event", body], ensure_ascii=False))

    def wait_for(self, matches, timeout: float = 30.0) -> dict:
        """The first state delta (pushed or answered) for which matches(delta) is true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self._receive(deadline - time.monotonic())
            if frame and frame.startswith("42/_event,"):
                kind, update = json.loads(frame[len("42/_event,") :])
                if kind == "event" and matches(update.get("delta", {})):
                    return update["delta"]
        raise TimeoutError("no matching state delta")

    def event(self, name: str, payload: dict | None = None, *, wait_s: float = 3.0) -> list[dict]:
        """Send one event and collect the state deltas that come back within wait_s."""
        self.send(name, payload)
        deltas = []
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            frame = self._receive(deadline - time.monotonic())
            if frame and frame.startswith("42/_event,"):
                kind, update = json.loads(frame[len("42/_event,") :])
                if kind == "event":
                    deltas.append(update.get("delta", {}))
        return deltas

    def _receive(self, timeout: float) -> str | None:
        frame = self._ws.receive(timeout=max(0.05, timeout))
        if frame == "2":  # ping → pong
            self._ws.send("3")
            return None
        if frame is not None:
            self.frames.append(frame)
        return frame

    def _until(self, matches, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self._receive(deadline - time.monotonic())
            if frame and matches(frame):
                return frame
        raise TimeoutError("no matching frame")

    def close(self) -> None:
        self._ws.close()
