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

if TYPE_CHECKING:
    from sandbox.state import SandboxState

CARGO_ID_RE = re.compile(r"^[0-9]{1,19}$")
_TRUCK_TYPES = {"data": [kind.as_json() for kind in TRUCK_TYPES]}
_LOAD_TYPES = {"data": [kind.as_json() for kind in LOAD_TYPES]}


async def list_cargos(request: Request, state: SandboxState) -> Response:
    query = parse_list_query(request.query_params, state.pool.world.partners)
    matches = query.apply(state.pool.visible(state.clock.now()))
    page = matches[query.offset: query.offset + query.limit]
    # Items are serialised once per cargo; a page is a join of ready-made bytes.
    items = b",".join(cargo.encoded(detail=False, contacts=query.contacts) for cargo in page)
    meta = dump_json({"limit": query.limit, "offset": query.offset, "size": len(matches)})
    return raw_json(b'{"data":[' + items + b'],"meta":' + meta + b"}")


async def cargo_detail(request: Request, state: SandboxState) -> Response:
    raw_id = request.path_params["cargo_id"]
    cargo = state.pool.find(int(raw_id), state.clock.now()) if CARGO_ID_RE.match(raw_id) else None
    if cargo is None:
        return message(404, "Cargo not found.")
    contacts = "contacts" in request.query_params.get("include", "").split(",")
    encoded = cargo.encoded(detail=True, contacts=contacts)
    if cargo.id in state.note_overrides:
        item = json.loads(encoded)
        item["extra"] = {**item.get("extra", {}), "note": state.note_overrides[cargo.id]}
        encoded = dump_json(item)
    return raw_json(b'{"data":' + encoded + b"}")


async def points(request: Request, state: SandboxState) -> Response:
    query = parse_points_query(request.query_params)
    found = search_points(query.name, query.type)
    return json_response({
        "data": [point.as_json() for point in found[query.offset: query.offset + query.limit]],
        "meta": {"limit": query.limit, "offset": query.offset, "size": len(found)},
    })


async def truck_types(request: Request, state: SandboxState) -> Response:
    return json_response(_TRUCK_TYPES)


async def load_types(request: Request, state: SandboxState) -> Response:
    return json_response(_LOAD_TYPES)
