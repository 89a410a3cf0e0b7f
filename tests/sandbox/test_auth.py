"""Login (both shapes), /v1/me, token revocation and expiry, bad credentials, suspension."""

import re

import pytest

from sandbox.auth import normalise_phone
from tests.sandbox.support import LIST


def _login(anon, sandbox, **overrides):
    body = {"phone": sandbox.phone, "password": sandbox.password, "remember": True, **overrides}
    return anon.post("/v1/auth/login", json=body)


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_sanctum_login_mints_a_new_token_each_time(anon, sandbox):
    tokens = [_login(anon, sandbox).json()["data"]["token"] for _ in range(3)]
    assert all(re.fullmatch(r"\d+\|[A-Za-z0-9]{40,}", token) for token in tokens)
    ids = [int(token.split("|")[0]) for token in tokens]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert all(anon.get("/v1/me", headers=_bearer(token)).status_code == 200 for token in tokens)
    stats = sandbox.stats()
    assert stats["login"] == stats["logins_ok"] == 3 and stats["live_tokens"] == 3


def test_phone_is_compared_by_digits(anon, sandbox):
    assert normalise_phone(sandbox.phone) == "79111111111"
    for spelling in ("+7 911 111 11 11", "8 (911) 111-11-11", "+7-911-111-11-11"):
        assert _login(anon, sandbox, phone=spelling).status_code == 200


def test_me_describes_the_account_with_a_masked_phone(api):
    answer = api.get("/v1/me")
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert data["id"] and data["name"] and data["company"]["inn"]
    assert data["phone"] == "+7 911 ***-**-11"


@pytest.mark.parametrize("path", [LIST, "/v1/me", "/v1/dictionaries/truck_types", "/v1/carrier/cargos/2200000001"])
def test_data_calls_need_a_bearer_token(anon, sandbox, path):
    token = sandbox.login()
    for headers in ({}, {"Authorization": f"Token {token}"}, _bearer("1|" + "x" * 40)):
        answer = anon.get(path, headers=headers)
        assert answer.status_code == 401 and answer.json() == {"message": "Unauthenticated."}
    # A token in a cookie is ignored.
    anon.cookies.set("token", token)
    assert anon.get(path).status_code == 401


def test_revoked_tokens_are_refused(api, sandbox):
    assert api.get("/v1/me").status_code == 200
    sandbox.revoke_tokens()
    assert api.get("/v1/me").status_code == 401
    assert api.get(LIST).status_code == 401
    assert sandbox.stats()["live_tokens"] == 0


def test_bad_credentials_are_422_in_laravel_shape(anon, sandbox):
    for body in ({"password": "wrong"}, {"phone": "+79990000000"}):
        answer = _login(anon, sandbox, **body)
        assert answer.status_code == 422
        assert answer.json()["message"] and answer.json()["errors"]["phone"]
        assert "wrong" not in answer.text
    missing = anon.post("/v1/auth/login", json={"phone": ""})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"phone", "password"}
    assert sandbox.stats()["logins_ok"] == 0


def test_bad_credentials_can_answer_401(anon, sandbox):
    sandbox.set_account(bad_credentials_status=401)
    answer = _login(anon, sandbox, password="wrong")
    assert answer.status_code == 401 and answer.json()["errors"]["phone"]


def test_password_can_change_at_run_time(anon, sandbox):
    sandbox.set_account(password="new-secret")
    assert _login(anon, sandbox).status_code == 422
    assert _login(anon, sandbox, password="new-secret").status_code == 200


def test_suspended_account_is_403_on_login_and_data(api, anon, sandbox):
    sandbox.set_account(suspended=True)
    assert _login(anon, sandbox).status_code == 403
    assert api.get(LIST).status_code == 403
    assert _login(anon, sandbox, password="wrong").status_code == 422  # no hint before the password is right
    sandbox.set_account(suspended=False)
    assert api.get(LIST).status_code == 200


def test_login_attempts_are_rate_limited(anon, sandbox):
    sandbox.set_rate_limit(100_000, login_limit=3)
    answers = [_login(anon, sandbox, password="wrong") for _ in range(4)]
    assert [a.status_code for a in answers] == [422, 422, 422, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert answers[-1].json() == {"message": "Too Many Attempts."}
    assert _login(anon, sandbox).status_code == 429  # right credentials wait too


def test_seed_shape_login_refresh_and_expiry(anon, sandbox):
    sandbox.set_account(auth_shape="seed", expires_in=120)
    body = _login(anon, sandbox).json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 120
    assert body["driver_id"] and body["driver_name"]
    first = body["access_token"]
    assert anon.get("/v1/me", headers=_bearer(first)).status_code == 200

    refreshed = anon.post("/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200
    second = refreshed.json()["access_token"]
    assert second != first and refreshed.json()["refresh_token"] != body["refresh_token"]
    assert anon.get("/v1/me", headers=_bearer(first)).status_code == 401  # the old one is gone
    assert anon.get("/v1/me", headers=_bearer(second)).status_code == 200
    reused = anon.post("/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert reused.status_code == 401  # refresh tokens are single-use

    sandbox.set_clock(121, frozen=True)  # past expires_in
    assert anon.get("/v1/me", headers=_bearer(second)).status_code == 401
    again = anon.post("/v1/auth/refresh", json={"refresh_token": refreshed.json()["refresh_token"]})
    assert anon.get("/v1/me", headers=_bearer(again.json()["access_token"])).status_code == 200
    assert sandbox.stats()["refresh"] == 3


def test_sanctum_shape_has_no_refresh_endpoint(anon):
    assert anon.post("/v1/auth/refresh", json={"refresh_token": "x"}).status_code == 404


def test_reset_restores_settings_and_forgets_tokens(api, anon, sandbox):
    sandbox.set_account(auth_shape="seed", suspended=True)
    sandbox.reset()
    assert api.get("/v1/me").status_code == 401
    assert "token" in _login(anon, sandbox).json()["data"]
    assert sandbox.stats()["login"] == 1
