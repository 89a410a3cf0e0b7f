"""The drifted spelling: switched by control call, CLI flag or SANDBOX_SPELLING; the same data
re-spelt, repeatable, with about one item in 40 left without a usable route; reset restores plain."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from sandbox.spelling import is_unusable
from tests.sandbox.support import BASE_PARAMS, LIST
from tests.sandbox.test_cli import ROOT, free_port


def _page(api: httpx.Client, offset: int = 0) -> dict:
    response = api.get(LIST, params={**BASE_PARAMS, "limit": "100", "offset": str(offset)})
    assert response.status_code == 200
    return response.json()


def test_the_switch_serves_the_same_cargos_in_drifted_spellings(sandbox, api):
    plain = _page(api)
    sandbox.set_spelling("drifted")
    drifted = _page(api)
    again = _page(api)
    assert drifted == again  # seeded: the same spelling on every call
    assert [str(item["id"]) for item in drifted["data"]] == [str(item["id"]) for item in plain["data"]]
    assert drifted["meta"]["size"] == str(plain["meta"]["size"])
    assert any(isinstance(item["id"], str) for item in drifted["data"])
    assert any(isinstance(item["price"], str) for item in drifted["data"])
    assert any(isinstance(item["truck_types"], dict) for item in drifted["data"])  # a PHP array keyed "0", "1"
    assert all("statistics" in item for item in drifted["data"])  # new nested objects
    unusable = [item for item in drifted["data"] if is_unusable(sandbox.config.seed, int(item["id"]))]
    for item in unusable:
        points = item["points"]
        assert points == [] or not all(
            isinstance(points.get(end), dict) and (points[end].get("city") or {}).get("name") for end in ("start", "finish")
        )


def test_details_and_dictionaries_drift_too(sandbox, api):
    cargo_id = _page(api)["data"][0]["id"]
    sandbox.set_spelling("drifted")
    detail = api.get(f"/v1/carrier/cargos/{cargo_id}", params={"source": "1", "include": "contacts"}).json()["data"]
    assert isinstance(detail["extra"]["flags"], dict)
    assert isinstance(detail["cargo_type"]["group"], dict)
    truck_types = api.get("/v1/dictionaries/truck_types").json()["data"]
    assert all(isinstance(t["id"], (int, str)) for t in truck_types) and any(isinstance(t["id"], str) for t in truck_types)
    points = api.get("/v1/dictionaries/points", params={"filter[name]": "моск", "limit": "10", "offset": "0"}).json()
    assert points["data"] and all(isinstance(point["type"], str) for point in points["data"])


def test_reset_restores_plain_and_bad_values_are_refused(sandbox, anon):
    sandbox.set_spelling("drifted")
    sandbox.reset()
    assert anon.post("/__control/reset").json()["data"]["spelling"] == "plain"
    refused = anon.post("/__control/spelling", json={"spelling": "wild"})
    assert refused.status_code in (400, 422) and "spelling" in refused.text
    assert anon.post("/__control/spelling", json={"spelling": "drifted"}).json()["data"]["spelling"] == "drifted"


@pytest.mark.parametrize(("args", "env"), [(["--spelling", "drifted"], {}), ([], {"SANDBOX_SPELLING": "drifted"})])
def test_cli_flag_and_environment(args, env):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--log-level", "warning", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                stats = httpx.post(f"{url}/__control/reset", trust_env=False)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the sandbox did not start"
                time.sleep(0.1)
        assert stats.json()["data"]["spelling"] == "drifted"
    finally:
        process.terminate()
        process.wait(timeout=10)
