"""`SandboxServer`: a real sandbox on a free loopback port, for any test suite.

    with SandboxServer(seed=7, rate_limit=10_000) as sandbox:   # any SandboxConfig field
        client = httpx.Client(base_url=sandbox.url)
        token = sandbox.login()                                   # a fresh token (counts as a login)
        sandbox.fault(kind="status", status=503, count=2, path_prefix="/v2/cargos")
        sandbox.stats()["list"]                                   # calls per endpoint, "total", …
        sandbox.reset()                                           # fresh state between tests

The server runs uvicorn in a background thread with its own event loop, so the helpers are
plain sync calls usable from sync and async tests alike. Control helpers speak HTTP to
`/__control/*` (see sandbox/control.py for the full control API). Leaving the block (or
`stop()`) releases hung requests and shuts the server down.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.serving import make_server

START_TIMEOUT_S = 20


class SandboxServer:
    def __init__(self, config: SandboxConfig | None = None, **overrides: Any) -> None:
        self.config = (config or SandboxConfig()).replace(**overrides)
        self.url = ""
        self._server = None
        self._thread: threading.Thread | None = None
        self._http: httpx.Client | None = None

    @property
    def phone(self) -> str:
        return self.config.phone

    @property
    def password(self) -> str:
        return self.config.password

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        # Bind first and hand the socket to uvicorn: the port is ours, no race with other tests.
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets that say they are TCP,
        # and without it every answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._server = make_server(create_app(self.config), log_level="warning", access_log=False)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"sandbox {self.url}", daemon=True)
        self._thread.start()
        self._http = httpx.Client(base_url=self.url, timeout=10, trust_env=False)
        self._wait_until_up()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self._http is not None:
            self._http.close()
        self._server = self._thread = self._http = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server thread died while starting")
            if self._server.started:
                try:
                    self.stats()
                    return
                except httpx.TransportError:
                    pass
            time.sleep(0.02)
        self.stop()
        raise TimeoutError(f"the sandbox at {self.url} did not answer within {START_TIMEOUT_S} s")

    # ---- control --------------------------------------------------------------------------------

    def login(self) -> str:
        """Log in with the configured credentials; the Sanctum token or the seed access token."""
        response = self._http.post("/v1/auth/login", json={"phone": self.phone, "password": self.password,
                                                           "remember": True})
        response.raise_for_status()
        body = response.json()
        return body["data"]["token"] if "data" in body else body["access_token"]

    def fault(self, **spec: Any) -> dict:
        """Queue a fault, e.g. fault(kind="status", status=503, count=5, path_prefix="/v2/cargos");
        kinds: status (+ retry_after), latency (ms), hang, malformed; count= or duration_s=."""
        return self._control("POST", "/faults", spec)["data"]

    def clear_faults(self) -> None:
        """Drop pending faults and release hung calls."""
        self._control("DELETE", "/faults")

    def revoke_tokens(self) -> None:
        self._control("POST", "/revoke_tokens")

    def reset(self) -> None:
        """Faults, tokens, counters, clock and settings back to how the server started."""
        self._control("POST", "/reset")

    def stats(self) -> dict:
        """Calls per endpoint (list, detail, points, truck_types, load_types, me, login, refresh),
        total, rate_limited (429s sent), logins_ok, live_tokens, hanging, faults_pending, clock."""
        return self._control("GET", "/stats")

    def set_clock(self, offset_s: float, *, frozen: bool = False) -> None:
        """Shift the sandbox's now by offset_s (absolute, not cumulative); frozen holds it still
        so the cargo list cannot change between calls."""
        self._control("POST", "/clock", {"offset_s": offset_s, "frozen": frozen})

    def set_account(self, **settings: Any) -> None:
        """suspended, password, phone, auth_shape ("sanctum"|"seed"), expires_in, bad_credentials_status."""
        self._control("POST", "/account", settings)

    def set_note(self, cargo_id: int | str, note: str) -> None:
        """Serve `note` as this cargo's extranote (extra.note) in its detail."""
        self._control("POST", "/cargo_note", {"id": int(cargo_id), "note": note})

    def set_rate_limit(self, limit: int, login_limit: int | None = None) -> None:
        body = {"limit": limit} | ({} if login_limit is None else {"login_limit": login_limit})
        self._control("POST", "/rate_limit", body)

    def _control(self, method: str, path: str, body: dict | None = None) -> dict:
        if self._http is None:
            raise RuntimeError("the sandbox server is not running")
        response = self._http.request(method, f"/__control{path}", json=body)
        if response.status_code >= 400:
            raise ValueError(f"sandbox control {path}: {response.json().get('message')}")
        return response.json()
