"""Cargos come and go with the clock; the same seed gives the same cargos in any process."""

import httpx

from sandbox.testing import SandboxServer
from tests.sandbox.support import BASE_PARAMS, LIST


def _ids(items):
    return {item["id"] for item in items}


def test_cargos_appear_and_disappear_as_time_passes(sandbox, fetch_all):
    now, _ = fetch_all()
    sandbox.set_clock(600, frozen=True)  # ten minutes later
    later, _ = fetch_all()
    gone, new = _ids(now) - _ids(later), _ids(later) - _ids(now)
    assert 20 <= len(new) <= 80 and 10 <= len(gone) <= 120  # five a minute, give or take
    assert {item["id"] for item in later[: len(new)]} == new  # newcomers are on top
    assert len(later) >= 2000


def test_going_back_in_time_hides_newer_cargos(sandbox, fetch_all):
    now, _ = fetch_all()
    sandbox.set_clock(-300, frozen=True)
    earlier, _ = fetch_all()
    assert max(_ids(earlier)) < max(_ids(now))


def _first_page_and_details(server):
    with httpx.Client(base_url=server.url, trust_env=False, headers={"Authorization": f"Bearer {server.login()}"}) as client:
        page = client.get(LIST, params={**BASE_PARAMS, "limit": 100}).json()
        details = [
            client.get(f"/v1/carrier/cargos/{item['id']}", params={"include": "contacts"}).json() for item in page["data"][:20]
        ]
    return page, details


def test_same_seed_same_data_other_seed_other_data(sandbox_server):
    sandbox_server.reset()
    pinned = sandbox_server.pinned_at
    with (
        SandboxServer(seed=sandbox_server.config.seed, pinned_at=pinned) as twin,
        SandboxServer(seed=7, pinned_at=pinned) as other,
    ):
        for server in (sandbox_server, twin, other):
            server.set_clock(0, frozen=True)  # the same instant on all three
        ours, twins = _first_page_and_details(sandbox_server), _first_page_and_details(twin)
        others = _first_page_and_details(other)
    assert ours == twins
    assert ours[0]["data"] != others[0]["data"]
    assert [i["company"] for i in ours[0]["data"]] != [i["company"] for i in others[0]["data"]]
