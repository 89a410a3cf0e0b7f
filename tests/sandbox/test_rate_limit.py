"""The account's request budget: headers on every answer, 429 with Retry-After when spent."""

import asyncio

import httpx

from tests.sandbox.support import BASE_PARAMS, LIST


def test_every_answer_carries_the_budget(api, anon, sandbox):
    ok = api.get(LIST, params=BASE_PARAMS)
    assert ok.headers["X-RateLimit-Limit"] == "100000"
    remaining = int(ok.headers["X-RateLimit-Remaining"])
    unauthorised = anon.get(LIST, headers={"Authorization": "Bearer nope"})
    invalid = api.get(LIST, params={"limit": 0})
    for answer in (unauthorised, invalid):
        assert answer.headers["X-RateLimit-Limit"] == "100000" and "X-RateLimit-Remaining" in answer.headers
    assert int(invalid.headers["X-RateLimit-Remaining"]) == remaining - 1  # a 422 still spends a call
    assert "X-RateLimit-Remaining" in anon.post("/v1/auth/login", json={}).headers


def test_over_the_limit_is_429_with_retry_after(api, anon, sandbox):
    sandbox.set_rate_limit(5)
    answers = [api.get("/v1/me") for _ in range(5)]
    assert [int(a.headers["X-RateLimit-Remaining"]) for a in answers] == [4, 3, 2, 1, 0]
    assert anon.get("/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401  # not counted
    refused = api.get(LIST, params=BASE_PARAMS)
    assert refused.status_code == 429 and refused.json() == {"message": "Too Many Attempts."}
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == "5" and refused.headers["X-RateLimit-Remaining"] == "0"
    stats = sandbox.stats()
    assert stats["rate_limited"] == 1 and stats["me"] == 6 and stats["list"] == 1
    sandbox.set_rate_limit(10)  # raising the limit frees the budget at once
    assert api.get("/v1/me").status_code == 200


def test_control_calls_are_never_counted(api, sandbox):
    sandbox.set_rate_limit(2)
    for _ in range(5):
        sandbox.stats()
    assert api.get("/v1/me").headers["X-RateLimit-Remaining"] == "1"
    assert sandbox.stats()["total"] == 2  # the fixture's login and this call


async def test_concurrent_burst_from_an_async_test(sandbox, api):
    # The helpers are sync; the server runs in its own thread, so async tests can use both.
    sandbox.set_rate_limit(30)
    async with httpx.AsyncClient(base_url=sandbox.url, headers=dict(api.headers), trust_env=False) as client:
        answers = await asyncio.gather(*(client.get(LIST, params={**BASE_PARAMS, "offset": 20 * i}) for i in range(50)))
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 30 and codes.count(429) == 20
    assert sandbox.stats()["list"] == 50 and sandbox.stats()["rate_limited"] == 20
