"""Sandbox contract tests: real HTTP over loopback against one SandboxServer per session,
reset before every test. The clock is frozen by default so paging sees a still list; tests
about time move it explicitly."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from sandbox.testing import TEST_EPOCH, SandboxServer
from tests.sandbox.support import BASE_PARAMS, LIST


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    # A budget no test reaches by accident; the rate-limit tests lower it through control.
    with SandboxServer(rate_limit=100_000, pinned_at=TEST_EPOCH) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    sandbox_server.reset()
    sandbox_server.set_clock(0, frozen=True)
    return sandbox_server


@pytest.fixture
def anon(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=10, trust_env=False, headers={"Accept": "application/json"}) as client:
        yield client


@pytest.fixture
def api(sandbox: SandboxServer, anon: httpx.Client) -> httpx.Client:
    """A client carrying a fresh token."""
    anon.headers["Authorization"] = f"Bearer {sandbox.login()}"
    return anon


@pytest.fixture
def fetch_all(api: httpx.Client) -> Callable[..., tuple[list[dict], int]]:
    """Every match of a list query, paged 100 at a time: (items, meta.size)."""

    def fetch(**filters: str) -> tuple[list[dict], int]:
        items: list[dict] = []
        size = None
        while size is None or len(items) < size:
            answer = api.get(LIST, params={**BASE_PARAMS, **filters, "limit": 100, "offset": len(items)})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert size in (None, body["meta"]["size"])  # the frozen list does not move while paging
            size = body["meta"]["size"]
            if not body["data"]:
                break
            items += body["data"]
        return items, size

    return fetch


@pytest.fixture
def everything(fetch_all) -> list[dict]:
    items, _ = fetch_all()
    return items
