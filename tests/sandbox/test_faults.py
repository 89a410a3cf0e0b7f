"""Fault injection through /__control/faults: status, latency, hang, malformed; by count or time."""

import json
import threading
import time

import httpx
import pytest

from sandbox.testing import SandboxServer
from tests.sandbox.support import BASE_PARAMS, LIST


def _wait_for(condition, timeout_s=3.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_status_for_a_count_of_calls(api, sandbox):
    sandbox.fault(kind="status", status=503, count=2, path_prefix="/v2/cargos")
    codes = [api.get(LIST, params=BASE_PARAMS).status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert api.get("/v1/me").status_code == 200  # other paths untouched
    assert sandbox.stats()["list"] == 3  # faulted calls are counted too


def test_429_fault_carries_retry_after(api, sandbox):
    sandbox.fault(kind="status", status=429, count=1, retry_after=7)
    refused = api.get("/v1/me")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "7"
    assert refused.json() == {"message": "Too Many Attempts."}
    assert sandbox.stats()["rate_limited"] == 1
    sandbox.fault(kind="status", status=429)  # one call, Retry-After defaults to 1 s
    assert api.get("/v1/me").headers["Retry-After"] == "1"


def test_status_for_a_time_window(api, sandbox):
    sandbox.fault(kind="status", status=502, duration_s=0.6)
    assert {api.get("/v1/me").status_code for _ in range(5)} == {502}
    time.sleep(0.7)
    assert api.get("/v1/me").status_code == 200
    assert sandbox.stats()["faults_pending"] == 0


def test_faults_queue_in_order(api, sandbox):
    sandbox.fault(kind="status", status=503, count=1)
    sandbox.fault(kind="status", status=504, count=1)
    assert [api.get("/v1/me").status_code for _ in range(3)] == [503, 504, 200]


def test_login_is_faulted_unless_restricted(anon, sandbox):
    sandbox.fault(kind="status", status=503, count=1)
    assert anon.post("/v1/auth/login", json={"phone": sandbox.phone, "password": sandbox.password}).status_code == 503
    assert sandbox.login()
    assert sandbox.stats()["login"] == 2 and sandbox.stats()["logins_ok"] == 1


def test_latency(api, sandbox):
    sandbox.fault(kind="latency", ms=300, count=1)
    started = time.monotonic()
    assert api.get("/v1/me").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert sandbox.stats()["faults_pending"] == 0  # count=1: the next call is served at once


def test_latency_stacks_with_a_status_fault(api, sandbox):
    sandbox.fault(kind="latency", ms=200, count=1)
    sandbox.fault(kind="status", status=503, count=1)
    started = time.monotonic()
    assert api.get("/v1/me").status_code == 503
    assert time.monotonic() - started >= 0.2


def test_hang_until_the_client_gives_up(api, sandbox):
    sandbox.fault(kind="hang", count=1, path_prefix="/v2/cargos")
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        api.get(LIST, params=BASE_PARAMS, timeout=0.5)
    assert time.monotonic() - started < 2
    _wait_for(lambda: sandbox.stats()["hanging"] == 0)  # the server let go when the client left
    assert api.get(LIST, params=BASE_PARAMS).status_code == 200


def _hang_in_background(api):
    result = {}

    def call():
        started = time.monotonic()
        result["status"] = api.get("/v1/me", timeout=30).status_code
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=call)
    thread.start()
    return thread, result


def test_clearing_faults_releases_hung_calls(api, sandbox):
    sandbox.fault(kind="hang", count=1)
    thread, result = _hang_in_background(api)
    _wait_for(lambda: sandbox.stats()["hanging"] == 1)
    sandbox.clear_faults()
    thread.join(5)
    assert result["status"] == 503 and result["elapsed"] < 5
    assert sandbox.stats()["hanging"] == 0


def test_shutdown_releases_hung_calls():
    with SandboxServer() as server:
        client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.login()}"}, trust_env=False)
        server.fault(kind="hang", count=1)
        thread, result = _hang_in_background(client)
        _wait_for(lambda: server.stats()["hanging"] == 1)
        started = time.monotonic()
    assert time.monotonic() - started < 2  # leaving the block did not wait for the hung call
    thread.join(5)
    assert result["elapsed"] < 5
    client.close()


def test_malformed_json(api, sandbox):
    sandbox.fault(kind="malformed", count=1, path_prefix="/v2/cargos")
    answer = api.get(LIST, params=BASE_PARAMS)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)
    assert api.get(LIST, params=BASE_PARAMS).json()["data"]


def test_pending_faults_are_listed_and_reset_drops_them(anon, sandbox):
    sandbox.fault(kind="status", status=500, count=3)
    pending = anon.get("/__control/faults").json()["data"]
    assert [(f["kind"], f["status"], f["remaining"]) for f in pending] == [("status", 500, 3)]
    sandbox.reset()
    assert sandbox.stats()["faults_pending"] == 0


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "status"},
        {"kind": "status", "status": 200},
        {"kind": "latency"},
        {"kind": "status", "status": 503, "count": 0},
        {"kind": "hang", "path_prefix": "v2"},
        {"kind": "hang", "colour": "red"},
    ],
)
def test_bad_fault_specs_are_refused(sandbox, spec):
    with pytest.raises(ValueError):
        sandbox.fault(**spec)
    assert sandbox.stats()["faults_pending"] == 0


def test_a_staged_note_replaces_the_extranote_until_reset(sandbox, api):
    cargo_id = api.get("/v2/cargos/views", params={"limit": 1}).json()["data"][0]["id"]
    sandbox.set_note(cargo_id, "<img src=x onerror=alert(1)>")
    detail = api.get(f"/v1/carrier/cargos/{cargo_id}").json()["data"]
    assert detail["extra"]["note"] == "<img src=x onerror=alert(1)>"
    sandbox.reset()
    api.headers["Authorization"] = f"Bearer {sandbox.login()}"  # reset revoked the old token
    assert api.get(f"/v1/carrier/cargos/{cargo_id}").json()["data"]["extra"].get("note") != "<img src=x onerror=alert(1)>"
