"""The sandbox ASGI app: `create_app(SandboxConfig(...))`.

Every API call goes through the same steps, in the order a real deployment would apply them:
count it → injected fault (the "network") → bearer token → suspended account → rate limit →
the endpoint. Every answer carries X-RateLimit-Limit / X-RateLimit-Remaining.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from sandbox import auth, cargo_api, control
from sandbox.config import SandboxConfig
from sandbox.ratelimit import Verdict
from sandbox.responses import ValidationFailed, message, unauthenticated
from sandbox.state import SandboxState

__all__ = ["SandboxConfig", "create_app"]

Handler = Callable[[Request, SandboxState], Awaitable[Response]]


def _api(name: str, handler: Handler, *, authenticated: bool = True) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        state: SandboxState = request.app.state.sandbox
        state.stats.count(name)
        limiter = state.api_limit if authenticated else state.login_limit
        verdict: Verdict | None = None
        response = await state.faults.intercept(request)
        if response is None:
            response, verdict = await _serve(request, state, handler, authenticated)
        for header, value in (verdict or limiter.peek()).headers().items():
            response.headers.setdefault(header, value)
        if response.status_code == 429:
            state.stats.rate_limited += 1
        return response

    return endpoint


async def _serve(request: Request, state: SandboxState, handler: Handler, authenticated: bool) -> tuple[Response, Verdict | None]:
    """The answer, and the rate-limit verdict if the call was counted against a budget."""
    if authenticated:
        if not state.tokens.is_live(auth.bearer_token(request), state.clock.now()):
            return unauthenticated(), None
        if state.config.suspended:
            return auth.suspended(), None
    verdict = (state.api_limit if authenticated else state.login_limit).hit()
    if not verdict.allowed:
        return message(429, "Too Many Attempts."), verdict
    try:
        return await handler(request, state), verdict
    except ValidationFailed as exc:
        return exc.response(), verdict


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths and wrong methods answer JSON too, like the real API.
    assert isinstance(exc, HTTPException)
    return message(exc.status_code, f"{exc.detail}.", exc.headers)


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """A new sandbox with its own state; generates the visible cargos up front so the first
    request is as fast as the rest."""
    state = SandboxState(config or SandboxConfig())
    state.pool.visible(state.clock.now())
    routes = [
        Route("/v1/auth/login", _api("login", auth.login, authenticated=False), methods=["POST"]),
        Route("/v1/auth/refresh", _api("refresh", auth.refresh, authenticated=False), methods=["POST"]),
        Route("/v1/me", _api("me", auth.me), methods=["GET"]),
        Route("/v2/cargos/views", _api("list", cargo_api.list_cargos), methods=["GET"]),
        Route("/v1/carrier/cargos/{cargo_id}", _api("detail", cargo_api.cargo_detail), methods=["GET"]),
        Route("/v1/dictionaries/points", _api("points", cargo_api.points), methods=["GET"]),
        Route("/v1/dictionaries/truck_types", _api("truck_types", cargo_api.truck_types), methods=["GET"]),
        Route("/v1/dictionaries/load_types", _api("load_types", cargo_api.load_types), methods=["GET"]),
        Mount("/__control", routes=control.routes),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.sandbox = state
    return app
