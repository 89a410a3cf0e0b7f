"""Serve an ASGI app from a daemon thread on a free loopback port, for tests.

The socket is bound before uvicorn starts, so the port is known up front and no other test can
take it. IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
and without it every answer waits ~40 ms for a delayed ACK.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT_S = 20


class BackgroundServer:
    def __init__(self, server: uvicorn.Server, name: str) -> None:
        self._server = server
        self._name = name
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> str:
        """Start serving; the base URL, e.g. http://127.0.0.1:41234."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        scheme = "https" if self._server.config.ssl_certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{sock.getsockname()[1]}"
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"{self._name} {self.url}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the {self._name} thread died while starting")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the {self._name} at {self.url} did not start within {START_TIMEOUT_S} s")
            time.sleep(0.01)
        return self.url

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None


def quiet_server(app: ASGIApp) -> uvicorn.Server:
    """A plain uvicorn server for a helper app in tests (a webhook receiver, say)."""
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
