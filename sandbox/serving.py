"""Uvicorn, taught to let hung requests go before it waits for in-flight requests at shutdown
(otherwise a `hang` fault would hold the process until the graceful timeout), and to stop when
the process that started it is gone (the app's dev session starts the stand-ins and must not
leave them behind)."""

from __future__ import annotations

import os
import socket

import uvicorn
from starlette.applications import Starlette

GRACEFUL_SHUTDOWN_S = 3  # a safety net: nothing should still be running by then


class SandboxUvicorn(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Starlette, owner_pid: int | None = None) -> None:
        super().__init__(config)
        self._app = app
        self._owner_pid = owner_pid

    async def on_tick(self, counter: int) -> bool:
        if self._owner_pid is not None and counter % 10 == 0 and not _alive(self._owner_pid):
            self.should_exit = True
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._app.state.sandbox.faults.release()
        await super().shutdown(sockets)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def make_server(
    app: Starlette,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    log_level: str = "info",
    access_log: bool = True,
    owner_pid: int | None = None,
    tls: tuple[str, str] | None = None,
) -> SandboxUvicorn:
    """tls: (certificate file, key file) to serve https instead of http."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        ssl_certfile=tls[0] if tls else None,
        ssl_keyfile=tls[1] if tls else None,
    )
    return SandboxUvicorn(config, app, owner_pid)
