"""The base of `SandboxServer` and `FakeTelegramServer`: a stand-in app served on a free
loopback port from a background thread, with a small client for its `/__control/` API."""

from __future__ import annotations

from typing import Any, Self

import httpx
from starlette.applications import Starlette

from sandbox.background import BackgroundServer
from sandbox.serving import make_server


class LocalServer:
    name = "local server"
    control_timeout_s = 10.0

    def __init__(self) -> None:
        self.url = ""
        # (certificate file, key file): serve https, as production addresses must be.
        self.tls: tuple[str, str] | None = None
        self._background: BackgroundServer | None = None
        self._http: httpx.Client | None = None

    def create_app(self) -> Starlette:
        raise NotImplementedError

    def start(self) -> Self:
        server = make_server(self.create_app(), log_level="warning", access_log=False, tls=self.tls)
        self._background = BackgroundServer(server, self.name)
        self.url = self._background.start()
        self._http = httpx.Client(
            base_url=self.url, timeout=self.control_timeout_s, trust_env=False, verify=self.tls[0] if self.tls else True
        )
        return self

    def stop(self) -> None:
        """Releases hung requests first (see serving.py), then shuts the server down."""
        if self._background is not None:
            self._background.stop()
        if self._http is not None:
            self._http.close()
        self._background = self._http = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _control(self, method: str, path: str, body: dict | None = None, params: dict | None = None) -> Any:
        if self._http is None:
            raise RuntimeError(f"the {self.name} is not running")
        response = self._http.request(method, f"/__control{path}", json=body, params=params)
        if response.status_code >= 400:
            raise ValueError(f"{self.name} control {path}: {response.json().get('message')}")
        return response.json()
