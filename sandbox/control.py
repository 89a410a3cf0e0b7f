"""`/__control/*`: a local test tool, so no auth, never rate limited, never counted as API calls.

    POST   /__control/faults         {"kind": "status"|"latency"|"hang"|"malformed", "count"?: N,
                                      "duration_s"?: S, "status"?: 503, "retry_after"?: 2,
                                      "ms"?: 300, "path_prefix"?: "/v2/cargos"}
    GET    /__control/faults         the faults still pending
    DELETE /__control/faults         drop them all and release hung calls
    POST   /__control/revoke_tokens  every issued token stops working
    POST   /__control/account        {"suspended"?, "password"?, "phone"?, "auth_shape"?: "sanctum"|"seed",
                                      "expires_in"?, "bad_credentials_status"?: 401|422}
    POST   /__control/rate_limit     {"limit": N, "login_limit"?: M}  (per minute)
    POST   /__control/clock          {"offset_s": N, "frozen"?: false}
    POST   /__control/cargo_note    {"id": cargo id, "note": text}: serve this extranote in its detail
    POST   /__control/reset          faults, tokens, counters, clock and settings back to the start
    GET    /__control/stats          call counters and live state
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.control_endpoint import control
from sandbox.responses import json_object, json_response
from sandbox.state import SandboxState

ACCOUNT_SETTINGS = ("suspended", "password", "phone", "auth_shape", "expires_in", "bad_credentials_status")


async def _body(request: Request) -> dict[str, Any]:
    body = await json_object(request)
    if body is None:
        raise ValueError("the body must be a JSON object")
    return body


def _settings(state: SandboxState) -> dict[str, Any]:
    config = state.config
    return {"seed": config.seed, "phone": config.phone, "auth_shape": config.auth_shape,
            "expires_in": config.expires_in, "rate_limit": config.rate_limit,
            "login_rate_limit": config.login_rate_limit, "bad_credentials_status": config.bad_credentials_status,
            "suspended": config.suspended}


async def add_fault(request: Request, state: SandboxState) -> Response:
    return json_response({"data": state.faults.add(await _body(request)).as_json()}, 201)


async def list_faults(request: Request, state: SandboxState) -> Response:
    return json_response({"data": [fault.as_json() for fault in state.faults.pending()]})


async def clear_faults(request: Request, state: SandboxState) -> Response:
    return json_response({"cleared": state.faults.clear()})


async def revoke_tokens(request: Request, state: SandboxState) -> Response:
    return json_response({"revoked": state.tokens.revoke_all()})


async def account(request: Request, state: SandboxState) -> Response:
    body = await _body(request)
    unknown = set(body) - set(ACCOUNT_SETTINGS)
    if unknown:
        raise ValueError(f"unknown account settings: {', '.join(sorted(unknown))}")
    state.reconfigure(**body)
    return json_response({"data": _settings(state)})


async def rate_limit(request: Request, state: SandboxState) -> Response:
    body = await _body(request)
    if set(body) - {"limit", "login_limit"} or not body:
        raise ValueError('expected {"limit": N} and/or {"login_limit": N}')
    changes = {"rate_limit": body.get("limit"), "login_rate_limit": body.get("login_limit")}
    state.reconfigure(**{name: value for name, value in changes.items() if value is not None})
    return json_response({"data": _settings(state)})


async def clock(request: Request, state: SandboxState) -> Response:
    body = await _body(request)
    offset, frozen = body.get("offset_s", 0), body.get("frozen", False)
    if isinstance(offset, bool) or not isinstance(offset, (int, float)) or not isinstance(frozen, bool):
        raise ValueError('expected {"offset_s": number, "frozen": bool}')
    state.clock.set(float(offset), frozen=frozen)
    return json_response({"offset_s": state.clock.offset_s, "frozen": frozen, "now": state.clock.now()})


async def cargo_note(request: Request, state: SandboxState) -> Response:
    body = await _body(request)
    cargo_id, note = body.get("id"), body.get("note")
    if isinstance(cargo_id, bool) or not isinstance(cargo_id, int) or not isinstance(note, str):
        raise ValueError('expected {"id": cargo id, "note": text}')
    state.note_overrides[cargo_id] = note
    return json_response({"id": cargo_id, "note": note})


async def reset(request: Request, state: SandboxState) -> Response:
    state.reset()
    return json_response({"data": _settings(state)})


async def stats(request: Request, state: SandboxState) -> Response:
    return json_response(state.snapshot())


routes = [
    Route("/faults", control(add_fault), methods=["POST"]),
    Route("/faults", control(list_faults), methods=["GET"]),
    Route("/faults", control(clear_faults), methods=["DELETE"]),
    Route("/revoke_tokens", control(revoke_tokens), methods=["POST"]),
    Route("/account", control(account), methods=["POST"]),
    Route("/rate_limit", control(rate_limit), methods=["POST"]),
    Route("/clock", control(clock), methods=["POST"]),
    Route("/cargo_note", control(cargo_note), methods=["POST"]),
    Route("/reset", control(reset), methods=["POST"]),
    Route("/stats", control(stats), methods=["GET"]),
]
