"""GET /health/live, /health/ready and /metrics, mounted next to Reflex's own endpoints.

Reflex reserves /ping and /_health (plus /_event, /_upload); ours live under /health/ and
/metrics so neither shadows the other.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from services.infra.health import readiness
from services.infra.metrics import render_metrics
from services.infra.runtime import Runtime


def health_routes(get_runtime: Callable[[], Runtime]) -> list[Route]:
    async def live(_: Request) -> JSONResponse:
        # No I/O on purpose: a restart cures nothing a dependency outage causes.
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> JSONResponse:
        ok, checks = await readiness(get_runtime())
        # "degraded": in rotation, but something reported (the bot, the CargoTech schema) is wrong.
        status = ("ok" if all(check["ok"] for check in checks.values()) else "degraded") if ok else "unavailable"
        return JSONResponse({"status": status, "checks": checks}, status_code=200 if ok else 503)

    async def metrics(_: Request) -> Response:
        # generate_latest writes the 0.0.4 text format (names escaped to underscores); say so,
        # rather than CONTENT_TYPE_LATEST, which in current prometheus_client announces 1.0.0.
        runtime = get_runtime()
        body = await render_metrics(runtime)
        return Response(body, media_type=CONTENT_TYPE_PLAIN_0_0_4)

    return [
        Route("/health/live", live, methods=["GET"]),
        Route("/health/ready", ready, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
    ]
