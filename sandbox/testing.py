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

from typing import Any

from starlette.applications import Starlette

from sandbox.app import create_app
from sandbox.config import SandboxConfig
from sandbox.local_server import LocalServer

# 2026-12-01 09:00 Moscow time: the moment test suites pin the sandbox to, so the cargos they see
# do not depend on the day or the hour the suite runs.
TEST_EPOCH = 1_796_104_800.0


class SandboxServer(LocalServer):
    name = "sandbox"

    def __init__(self, config: SandboxConfig | None = None, *, pinned_at: float | None = None, **overrides: Any) -> None:
        """pinned_at: the sandbox's now after every reset (it runs on from there); clock
        offsets are then relative to it. None: the wall clock."""
        super().__init__()
        self.config = (config or SandboxConfig()).replace(**overrides)
        self.pinned_at = pinned_at

    def start(self) -> SandboxServer:
        super().start()
        if self.pinned_at is not None:
            self.set_clock(0)
        return self

    def create_app(self) -> Starlette:
        return create_app(self.config)

    @property
    def phone(self) -> str:
        return self.config.phone

    @property
    def password(self) -> str:
        return self.config.password

    # ---- control --------------------------------------------------------------------------------

    def login(self) -> str:
        """Log in with the configured credentials; the Sanctum token or the seed access token."""
        response = self._http.post("/v1/auth/login", json={"phone": self.phone, "password": self.password, "remember": True})
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
        if self.pinned_at is not None:
            self.set_clock(0)

    def list_queries(self) -> list[str]:
        """The list queries answered since the last reset, oldest first, each once, its
        parameters sorted and url-encoded (sandbox.state.query_key)."""
        return self._control("GET", "/list_queries")["queries"]

    def stats(self) -> dict:
        """Calls per endpoint (list, detail, points, truck_types, load_types, me, login, refresh),
        total, rate_limited (429s sent), logins_ok, live_tokens, hanging, faults_pending, clock."""
        return self._control("GET", "/stats")

    def set_clock(self, offset_s: float, *, frozen: bool = False) -> None:
        """Shift the sandbox's now by offset_s (absolute, not cumulative) from the pinned moment,
        or from the wall clock; frozen holds it still so the cargo list cannot change between calls."""
        if self.pinned_at is None:
            self._control("POST", "/clock", {"offset_s": offset_s, "frozen": frozen})
        else:
            self._control("POST", "/clock", {"at": self.pinned_at + offset_s, "frozen": frozen})

    def set_account(self, **settings: Any) -> None:
        """suspended, password, phone, auth_shape ("sanctum"|"seed"), expires_in, bad_credentials_status."""
        self._control("POST", "/account", settings)

    def set_note(self, cargo_id: int | str, note: str) -> None:
        """Serve `note` as this cargo's extranote (extra.note) in its detail."""
        self._control("POST", "/cargo_note", {"id": int(cargo_id), "note": note})

    def set_spelling(self, spelling: str) -> None:
        """ "plain" or "drifted" (sandbox.spelling): the same data, spelt as documented or drifted."""
        self._control("POST", "/spelling", {"spelling": spelling})

    def set_rate_limit(self, limit: int, login_limit: int | None = None) -> None:
        body = {"limit": limit} | ({} if login_limit is None else {"login_limit": login_limit})
        self._control("POST", "/rate_limit", body)
