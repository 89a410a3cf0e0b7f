"""`GET /v1/carrier/cargos/{id}`: the list fields plus addresses, extra, cargo type, shipper."""

import pytest

from tests.sandbox.support import BASE_PARAMS, LIST

DETAIL_PARAMS = {"source": "1", "include": "contacts"}


def _detail(api, cargo_id, **params):
    return api.get(f"/v1/carrier/cargos/{cargo_id}", params={**DETAIL_PARAMS, **params})


def test_detail_is_the_list_item_plus_what_the_list_lacks(api):
    items = api.get(LIST, params={**BASE_PARAMS, "limit": 40}).json()["data"]
    for item in items:
        answer = _detail(api, item["id"])
        assert answer.status_code == 200
        detail = answer.json()["data"]
        for point in ("start", "finish"):
            assert detail["points"][point].pop("address").startswith("г. ")
        assert {k: v for k, v in detail.items() if k not in ("extra", "cargo_type", "shipper")} == item
        assert set(detail["extra"]) >= {
            "note",
            "note_valid",
            "url",
            "external_inn",
            "custom_cargo_type",
            "partial_load",
            "krugoreis",
        }
        assert detail["cargo_type"]["id"] and detail["cargo_type"]["name"]
        assert set(detail["shipper"]) == {"id", "inn", "name", "type", "security_status"}


def test_notes_are_present_on_most_cargos_and_null_on_some(api):
    items = api.get(LIST, params={**BASE_PARAMS, "limit": 100}).json()["data"]
    notes = [_detail(api, item["id"]).json()["data"]["extra"]["note"] for item in items]
    assert sum(note is None for note in notes) >= 5 and sum(bool(note) for note in notes) >= 50
    assert any("ДОПОГ" in note or "реф" in note or "растентовка" in note or "оплата" in note for note in notes if note)


def test_contacts_only_with_include(api):
    cargo_id = api.get(LIST, params=BASE_PARAMS).json()["data"][0]["id"]
    assert "contacts" in _detail(api, cargo_id).json()["data"]
    assert "contacts" not in api.get(f"/v1/carrier/cargos/{cargo_id}", params={"source": "1"}).json()["data"]


@pytest.mark.parametrize("cargo_id", ["1000000001", "2200000000", "9999999999", "99999999999999999999", "12a", "-5"])
def test_unknown_cargo_is_404(api, cargo_id):
    answer = api.get(f"/v1/carrier/cargos/{cargo_id}", params=DETAIL_PARAMS)
    assert answer.status_code == 404 and answer.json()["message"]


def test_a_cargo_that_left_the_list_is_404(api, sandbox):
    oldest = api.get(LIST, params={**BASE_PARAMS, "limit": 1, "offset": 1999}).json()["data"][0]["id"]
    assert _detail(api, oldest).status_code == 200
    sandbox.set_clock(9 * 3600, frozen=True)  # longer than any cargo lives
    assert _detail(api, oldest).status_code == 404
