"""Signing a driver in through the runtime the app builds: initData → session → resume.

Real initData signatures (services.identity.telegram_auth.sign_init_data with the runtime's bot token), the dev
sign-in outside Telegram, prod's refusal, and the alert when initData checks fail in bulk.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from cryptography.fernet import Fernet

from services.identity.sign_in import (
    DEV_DRIVER,
    MAX_INIT_DATA,
    NOT_IN_TELEGRAM,
    SIGN_IN_FAILED,
    SignInRefused,
    dev_init_data,
    resume,
    sign_in,
)
from services.identity.telegram_auth import sign_init_data
from tests.support.redis_server import RedisServer

CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")
DRIVER = {"id": 5_512_345_678, "first_name": "Пётр", "last_name": "Сидоров", "username": "petr_truck", "language_code": "ru"}
PROD_TOKEN = "7000000001:prod-bot-token-used-only-in-this-test"


def bot_token(runtime) -> str:
    return runtime.settings.telegram_bot_token.get_secret_value()


def init_data_for(runtime, user=DRIVER, **fields) -> str:
    return sign_init_data({"user": json.dumps(user, ensure_ascii=False), "query_id": "AAE1", **fields}, bot_token(runtime))


def tampered(init_data: str, **changes: str) -> str:
    """The same initData and hash with some fields changed, as a forger would send it."""
    fields = dict(parse_qsl(init_data, keep_blank_values=True))
    fields.update(changes)
    return urlencode(list(fields.items()), quote_via=quote)


@pytest.fixture
def prod_runtime(make_runtime):
    return make_runtime(
        as_prod=True,
        telegram_bot_token=PROD_TOKEN,
        telegram_webhook_secret="prod-webhook-secret",
        dispatcher_chat_id=-1001234567890,
        public_url="https://driver.example.ru",
        token_encryption_keys=Fernet.generate_key().decode(),
    )


def alerts(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "alerts"]


def assert_refused_in_russian(caught: pytest.ExceptionInfo, message: str) -> None:
    assert caught.value.user_message == message == str(caught.value)
    assert CYRILLIC.search(message)


async def test_signed_init_data_opens_a_session_that_resume_returns(runtime):
    session_id, user = await sign_in(runtime, init_data_for(runtime))
    assert (user.id, user.first_name, user.last_name, user.username) == (DRIVER["id"], "Пётр", "Сидоров", "petr_truck")
    session = await resume(runtime, session_id)
    assert session is not None
    assert (session.driver_id, session.first_name, session.last_name, session.username) == (
        DRIVER["id"],
        "Пётр",
        "Сидоров",
        "petr_truck",
    )
    assert session.last_seen >= session.created_at


async def test_a_new_sign_in_revokes_the_drivers_previous_session(runtime):
    first, _ = await sign_in(runtime, init_data_for(runtime))
    second, _ = await sign_in(runtime, init_data_for(runtime))
    assert first != second
    assert await resume(runtime, first) is None
    assert (await resume(runtime, second)).driver_id == DRIVER["id"]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda data: tampered(data, user=json.dumps({**DRIVER, "id": 1}, ensure_ascii=False)), id="other-user-id"),
        pytest.param(lambda data: tampered(data, auth_date=str(int(time.time()) - 1)), id="changed-auth-date"),
        pytest.param(lambda data: tampered(data, hash="0" * 64), id="zero-hash"),
        pytest.param(lambda data: "&".join(p for p in data.split("&") if not p.startswith("hash=")), id="no-hash"),
        pytest.param(lambda data: data + "&extra=1", id="added-field"),
        pytest.param(lambda data: "garbage", id="garbage"),
    ],
)
async def test_tampered_init_data_is_refused(runtime, forge):
    with pytest.raises(SignInRefused) as caught:
        await sign_in(runtime, forge(init_data_for(runtime)))
    assert_refused_in_russian(caught, SIGN_IN_FAILED)


async def test_init_data_signed_with_another_bot_token_is_refused(runtime):
    foreign = sign_init_data({"user": json.dumps(DRIVER)}, "123:another-bot")
    with pytest.raises(SignInRefused) as caught:
        await sign_in(runtime, foreign)
    assert_refused_in_russian(caught, SIGN_IN_FAILED)


@pytest.mark.parametrize("age_s", [301, 3600, 86400, -3600])  # stale, or dated in the future
async def test_expired_init_data_is_refused(runtime, age_s):
    stale = init_data_for(runtime, auth_date=str(int(time.time()) - age_s))
    with pytest.raises(SignInRefused) as caught:
        await sign_in(runtime, stale)
    assert_refused_in_russian(caught, SIGN_IN_FAILED)


async def test_recent_init_data_is_accepted(runtime):
    recent = init_data_for(runtime, auth_date=str(int(time.time()) - 250))
    _, user = await sign_in(runtime, recent)
    assert user.id == DRIVER["id"]


async def test_empty_init_data_in_dev_signs_in_the_dev_driver(runtime):
    assert not runtime.settings.is_prod
    session_id, user = await sign_in(runtime, "")
    assert (user.id, user.first_name, user.username) == (DEV_DRIVER["id"], "Иван", "dev_driver")
    session = await resume(runtime, session_id)
    assert session is not None and session.driver_id == DEV_DRIVER["id"]


async def test_empty_init_data_in_prod_says_to_open_the_app_from_the_bot(prod_runtime):
    assert prod_runtime.settings.is_prod
    with pytest.raises(SignInRefused) as caught:
        await sign_in(prod_runtime, "")
    assert_refused_in_russian(caught, NOT_IN_TELEGRAM)
    assert "бота" in caught.value.user_message and "Telegram" in caught.value.user_message


async def test_prod_accepts_its_own_bot_and_refuses_the_dev_sign_in(prod_runtime, runtime):
    _, user = await sign_in(prod_runtime, init_data_for(prod_runtime))
    assert user.id == DRIVER["id"]
    # What the dev sign-in signs (with the public dev token) must not open a prod session.
    with pytest.raises(SignInRefused) as caught:
        await sign_in(prod_runtime, dev_init_data(bot_token(runtime)))
    assert_refused_in_russian(caught, SIGN_IN_FAILED)


async def test_oversize_init_data_is_refused(runtime, caplog):
    caplog.set_level(logging.WARNING)
    with pytest.raises(SignInRefused) as caught:
        await sign_in(runtime, "a" * (MAX_INIT_DATA + 1))
    assert_refused_in_russian(caught, SIGN_IN_FAILED)
    # Even correctly signed, initData over the limit is refused before any parsing.
    signed = init_data_for(runtime, start_param="x" * MAX_INIT_DATA)
    assert len(signed) > MAX_INIT_DATA
    with pytest.raises(SignInRefused):
        await sign_in(runtime, signed)
    # Just under the limit, a signed one still works.
    padding = MAX_INIT_DATA - len(init_data_for(runtime, start_param=""))
    fits = init_data_for(runtime, start_param="x" * padding)
    assert len(fits) == MAX_INIT_DATA
    _, user = await sign_in(runtime, fits)
    assert user.id == DRIVER["id"]


@pytest.mark.parametrize("not_text", [None, b"auth_date=1&hash=00", 12345, ["user=1"]])
async def test_init_data_that_is_not_text_is_refused(runtime, not_text):
    with pytest.raises(SignInRefused) as caught:
        await sign_in(runtime, not_text)
    assert_refused_in_russian(caught, SIGN_IN_FAILED)


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "x",
        "x" * 19,
        "x" * 101,
        "x" * 10_000,
        "../../etc/passwd-but-long-enough",
        None,
        12345,
        b"0" * 43,
    ],
)
async def test_resume_with_junk_ids_is_none(runtime, junk):
    await sign_in(runtime, init_data_for(runtime))  # a live session exists; junk must not find it
    assert await resume(runtime, junk) is None


async def test_resume_with_an_unknown_well_formed_id_is_none(runtime):
    real, _ = await sign_in(runtime, init_data_for(runtime))
    assert await resume(runtime, secrets.token_urlsafe(32)) is None
    assert await resume(runtime, real[:-1] + ("A" if real[-1] != "A" else "B")) is None
    assert await resume(runtime, real) is not None


async def test_eleven_bad_init_data_in_a_minute_raise_one_alert(runtime, caplog):
    caplog.set_level(logging.WARNING)
    bad = tampered(init_data_for(runtime), hash="f" * 64)
    for _ in range(10):
        with pytest.raises(SignInRefused):
            await sign_in(runtime, bad)
    assert alerts(caplog) == []  # ten is the threshold, not above it

    with pytest.raises(SignInRefused):
        await sign_in(runtime, bad)
    (alert,) = alerts(caplog)
    assert alert.levelno == logging.WARNING
    assert "initdata_failures" in alert.getMessage()
    assert "11 неудачных проверок initData" in alert.getMessage() and "bad_hash" in alert.getMessage()

    for _ in range(5):  # the window's alert is already out: no repeats
        with pytest.raises(SignInRefused):
            await sign_in(runtime, bad)
    assert len(alerts(caplog)) == 1
    # Good sign-ins still work meanwhile.
    session_id, _ = await sign_in(runtime, init_data_for(runtime))
    assert await resume(runtime, session_id) is not None


async def test_empty_and_oversize_init_data_are_not_counted_as_forgeries(runtime, prod_runtime, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(12):
        await sign_in(runtime, "")  # the dev sign-in is a valid signature
        with pytest.raises(SignInRefused):
            await sign_in(prod_runtime, "")
    assert alerts(caplog) == []


@pytest.fixture(scope="module")
def redis_url():
    with RedisServer() as server:
        yield server.url


async def test_with_redis_sessions_and_the_failure_count_are_shared_by_workers(make_runtime, redis_url, caplog):
    caplog.set_level(logging.WARNING)
    worker_a, worker_b = make_runtime(redis_url=redis_url), make_runtime(redis_url=redis_url)
    await worker_a.redis.flushdb()

    session_id, _ = await sign_in(worker_a, init_data_for(worker_a))
    assert (await resume(worker_b, session_id)).driver_id == DRIVER["id"]

    bad = tampered(init_data_for(worker_a), hash="e" * 64)
    for worker in [worker_a, worker_b] * 5:
        with pytest.raises(SignInRefused):
            await sign_in(worker, bad)
    assert alerts(caplog) == []  # 10 across both workers
    for worker in (worker_b, worker_a, worker_b):
        with pytest.raises(SignInRefused):
            await sign_in(worker, bad)
    assert len(alerts(caplog)) == 1  # the 11th, on either worker, alerts once for both
