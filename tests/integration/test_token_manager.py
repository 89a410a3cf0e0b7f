"""The shared CargoTech token: single flight, encrypted at rest, audited, rate limited."""

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from services.cargotech.errors import CargoTechAuthFailed, CargoTechUnavailable
from services.cargotech.token_vault import TokenAudit
from services.feed.filters import base_query
from tests.support.redis_server import RedisServer


async def _audit(runtime) -> list[TokenAudit]:
    return list(reversed(await runtime.tokens.recent_audit(100)))


async def test_concurrent_cold_start_logs_in_once(runtime, sandbox):
    await asyncio.gather(*(runtime.cargos.client.truck_types() for _ in range(30)))
    assert sandbox.stats()["login"] == 1


async def test_token_revoked_mid_burst_means_exactly_one_login(runtime, sandbox):
    client = runtime.cargos.client
    await client.list_cargos(base_query())
    # 15 calls, each sent twice (401, then the repeat), stay inside the rate bucket's burst.
    calls = [client.list_cargos(base_query(offset=20 * i)) for i in range(15)]
    burst = asyncio.gather(*calls)
    await asyncio.sleep(0.01)
    sandbox.revoke_tokens()
    results = await burst
    results += await asyncio.gather(*(client.list_cargos(base_query(offset=20 * i)) for i in range(5)))
    assert all(len(page.data) == 20 for page in results)
    assert sandbox.stats()["login"] == 2  # the first login, then exactly one after the revocation
    events = [(a.event, a.outcome) for a in await _audit(runtime)]
    assert events.count(("login", "ok")) == 2 and ("revoked", "ok") in events


async def test_two_workers_share_one_token_through_the_vault_and_redis_lock(make_runtime, sandbox):
    with RedisServer() as redis_server:
        # Two workers' worth of state: same database and Redis, nothing else shared.
        a, b = make_runtime(redis_url=redis_server.url), make_runtime(redis_url=redis_server.url)
        await a.cargos.client.truck_types()
        await b.cargos.client.truck_types()
        assert sandbox.stats()["login"] == 1
        sandbox.revoke_tokens()
        await asyncio.gather(*(w.cargos.client.load_types() for w in (a, b, a, b)))
        assert sandbox.stats()["login"] == 2


async def test_logins_are_limited_to_one_a_minute_unless_forced(make_runtime, sandbox):
    runtime = make_runtime(cargotech_login_interval_s=60)
    client = runtime.cargos.client
    await client.truck_types()
    sandbox.revoke_tokens()
    with pytest.raises(CargoTechUnavailable) as caught:
        await client.truck_types()
    assert caught.value.user_message.startswith("Сервис временно недоступен")
    assert sandbox.stats()["login"] == 1
    await runtime.tokens.force_login()  # the admin's button
    assert len(await client.truck_types()) > 0
    assert sandbox.stats()["login"] == 2


async def test_database_holds_no_plaintext_token(runtime, sandbox, tmp_path: Path):
    await runtime.cargos.client.truck_types()
    token = await runtime.tokens.get_token()
    secret = token.split("|", 1)[1]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("app.db*"))
    assert raw and secret.encode() not in raw and token.encode() not in raw
    rows = sqlite3.connect(tmp_path / "app.db").execute("select token_id, ciphertext from cargotech_token").fetchall()
    assert rows[0][0] == token.split("|")[0]
    assert Fernet(runtime.settings.encryption_keys()[0]).decrypt(rows[0][1].encode()).decode() == token


async def test_key_rotation_keeps_the_token_readable(make_runtime, sandbox):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = make_runtime(token_encryption_keys=old)
    token = await first.tokens.get_token()
    rotating = make_runtime(token_encryption_keys=f"{new},{old}")
    assert await rotating.tokens.rotate_key() == 1
    after = make_runtime(token_encryption_keys=new)  # the old key is gone for good
    assert await after.tokens.get_token() == token
    assert sandbox.stats()["login"] == 1
    assert (await after.tokens.status()).key_id != (await first.tokens.status()).key_id


async def test_bad_credentials_log_error_and_alert(make_runtime, sandbox, caplog):
    runtime = make_runtime(cargotech_password="wrong-password")
    with caplog.at_level(logging.INFO), pytest.raises(CargoTechAuthFailed) as caught:
        await runtime.cargos.client.truck_types()
    assert caught.value.user_message.startswith("Сервис временно недоступен")
    levels = {(r.name, r.levelno) for r in caplog.records}
    assert ("alerts", logging.ERROR) in levels
    assert "wrong-password" not in caplog.text
    assert (await runtime.tokens.status()).state == "login_failing"


async def test_suspended_account_is_critical(make_runtime, sandbox, caplog):
    sandbox.set_account(suspended=True)
    runtime = make_runtime()
    with caplog.at_level(logging.INFO), pytest.raises(CargoTechAuthFailed):
        await runtime.cargos.client.truck_types()
    assert any(r.levelno == logging.CRITICAL and r.name == "alerts" for r in caplog.records)
    assert ("login", "critical") in [(a.event, a.outcome) for a in await _audit(runtime)]


async def test_login_429_honours_retry_after(make_runtime, sandbox):
    runtime = make_runtime()
    sandbox.fault(kind="status", status=429, count=1, retry_after=30, path_prefix="/v1/auth/login")
    with pytest.raises(CargoTechUnavailable):
        await runtime.cargos.client.truck_types()
    attempts = sandbox.stats()["login"]
    with pytest.raises(CargoTechUnavailable) as caught:
        await runtime.cargos.client.truck_types()
    assert sandbox.stats()["login"] == attempts  # waited instead of asking again
    assert caught.value.retry_after_s and caught.value.retry_after_s > 20


async def test_seed_shape_refreshes_ahead_of_expiry(make_runtime, sandbox):
    sandbox.set_account(auth_shape="seed", expires_in=200)  # inside the 300 s refresh margin
    runtime = make_runtime()
    await runtime.cargos.client.truck_types()
    status = await runtime.tokens.status()
    assert status.expires_at is not None and status.state == "expiring"
    await runtime.cargos.client.load_types()
    assert sandbox.stats()["refresh"] == 1
    assert ("refresh", "ok") in [(a.event, a.outcome) for a in await _audit(runtime)]


async def test_probe_verifies_and_recovers(runtime, sandbox):
    assert await runtime.tokens.probe()
    assert (await runtime.tokens.status()).last_verified_at is not None
    sandbox.revoke_tokens()
    assert not await runtime.tokens.probe()  # saw the 401 and logged in again
    assert await runtime.tokens.probe()
    assert sandbox.stats()["login"] == 2


async def test_audit_rows_carry_latency_and_id_never_the_secret(runtime, tmp_path):
    token = await runtime.tokens.get_token()
    login = [a for a in await _audit(runtime) if a.event == "login"][0]
    assert login.outcome == "ok" and login.latency_ms is not None and login.token_id == token.split("|")[0]
    dump = sqlite3.connect(tmp_path / "app.db").execute("select * from cargotech_token_audit").fetchall()
    assert token.split("|", 1)[1] not in repr(dump)


def test_rotate_command_re_encrypts_with_the_newest_key(sandbox, tmp_path):
    """The operator's command, run as a process against the same database."""
    import os
    import subprocess
    import sys

    from tests.support.processes import ROOT

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = {**os.environ, "CARGOTECH_BASE_URL": sandbox.url, "DATABASE_URL": f"sqlite:///{tmp_path / 'ops.db'}"}
    login = (
        "import asyncio\n"
        "from services.infra.runtime import build_runtime\n"
        "from services.infra.settings import load_settings\n"
        "async def go():\n"
        "    runtime = build_runtime(load_settings())\n"
        "    await runtime.tokens.get_token()\n"
        "    await runtime.aclose()\n"
        "asyncio.run(go())\n"
    )
    subprocess.run([sys.executable, "-c", login], cwd=ROOT, env={**env, "TOKEN_ENCRYPTION_KEYS": old}, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "services.cargotech.rotate_keys"],
        cwd=ROOT,
        env={**env, "TOKEN_ENCRYPTION_KEYS": f"{new},{old}"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "Re-encrypted 1" in result.stdout
    ciphertext = sqlite3.connect(tmp_path / "ops.db").execute("select ciphertext from cargotech_token").fetchone()[0]
    assert Fernet(new).decrypt(ciphertext.encode())  # readable with the new key alone
