"""Data endpoints: the cargo list and detail, the points and type dictionaries."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from sandbox.catalog import LOAD_TYPES, TRUCK_TYPES
from sandbox.cities import search_points
from sandbox.filters import parse_list_query, parse_points_query
from sandbox.responses import dump_json, json_response, message, raw_json
from sandbox.spelling import respell_entry, respell_meta

if TYPE_CHECKING:
    from sandbox.state import SandboxState

CARGO_ID_RE = re.compile(r"^[0-9]{1,19}$")
_TRUCK_TYPES = {"data": [kind.as_json() for kind in TRUCK_TYPES]}
_LOAD_TYPES = {"data": [kind.as_json() for kind in LOAD_TYPES]}


def _drift_seed(state: SandboxState) -> int | None:
    """The seed of the drifted spelling when it is switched on, else None (plain answers)."""
    return state.config.seed if state.config.spelling == "drifted" else None


def _entries(body: dict, state: SandboxState) -> dict:
    seed = _drift_seed(state)
    if seed is None:
        return body
    return {**body, "data": [respell_entry(entry, seed) for entry in body["data"]]}


async def list_cargos(request: Request, state: SandboxState) -> Response:
    query = parse_list_query(request.query_params, state.pool.world.partners)
    matches = query.apply(state.pool.visible(state.clock.now()))
    state.stats.note_list_query(request.query_params.multi_items())
    page = matches[query.offset : query.offset + query.limit]
    # Items are serialised once per cargo; a page is a join of ready-made bytes.
    seed = _drift_seed(state)
    items = b",".join(cargo.encoded(detail=False, contacts=query.contacts, drift_seed=seed) for cargo in page)
    meta_values = {"limit": query.limit, "offset": query.offset, "size": len(matches)}
    meta = dump_json(meta_values if seed is None else respell_meta(meta_values, seed))
    return raw_json(b'{"data":[' + items + b'],"meta":' + meta + b"}")


async def cargo_detail(request: Request, state: SandboxState) -> Response:
    raw_id = request.path_params["cargo_id"]
    cargo = state.pool.find(int(raw_id), state.clock.now()) if CARGO_ID_RE.match(raw_id) else None
    if cargo is None:
        return message(404, "Cargo not found.")
    contacts = "contacts" in request.query_params.get("include", "").split(",")
    encoded = cargo.encoded(detail=True, contacts=contacts, drift_seed=_drift_seed(state))
    if cargo.id in state.note_overrides:
        item = json.loads(encoded)
        item["extra"] = {**item.get("extra", {}), "note": state.note_overrides[cargo.id]}
        encoded = dump_json(item)
    return raw_json(b'{"data":' + encoded + b"}")


async def points(request: Request, state: SandboxState) -> Response:
    query = parse_points_query(request.query_params)
    found = search_points(query.name, query.type)
    return json_response(
        _entries(
            {
                "data": [point.as_json() for point in found[query.offset : query.offset + query.limit]],
                "meta": {"limit": query.limit, "offset": query.offset, "size": len(found)},
            },
            state,
        )
    )


async def truck_types(request: Request, state: SandboxState) -> Response:
    return json_response(_entries(_TRUCK_TYPES, state))


async def load_types(request: Request, state: SandboxState) -> Response:
    return json_response(_entries(_LOAD_TYPES, state))
