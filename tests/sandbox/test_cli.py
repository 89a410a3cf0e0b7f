"""`python -m sandbox` serves the API with its command-line settings."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_serves_the_seed_shape():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            str(port),
            "--seed",
            "3",
            "--auth-shape",
            "seed",
            "--rate-limit",
            "50",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SANDBOX_PASSWORD": "cli-secret"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/__control/stats", trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the sandbox did not start"
                time.sleep(0.1)
        login = httpx.post(f"{url}/v1/auth/login", json={"phone": "89111111111", "password": "cli-secret"}, trust_env=False)
        assert login.status_code == 200 and login.json()["expires_in"] == 3600
        me = httpx.get(f"{url}/v1/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}, trust_env=False)
        assert me.status_code == 200 and me.headers["X-RateLimit-Limit"] == "50"
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert "cli-secret" not in output and login.json()["access_token"] not in output
