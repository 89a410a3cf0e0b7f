"""Security headers on every HTTP answer, and the one origin allowed to call the app.

Telegram's clients frame the app (web.telegram.org) or load it in a web view, so there is no
X-Frame-Options: DENY; frame-ancestors names Telegram instead. Scripts may come from
telegram.org (telegram-web-app.js); 'unsafe-eval' is needed by Reflex's call_script.

connect-src names the app itself and its own websocket only: a script injected somehow could
not send what it reads to another host. In production the websocket's address comes from
PUBLIC_URL (wss://, the only address the app is served at); elsewhere from the request's own
host, since a local run is reached at whatever port it was given. HSTS is sent only when the
app's public address is https: over plain http a browser ignores it anyway.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000; includeSubDomains"
STATIC_POLICY = [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' https://telegram.org",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org https://t.me",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
]
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def public_origin(public_url: str) -> str | None:
    """`https://driver.example.ru` from any URL on it; None when it names no host."""
    parts = urlsplit(public_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(public_url: str, *, is_prod: bool) -> tuple[str, ...]:
    """What CORS (HTTP) and socket.io (websocket) accept as Origin. Prod: the app's own origin
    only. A local run keeps Reflex's default, exactly `("*",)` (Reflex compares with that tuple):
    its dev frontend and backend sit on two ports."""
    origin = public_origin(public_url) if is_prod else None
    return (origin,) if origin else ("*",)


def content_security_policy(websocket_origin: str) -> str:
    return "; ".join([*STATIC_POLICY, f"connect-src 'self' {websocket_origin}"])


def _websocket_origin(public_url: str, scope: Scope) -> str:
    origin = public_origin(public_url)
    if origin and origin.startswith("https://"):
        return "wss://" + origin.removeprefix("https://")
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
    if not host or any(c in host for c in " ;,'\"\r\n"):
        return ""  # 'self' alone: no host we could trust to name
    return ("wss://" if scope.get("scheme") == "https" else "ws://") + host


def security_headers(public_url: str):
    """The ASGI transformer that adds the headers to every HTTP answer of the app."""
    hsts = public_url.strip().startswith("https://")

    def transform(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            extra = [
                *HEADERS,
                (b"content-security-policy", content_security_policy(_websocket_origin(public_url, scope)).strip().encode()),
            ]
            if hsts:
                extra.append((b"strict-transport-security", HSTS))

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    names = {name.lower() for name, _ in message.get("headers", [])}
                    added = [(name, value) for name, value in extra if name not in names]
                    message = {**message, "headers": [*message.get("headers", []), *added]}
                await send(message)

            await app(scope, receive, send_with_headers)

        return wrapped

    return transform
