"""Cache headers for the compiled frontend, which Reflex serves without any.

Compression itself happens at build time: rxconfig.py asks Reflex for brotli and gzip sidecars
of every JS/CSS/HTML file, and Reflex's static server picks the one the browser accepts
(Content-Encoding + Vary: Accept-Encoding). A gzip middleware here would only re-check those
responses and sit in the way of /_event, so there is none.

- /assets/* file names carry a content hash (vite): cache them for a year, immutable, so a
  driver reopening the app downloads nothing but the HTML.
- The HTML and the unhashed files (/app.js, /styles.css) must be revalidated on every load:
  without a Cache-Control, browsers cache them heuristically, and after a deploy an old page
  would ask for asset files that no longer exist. Revalidation is cheap (ETag → 304).
- Anything else (JSON routes, the webhook, /_event) is left as it is.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HASHED_PREFIX = "/assets/"
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
REVALIDATED_TYPES = (b"text/html", b"text/javascript", b"application/javascript", b"text/css")


def cache_control_for(path: str, status: int, content_type: bytes) -> bytes | None:
    if status not in (200, 304):
        return None
    if path.startswith(HASHED_PREFIX):
        return IMMUTABLE
    if content_type.startswith(REVALIDATED_TYPES):
        return REVALIDATE
    return None


def with_static_caching(app: ASGIApp) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await app(scope, receive, send)
            return

        async def send_with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                names = {name.lower() for name, _ in headers}
                content_type = next((v.lower() for n, v in headers if n.lower() == b"content-type"), b"")
                value = cache_control_for(scope["path"], message["status"], content_type)
                if value is not None and b"cache-control" not in names:
                    message = {**message, "headers": [*headers, (b"cache-control", value)]}
            await send(message)

        await app(scope, receive, send_with_cache_control)

    return wrapped
