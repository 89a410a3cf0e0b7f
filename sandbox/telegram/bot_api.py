"""`/bot<token>/<method>`: one Bot API call, recorded, answered in the Bot API's envelope.

The steps, in the order Telegram (and the network in front of it) would apply them: record the
call → injected fault → token (401) → method name, case-insensitive (404) → the method.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.telegram import bot_methods, message_methods, webhook_methods
from sandbox.telegram.calls import Call
from sandbox.telegram.faults import Fault
from sandbox.telegram.params import read_params
from sandbox.telegram.protocol import BotApiError, bot_id_from_token, not_found, ok
from sandbox.telegram.state import MethodHandler, TelegramState

# lower-case name → (canonical name, handler)
METHODS: dict[str, tuple[str, MethodHandler]] = {
    name.lower(): (name, handler)
    for name, handler in (message_methods.METHODS | bot_methods.METHODS | webhook_methods.METHODS).items()
}
HUNG_UP = "no answer: the client gave up waiting"


async def bot_api_call(request: Request) -> Response:
    state: TelegramState = request.app.state.sandbox
    name, handler = METHODS.get(request.path_params["method"].lower(), (request.path_params["method"], None))
    unreadable = None
    try:
        params = await read_params(request)
    except BotApiError as error:
        params, unreadable = {}, error
    call = state.calls.record(name, params)
    fault = state.faults.take(name)
    if fault is not None:
        return await _faulted(request, state, call, fault)
    try:
        bot = bot_methods.bot_user(bot_id_from_token(request.path_params["token"]), state.config)
        if handler is None:
            raise not_found()
        if unreadable is not None:
            raise unreadable
        result = await handler(state, bot, params)
    except BotApiError as error:
        call.fail(error)
        return error.response()
    call.succeed(result)
    return ok(result)


async def _faulted(request: Request, state: TelegramState, call: Call, fault: Fault) -> Response:
    """The fault's answer; a hang answers 502 once released (reset, clear_faults, shutdown)."""
    call.fault = fault.as_json()
    if fault.kind == "hang":
        error = BotApiError(502, "Bad Gateway")
        if not await state.faults.hang(request.receive):
            call.description = HUNG_UP
            return error.response()  # nobody reads it: the connection is gone
    else:
        error = fault.error()
    call.fail(error)
    return error.response()
