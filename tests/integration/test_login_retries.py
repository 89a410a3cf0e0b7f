"""The CargoTech login rides out passing failures within the caller's deadline, like data calls;
only a refusal holds logins off, and the admins hear of a refusal once."""

import logging
import time

import pytest

from services.cargotech.errors import CargoTechAuthFailed, CargoTechUnavailable
from services.feed.filters import base_query

LOGIN = "/v1/auth/login"


async def _login_outcomes(runtime) -> list[str]:
    return [a.outcome for a in reversed(await runtime.tokens.recent_audit(100)) if a.event == "login"]


async def test_a_503_burst_during_login_is_retried_and_the_data_call_succeeds(make_runtime, sandbox):
    runtime = make_runtime(cargotech_login_interval_s=60)
    sandbox.fault(kind="status", status=503, count=2, path_prefix=LOGIN)
    page = await runtime.cargos.client.list_cargos(base_query())
    assert page.data
    assert sandbox.stats()["login"] == 3
    assert await _login_outcomes(runtime) == ["unavailable", "unavailable", "ok"]
    assert (await runtime.tokens.status()).state == "valid"


async def test_an_html_error_page_from_the_proxy_is_retried_too(make_runtime, sandbox):
    runtime = make_runtime()
    sandbox.fault(kind="malformed", count=1, path_prefix=LOGIN)  # a 200 that is not the JSON we expect
    sandbox.fault(kind="status", status=502, count=1, path_prefix=LOGIN)
    assert await runtime.cargos.client.truck_types()
    assert await _login_outcomes(runtime) == ["unavailable", "unavailable", "ok"]


async def test_a_hung_login_times_out_and_the_next_attempt_succeeds(make_runtime, sandbox):
    runtime = make_runtime(cargotech_timeout_s=1.0)
    sandbox.fault(kind="hang", count=1, path_prefix=LOGIN)
    token = await runtime.tokens.get_token(deadline=time.monotonic() + 8)
    assert token
    assert await _login_outcomes(runtime) == ["unavailable", "ok"]


async def test_a_429_is_waited_out_when_retry_after_fits_the_deadline(make_runtime, sandbox):
    runtime = make_runtime()
    sandbox.fault(kind="status", status=429, count=1, retry_after=1, path_prefix=LOGIN)
    started = time.monotonic()
    assert await runtime.tokens.get_token(deadline=time.monotonic() + 5)
    assert time.monotonic() - started >= 1.0  # never sooner than Retry-After
    assert sandbox.stats()["login"] == 2


async def test_no_retry_is_started_that_could_not_finish_by_the_deadline(make_runtime, sandbox):
    runtime = make_runtime()
    sandbox.fault(kind="status", status=503, count=10, path_prefix=LOGIN)
    with pytest.raises(CargoTechUnavailable):
        await runtime.tokens.get_token(deadline=time.monotonic() + 0.3)
    assert sandbox.stats()["login"] == 1  # the first backoff (0.4 s at least) does not fit in 0.3 s


async def test_a_transient_failure_does_not_hold_the_next_caller_off(make_runtime, sandbox):
    runtime = make_runtime(cargotech_login_interval_s=60)
    sandbox.fault(kind="status", status=503, count=1, path_prefix=LOGIN)
    with pytest.raises(CargoTechUnavailable):
        await runtime.tokens.get_token(deadline=time.monotonic() + 0.3)
    # A moment later, a driver's call logs in at once: no minute of errors after one 503.
    assert await runtime.cargos.client.truck_types()
    assert await _login_outcomes(runtime) == ["unavailable", "ok"]


@pytest.mark.parametrize("refusal", [422, 401])
async def test_refused_credentials_hold_logins_off_until_an_admin_forces_one(make_runtime, sandbox, refusal):
    sandbox.set_account(bad_credentials_status=refusal)
    runtime = make_runtime(cargotech_password="wrong-password", cargotech_login_interval_s=60)
    with pytest.raises(CargoTechAuthFailed):
        await runtime.cargos.client.truck_types()
    with pytest.raises(CargoTechUnavailable) as caught:
        await runtime.cargos.client.truck_types()
    assert sandbox.stats()["login"] == 1  # refused credentials are not repeated at once
    assert caught.value.retry_after_s and caught.value.retry_after_s > 50
    assert await _login_outcomes(runtime) == ["refused"]
    with pytest.raises(CargoTechAuthFailed):
        await runtime.tokens.force_login()  # the admin's button still goes through
    assert sandbox.stats()["login"] == 2


async def test_admins_are_alerted_once_while_the_credentials_stay_refused(make_runtime, sandbox, caplog):
    runtime = make_runtime(cargotech_password="wrong-password", cargotech_login_interval_s=0)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            with pytest.raises(CargoTechAuthFailed):
                await runtime.cargos.client.truck_types()
    assert sandbox.stats()["login"] == 3
    alerts = [r for r in caplog.records if r.name == "alerts" and "cargotech_login_failed" in r.getMessage()]
    assert len(alerts) == 1
    assert "wrong-password" not in caplog.text
