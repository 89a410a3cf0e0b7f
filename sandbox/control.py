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
POST   /__control/clock          {"offset_s": N, "frozen"?: false} or {"at": epoch s, "frozen"?: false}
POST   /__control/cargo_note    {"id": cargo id, "note": text}: serve this extranote in its detail
POST   /__control/cargo/<id>/remove     the cargo is withdrawn: the list drops it, its detail answers 404
POST   /__control/cargo/<id>/restore    undo a remove
POST   /__control/cargo/<id>/price      {"price_rub": N}: the carrier price changes (`price_per_km`
                                        follows `price`)
POST   /__control/cargo/<id>/fields     {"weight"?, "price"?, "price_carrier"?, "points"?, "contacts"?,
                                        "extra"?, ...}: serve these answer fields (objects merged,
                                        contacts replaced) in the list and the detail
POST   /__control/cargo/<id>/duplicate  {"company_id"?: N}: another company reposts the same load
                                        (same route, dates, weight, price), listed right after it;
                                        answers {"id": the repost's id, "company_id": ...}
POST   /__control/reposts           {"share": 0..1}: that share of cargos is reposted by 1–3 other
                                        companies, as on real exchanges (0, the default, turns it off)
POST   /__control/spelling       {"spelling": "plain"|"drifted"}: serve the same data in our spellings
                                        or in drifted ones (numbers as strings, 0/1 booleans, …,
                                        about one item in 40 without a usable route)
POST   /__control/reset          faults, tokens, counters, clock and settings back to the start
GET    /__control/stats          call counters and live state
GET    /__control/list_queries   {"queries": [...]}: the list queries answered since the last reset,
                                  oldest first, each once, with its parameters sorted (the last 5000)
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.control_endpoint import control
from sandbox.responses import json_object, json_response, message
from sandbox.state import SandboxState

ACCOUNT_SETTINGS = ("suspended", "password", "phone", "auth_shape", "expires_in", "bad_credentials_status")


async def _body(request: Request) -> dict[str, Any]:
    body = await json_object(request)
    if body is None:
        raise ValueError("the body must be a JSON object")
    return body


def _settings(state: SandboxState) -> dict[str, Any]:
    config = state.config
    return {
        "seed": config.seed,
        "phone": config.phone,
        "auth_shape": config.auth_shape,
        "expires_in": config.expires_in,
        "rate_limit": config.rate_limit,
        "login_rate_limit": config.login_rate_limit,
        "bad_credentials_status": config.bad_credentials_status,
        "suspended": config.suspended,
        "spelling": config.spelling,
    }


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
    at, offset, frozen = body.get("at"), body.get("offset_s", 0), body.get("frozen", False)
    number = (int, float)
    if (
        isinstance(offset, bool)
        or not isinstance(offset, number)
        or not isinstance(frozen, bool)
        or (at is not None and (isinstance(at, bool) or not isinstance(at, number)))
    ):
        raise ValueError('expected {"offset_s": number, "frozen": bool} or {"at": number, "frozen": bool}')
    if at is None:
        state.clock.set(float(offset), frozen=frozen)
    else:
        state.clock.set_now(float(at), frozen=frozen)
    return json_response({"offset_s": state.clock.offset_s, "frozen": frozen, "now": state.clock.now()})


async def cargo_note(request: Request, state: SandboxState) -> Response:
    body = await _body(request)
    cargo_id, note = body.get("id"), body.get("note")
    if isinstance(cargo_id, bool) or not isinstance(cargo_id, int) or not isinstance(note, str):
        raise ValueError('expected {"id": cargo id, "note": text}')
    state.note_overrides[cargo_id] = note
    return json_response({"id": cargo_id, "note": note})


def _cargo_id(request: Request) -> int:
    raw = request.path_params["cargo_id"]
    if not raw.isdigit() or len(raw) > 19:
        raise ValueError("the cargo id must be digits")
    return int(raw)


def _live(state: SandboxState, cargo_id: int) -> Response | None:
    """A 404 answer when the cargo is not live now (edits apply to live cargos only)."""
    if state.pool.find(cargo_id, state.clock.now()) is None:
        return message(404, f"Cargo {cargo_id} is not live.")
    return None


async def cargo_remove(request: Request, state: SandboxState) -> Response:
    cargo_id = _cargo_id(request)
    if (missing := _live(state, cargo_id)) is not None:
        return missing
    state.pool.remove(cargo_id)
    return json_response({"id": cargo_id, "removed": True})


async def cargo_restore(request: Request, state: SandboxState) -> Response:
    cargo_id = _cargo_id(request)
    if cargo_id not in state.pool.removed:
        return message(404, f"Cargo {cargo_id} was not removed.")
    state.pool.restore(cargo_id)
    return json_response({"id": cargo_id, "removed": False})


async def cargo_price(request: Request, state: SandboxState) -> Response:
    cargo_id = _cargo_id(request)
    body = await _body(request)
    price = body.get("price_rub")
    if isinstance(price, bool) or not isinstance(price, int) or not 100 <= price <= 100_000_000:
        raise ValueError('expected {"price_rub": whole roubles, 100..100000000}')
    if (missing := _live(state, cargo_id)) is not None:
        return missing
    state.pool.set_price(cargo_id, price * 100)
    cargo = state.pool.find(cargo_id, state.clock.now())
    assert cargo is not None
    return json_response({"id": cargo_id, "price_rub": price, "price_per_km": cargo.price_per_km})


async def cargo_fields(request: Request, state: SandboxState) -> Response:
    cargo_id = _cargo_id(request)
    fields = await _body(request)
    if (missing := _live(state, cargo_id)) is not None:
        return missing
    cargo = state.pool.find(cargo_id, state.clock.now())
    assert cargo is not None
    state.pool.set_fields(cargo, fields)
    return json_response({"id": cargo_id, "fields": sorted(fields)})


async def cargo_duplicate(request: Request, state: SandboxState) -> Response:
    cargo_id = _cargo_id(request)
    body = await _body(request)
    company_id = body.get("company_id")
    if company_id is not None and (isinstance(company_id, bool) or not isinstance(company_id, int)):
        raise ValueError('expected {"company_id": N} or no body')
    if (missing := _live(state, cargo_id)) is not None:
        return missing
    dup_id = state.pool.duplicate(cargo_id, company_id)
    dup = state.pool.find(dup_id, state.clock.now())
    assert dup is not None
    return json_response({"id": dup_id, "original_id": cargo_id, "company_id": dup.company_id}, 201)


async def reposts(request: Request, state: SandboxState) -> Response:
    share = (await _body(request)).get("share")
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise ValueError('expected {"share": a number from 0 to 1}')
    state.pool.set_repost_share(float(share))
    return json_response({"share": float(share)})


async def spelling(request: Request, state: SandboxState) -> Response:
    body = await _body(request)
    if set(body) != {"spelling"}:
        raise ValueError('expected {"spelling": "plain" or "drifted"}')
    state.reconfigure(spelling=body["spelling"])
    return json_response({"data": _settings(state)})


async def reset(request: Request, state: SandboxState) -> Response:
    state.reset()
    return json_response({"data": _settings(state)})


async def stats(request: Request, state: SandboxState) -> Response:
    return json_response(state.snapshot())


async def list_queries(request: Request, state: SandboxState) -> Response:
    return json_response({"queries": list(state.stats.list_queries)})


routes = [
    Route("/faults", control(add_fault), methods=["POST"]),
    Route("/faults", control(list_faults), methods=["GET"]),
    Route("/faults", control(clear_faults), methods=["DELETE"]),
    Route("/revoke_tokens", control(revoke_tokens), methods=["POST"]),
    Route("/account", control(account), methods=["POST"]),
    Route("/rate_limit", control(rate_limit), methods=["POST"]),
    Route("/clock", control(clock), methods=["POST"]),
    Route("/cargo_note", control(cargo_note), methods=["POST"]),
    Route("/cargo/{cargo_id}/remove", control(cargo_remove), methods=["POST"]),
    Route("/cargo/{cargo_id}/restore", control(cargo_restore), methods=["POST"]),
    Route("/cargo/{cargo_id}/price", control(cargo_price), methods=["POST"]),
    Route("/cargo/{cargo_id}/fields", control(cargo_fields), methods=["POST"]),
    Route("/cargo/{cargo_id}/duplicate", control(cargo_duplicate), methods=["POST"]),
    Route("/reposts", control(reposts), methods=["POST"]),
    Route("/spelling", control(spelling), methods=["POST"]),
    Route("/reset", control(reset), methods=["POST"]),
    Route("/stats", control(stats), methods=["GET"]),
    Route("/list_queries", control(list_queries), methods=["GET"]),
]
