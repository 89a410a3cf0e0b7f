"""Uvicorn, taught to let hung requests go before it waits for in-flight requests at shutdown
(otherwise a `hang` fault would hold the process until the graceful timeout)."""

from __future__ import annotations

import socket

import uvicorn
from starlette.applications import Starlette

GRACEFUL_SHUTDOWN_S = 3  # a safety net: nothing should still be running by then


class SandboxUvicorn(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.state.sandbox.faults.release()
        await super().shutdown(sockets)


def make_server(app: Starlette, *, host: str = "127.0.0.1", port: int = 0, log_level: str = "info",
                access_log: bool = True) -> SandboxUvicorn:
    config = uvicorn.Config(
        app, host=host, port=port, log_level=log_level, access_log=access_log, lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    return SandboxUvicorn(config, app)
