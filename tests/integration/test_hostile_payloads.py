"""Any payload to any public event handler of any state, and any data on a bot button: the
answer is a clean Russian message or nothing, never an exception, and nothing unchecked
reaches CargoTech (every request is recorded where it leaves for the sandbox, over HTTP).

States are instantiated directly, as Reflex's own unit tests do, and handlers are called with
the payload Reflex would pass them when its type coercion gives up: the raw JSON values.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import re

import pytest
import reflex as rx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reflex.state import State

import cargo_webapp.cargo_webapp  # noqa: F401  (registers every page's state)
from cargo_webapp.state.admin_state import AdminState
from cargo_webapp.state.detail_state import DetailState
from cargo_webapp.state.feed_state import FeedState
from cargo_webapp.state.responses_state import ResponsesState
from cargo_webapp.state.saved_searches_state import SavedSearchesState
from cargo_webapp.state.session_state import SessionState
from services.alerts.messages import parse_off
from services.dispatch.messages import parse_callback
from services.feed.filters import FIELD_LABELS, FilterValidationError, validate_filters
from services.primitives.event_limiter import EventLimiter
from tests.integration.state_harness import check_request, run_handler, signed_in_tree
from tests.integration.test_bot_loop import (  # noqa: F401  (fixtures)
    DISPATCHER,
    DISPATCHERS,
    STRANGER,
    eventually,
    respond,
    sent_messages,
    start_bot,
    telegram,
    telegram_server,
)


def app_states() -> tuple[type[rx.State], ...]:
    """Every state the app defines (cargo_webapp/state/*), so a new one is fuzzed too."""
    found = {cls for cls in _all_subclasses(rx.State) if cls.__module__.startswith("cargo_webapp.state.")}
    return tuple(sorted(found, key=lambda cls: cls.get_full_name()))


def _all_subclasses(cls: type) -> set[type]:
    direct = set(cls.__subclasses__())
    return direct.union(*(_all_subclasses(sub) for sub in direct))


STATES = app_states()
assert {SessionState, FeedState, DetailState, ResponsesState, SavedSearchesState, AdminState} <= set(STATES)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Public vars that carry a message for the driver: when set, it must be Russian.
MESSAGE_VARS = ("error", "notice", "auth_error", "phone_error", "save_error", "quiet_error", "message")
TRICKY_TEXT = st.sampled_from(
    [
        "²",
        "①",
        "٣",
        "१२",
        "５",
        "1²",
        "-1",
        "+1",
        "1e3",
        "0x10",
        "1_000",
        " 12 ",
        "12\n",
        "9" * 30,
        "9" * 5000,
        "",
        " ",
        "null",
        "<script>",
        "'; DROP TABLE",
        "../../etc",
        "%00",
        "\x00",
        "Москва",
        "a" * 5000,
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    TRICKY_TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=10), TRICKY_TEXT), inner, max_size=4)
    ),
    max_leaves=12,
)
FILTER_KEYS = sorted(set(FIELD_LABELS) | {"from_name", "to_name", "mode"})
FILTER_LIKE = st.dictionaries(st.sampled_from(FILTER_KEYS), st.one_of(JSON, TRICKY_TEXT), max_size=8)
# Arguments named like these get filter-shaped values as well as arbitrary ones.
SHAPED = {
    "raw": st.one_of(JSON, FILTER_LIKE.map(lambda d: json.dumps(d, ensure_ascii=False))),
    "form": st.one_of(
        JSON,
        st.dictionaries(
            st.sampled_from(["start", "end", "quiet_start", "quiet_end"]), st.one_of(JSON, TRICKY_TEXT.map(lambda t: f"{t}:{t}"))
        ),
    ),
    "point": st.one_of(JSON, st.fixed_dictionaries({"id": JSON, "type": JSON, "name": JSON})),
    "name": st.one_of(JSON, st.sampled_from(FILTER_KEYS)),
}


def handlers(state_class) -> list[tuple[str, list[str]]]:
    return [
        (name, list(inspect.signature(handler.fn).parameters)[1:])
        for name, handler in state_class.event_handlers.items()
        if name != "setvar"
    ]


HANDLERS = [(cls, name, params) for cls in STATES for name, params in handlers(cls)]


async def assert_messages_are_russian(root: State) -> None:
    for state_class in STATES:
        state = await root.get_state(state_class)
        for var in MESSAGE_VARS:
            value = getattr(state, var, "")
            if isinstance(value, str) and value:
                assert CYRILLIC.search(value), f"{state_class.__name__}.{var} = {value!r}"
        for field, text in (getattr(state, "errors", None) or {}).items():
            assert CYRILLIC.search(text), f"{state_class.__name__}.errors[{field}] = {text!r}"


@pytest.mark.parametrize(("state_class", "name", "params"), HANDLERS, ids=[f"{cls.__name__}.{name}" for cls, name, _ in HANDLERS])
async def test_any_payload_to_any_handler_is_a_clean_answer_or_nothing(wired, state_class, name, params, caplog):
    _runtime, requests = wired
    caplog.set_level(logging.ERROR)

    # hypothesis drives plain functions: draw the payloads first, then run each on this loop.
    payloads: list[dict] = []

    @settings(
        derandomize=True, max_examples=25 if params else 3, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.fixed_dictionaries({param: SHAPED.get(param, JSON) for param in params}))
    def draw(payload: dict) -> None:
        payloads.append(payload)

    draw()
    for payload in payloads:
        root = await signed_in_tree()
        try:
            await run_handler(root, state_class, name, payload)
            await assert_messages_are_russian(root)
        except Exception as exc:
            raise AssertionError(f"{state_class.__name__}.{name}({str(payload)[:300]}) raised {exc!r}") from exc
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    for request in requests:
        check_request(request)


async def test_a_fuzzed_setvar_cannot_sign_anyone_in_or_touch_backend_vars(wired):
    """Reflex's built-in setvar calls `set_<name>`; our states define no such setters for
    identity, so whatever it is given, the session stays whose it was."""
    root = State(_reflex_internal_init=True)
    session = await root.get_state(SessionState)
    for var_name in ("signed_in", "_driver_id", "driver_id", "session_id", "field", "sort", "mode"):
        for state_class in STATES:
            state = await root.get_state(state_class)
            try:
                state_class.event_handlers["setvar"].fn(state, var_name, True)
            except (AttributeError, TypeError):
                pass  # refused inside Reflex's dispatch, before any of our code
    assert not session.signed_in and session.driver_id == 0


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(
    st.one_of(st.text(max_size=80), TRICKY_TEXT.map(lambda t: f"resp:{t}:accept"), TRICKY_TEXT.map(lambda t: f"alert_off:{t}"))
)
def test_bot_callback_parsers_take_only_bounded_ascii_ids(data):
    parsed = parse_callback(data)
    if parsed is not None:
        response_id, action = parsed
        assert data == f"resp:{response_id}:{action}" and 0 < response_id < 10**18
    off = parse_off(data)
    if off is not None:
        assert data == f"alert_off:{off}" and 0 < off < 10**18


FEED_STEPS = [(name, params) for name, params in handlers(FeedState) if name not in ("load_first", "reload", "load_more")]


async def test_any_sequence_of_filter_edits_then_apply_is_a_field_error_or_a_feed(wired, caplog):
    """Typed values reach the filter parser only when the sheet is submitted: random events,
    then a submit of randomly filled fields."""
    _runtime, requests = wired
    caplog.set_level(logging.ERROR)
    runs: list[list[tuple[str, dict]]] = []
    step = st.sampled_from(FEED_STEPS).flatmap(
        lambda item: st.tuples(st.just(item[0]), st.fixed_dictionaries({p: SHAPED.get(p, JSON) for p in item[1]}))
    )
    edit = st.tuples(st.sampled_from(FILTER_KEYS), st.one_of(TRICKY_TEXT, st.text(max_size=12)))

    @settings(derandomize=True, max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(step, max_size=5), st.lists(edit, max_size=6))
    def draw(steps, edits):
        # The sheet is submitted as the browser sends a form: its [name, value] entries.
        runs.append([*steps, ("submit_filters", {"fields": {"__reflex_form_data__": [list(e) for e in edits]}})])

    draw()
    for steps in runs:
        root = await signed_in_tree()
        for name, payload in steps:
            try:
                await run_handler(root, FeedState, name, payload)
                await assert_messages_are_russian(root)
            except Exception as exc:
                raise AssertionError(f"{steps!r:.600} raised {exc!r} at {name}") from exc
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    for request in requests:
        check_request(request)


@settings(derandomize=True, max_examples=2000, deadline=None, database=None)
@given(st.dictionaries(st.sampled_from(FILTER_KEYS), st.one_of(JSON, TRICKY_TEXT), max_size=10))
def test_the_filter_parser_answers_any_input_with_filters_or_field_errors(raw):
    try:
        validate_filters(raw)
    except FilterValidationError as exc:
        assert exc.field_errors and all(CYRILLIC.search(text) for text in exc.field_errors.values())


BUTTON_DATA = st.one_of(
    st.text(max_size=64),
    TRICKY_TEXT.map(lambda t: f"resp:{t}:accept"[:64]),
    TRICKY_TEXT.map(lambda t: f"alert_off:{t}"[:64]),
    st.sampled_from(["resp:1:accept", "resp:999999999:reject", "alert_done", "alert_off:1", "resp::", "resp:1:"]),
)


async def test_any_button_data_gets_a_russian_answer_or_nothing(start_bot, telegram, caplog):  # noqa: F811 - fixtures are taken by name
    """Through the fake Telegram over HTTP, to our webhook, as a forged or stale button would come."""
    caplog.set_level(logging.ERROR)
    runtime = await start_bot()
    await respond(runtime)
    message = (await eventually(lambda: sent_messages(telegram, DISPATCHERS)))[0]
    datas: list[str] = []

    @settings(derandomize=True, max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(BUTTON_DATA.filter(lambda d: len(d.encode()) <= 64), st.sampled_from([DISPATCHER, STRANGER]))
    def draw(data, user):
        datas.append((data, user))

    draw()
    for data, user in datas:
        report = await asyncio.to_thread(
            telegram.press_button, DISPATCHERS, message["message_id"], data, from_user=user, require_button=False
        )
        assert report["status"] == 200 and not report.get("error"), (data, report)
        for answer in report["answers"]:
            assert CYRILLIC.search(answer.get("text", "Ё")), (data, answer)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_any_start_argument_opens_the_app_or_a_checked_cargo(start_bot, telegram, caplog):  # noqa: F811 - fixtures are taken by name
    """/start's argument comes from a t.me link anyone can write: only a bounded ASCII cargo id
    reaches a URL; anything else opens the feed."""
    caplog.set_level(logging.ERROR)
    await start_bot()
    args: list[str] = []

    words = st.text(alphabet=st.characters(blacklist_categories=["Zs", "Cc"]), min_size=1, max_size=40)

    @settings(derandomize=True, max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(TRICKY_TEXT.map(lambda t: f"cargo_{t}"), words))
    def draw(arg):
        args.append(arg[:64])

    draw()
    user = {"id": 700000999, "first_name": "Пётр"}
    for arg in args:
        report = await asyncio.to_thread(telegram.send_text, f"/start {arg}", from_user=user)
        assert report["status"] == 200 and not report.get("error"), (arg, report)
    for message in sent_messages(telegram, user["id"]):
        for row in message.get("buttons") or []:
            for button in row:
                url = button.get("web_app", {}).get("url", "")
                assert re.fullmatch(r"http://localhost:3000/(cargo/[0-9]{1,20})?", url), url
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_driver_over_the_lookup_budget_sees_the_russian_notice(wired, monkeypatch):
    from cargo_webapp.state import feed_state
    from services.cargotech.upstream_budget import OVER_BUDGET, UpstreamBudget

    runtime, _requests = wired
    monkeypatch.setattr(feed_state, "_autocomplete_pace", EventLimiter(limit=10**9))
    runtime.cargos.budget = UpstreamBudget(per_driver_lookups=2, clock=lambda: 1000.0)
    root = await signed_in_tree(driver_id=700000777)
    for text in ("Казань", "Самара", "Москва"):
        await run_handler(root, FeedState, "search_points", {"which": "from", "text": text})
    session = await root.get_state(SessionState)
    assert session.notice == OVER_BUDGET
    assert runtime.cargos.budget.stats.refused[700000777] == 1
