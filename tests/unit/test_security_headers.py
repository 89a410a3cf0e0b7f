"""HSTS, a content policy whose connect-src is the app and its own websocket only, and CORS
for the app's own origin only."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
import reflex.app
from cryptography.fernet import Fernet
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from cargo_webapp.security_headers import allowed_origins, security_headers

ROOT = Path(__file__).resolve().parents[2]


class Client:
    """Requests straight into the ASGI app, no server."""

    def __init__(self, app, base_url: str = "http://testserver") -> None:
        self._app, self._base_url = app, base_url

    def _send(self, method: str, path: str, headers: dict | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self._app)
            async with httpx.AsyncClient(transport=transport, base_url=self._base_url) as http:
                return await http.request(method, path, headers=headers)

        return asyncio.run(go())

    def get(self, path: str, headers: dict | None = None) -> httpx.Response:
        return self._send("GET", path, headers)

    def options(self, path: str, headers: dict | None = None) -> httpx.Response:
        return self._send("OPTIONS", path, headers)


def client(public_url: str, base_url: str = "http://testserver") -> Client:
    app = Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))])
    return Client(security_headers(public_url)(app), base_url=base_url)


def connect_src(response) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return directives["connect-src"].split()


def test_prod_names_only_itself_and_its_own_wss_websocket():
    response = client("https://driver.example.ru").get("/", headers={"host": "evil.example"})
    assert connect_src(response) == ["'self'", "wss://driver.example.ru"]
    assert "ws:" not in response.headers["content-security-policy"].replace("wss://driver", "")


def test_prod_sends_hsts():
    response = client("https://driver.example.ru").get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_a_local_run_names_its_own_host_and_sends_no_hsts():
    response = client("http://localhost:3000", base_url="http://127.0.0.1:8123").get("/")
    assert connect_src(response) == ["'self'", "ws://127.0.0.1:8123"]
    assert "strict-transport-security" not in response.headers


def test_a_host_header_that_could_break_the_policy_is_not_echoed():
    response = client("http://localhost:3000").get("/", headers={"host": "a; script-src *"})
    assert connect_src(response) == ["'self'"]
    assert "script-src *" not in response.headers["content-security-policy"]


def test_the_rest_of_the_policy_still_lets_telegram_frame_the_app():
    policy = client("https://driver.example.ru").get("/").headers["content-security-policy"]
    assert "frame-ancestors 'self' https://web.telegram.org" in policy and "https://telegram.org" in policy


def cors_app(monkeypatch, origins) -> Client:
    """Our routes as Reflex serves them: Reflex adds its CORS middleware with the config's origins."""
    monkeypatch.setattr(reflex.app, "get_config", lambda: SimpleNamespace(cors_allowed_origins=origins))
    api = Starlette(routes=[Route("/health/live", lambda request: PlainTextResponse("ok"))])
    reflex.app.App._add_cors(api)
    return Client(api)


def test_cors_in_prod_allows_the_apps_own_origin_only(monkeypatch):
    origins = allowed_origins("https://driver.example.ru/some/path", is_prod=True)
    assert origins == ("https://driver.example.ru",)
    api = cors_app(monkeypatch, origins)
    own = api.get("/health/live", headers={"origin": "https://driver.example.ru"})
    assert own.headers["access-control-allow-origin"] == "https://driver.example.ru"
    other = api.get("/health/live", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = api.options("/health/live", headers={"origin": "https://evil.example", "access-control-request-method": "POST"})
    assert preflight.status_code == 400


def test_a_local_run_keeps_reflexs_default_for_its_two_ports():
    assert allowed_origins("http://localhost:3000", is_prod=False) == ("*",)


def test_rxconfig_gives_reflex_the_prod_origin(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "TELEGRAM_", "CARGOTECH_", "ADMIN_"))}
    env.update(
        APP_ENV="prod",
        CARGOTECH_PHONE="+79990001122",
        CARGOTECH_PASSWORD="a-real-password",
        TOKEN_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        TELEGRAM_BOT_TOKEN="7000000001:AAH-prod-bot-token-secret-35-chars_",
        TELEGRAM_WEBHOOK_SECRET="w" * 40,
        DISPATCHER_CHAT_ID="-100123",
        ADMIN_CHAT_ID="-100456",
        PUBLIC_URL="https://driver.example.ru",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import rxconfig; print(tuple(rxconfig.config.cors_allowed_origins))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "('https://driver.example.ru',)", result.stderr[-500:]
