"""Integration tests talk to a real CargoTech sandbox over loopback HTTP, through the same
service objects the app builds (services.infra.runtime.build_runtime).

A module marked `pytest.mark.both_spellings` runs each of its sandbox tests twice: against the
sandbox's plain answers and against the same data in drifted spellings (sandbox.spelling), so
the suite cannot come to depend on one way of writing the same JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from sandbox.spelling import SPELLINGS
from sandbox.testing import TEST_EPOCH, SandboxServer
from services.infra.runtime import Runtime, build_runtime
from services.infra.settings import Settings, load_settings


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(pinned_at=TEST_EPOCH) as server:
        yield server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("both_spellings") and "sandbox" in metafunc.fixturenames:
        metafunc.parametrize("sandbox", SPELLINGS, indirect=True)


@pytest.fixture
def sandbox(request: pytest.FixtureRequest, sandbox_server: SandboxServer) -> SandboxServer:
    sandbox_server.reset()
    spelling = getattr(request, "param", "plain")
    if spelling != "plain":
        sandbox_server.set_spelling(spelling)
    return sandbox_server


@pytest.fixture
async def make_runtime(sandbox: SandboxServer, tmp_path) -> AsyncIterator[Callable[..., Runtime]]:
    """Build runtimes against the sandbox; each test gets its own database file."""
    built: list[Runtime] = []

    def make(*, clock: Callable[[], float] | None = None, as_prod: bool = False, **overrides) -> Runtime:
        """`as_prod`: prod behaviour against the local stand-ins, whose http addresses and dev
        password real prod settings refuse (tests/unit/test_settings.py covers that refusal)."""
        values = {
            "cargotech_base_url": sandbox.url,
            "cargotech_phone": sandbox.phone,
            "cargotech_password": sandbox.password,
            "database_url": f"sqlite:///{tmp_path / 'app.db'}",
            "cargotech_timeout_s": 5.0,
            "cargotech_login_interval_s": 0.0,
        }
        values.update(overrides)
        # Prod without load_settings' refusal, but also without dev's embedded defaults.
        settings = Settings(app_env="prod", **values) if as_prod else load_settings(**values)
        runtime = build_runtime(settings) if clock is None else build_runtime(settings, clock=clock)
        built.append(runtime)
        return runtime

    yield make
    for runtime in built:
        await runtime.aclose()


@pytest.fixture
def runtime(make_runtime) -> Runtime:
    return make_runtime()


@pytest.fixture
async def wired(make_runtime, monkeypatch):
    """A runtime the state handlers use, and the CargoTech requests it sent (each checked as it
    left: tests/integration/state_harness.py)."""
    from tests.integration.state_harness import wire

    runtime = make_runtime()
    return runtime, await wire(runtime, monkeypatch)
