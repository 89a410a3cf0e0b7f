"""`python -m sandbox.telegram` serves the Bot API with the dispatcher already in its chat."""

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


def test_cli_serves_with_the_dispatcher_as_a_member():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox.telegram",
            "--port",
            str(port),
            "--dispatcher-chat",
            "-1000000000777",
            "--dispatcher-user",
            "900000777",
            "--bot-username",
            "cli_bot",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/__control/webhook", trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline and process.poll() is None, "the fake Telegram did not start"
                time.sleep(0.1)
        member = httpx.post(
            f"{url}/bot42:token/getChatMember", data={"chat_id": "-1000000000777", "user_id": "900000777"}, trust_env=False
        ).json()
        assert member["result"]["status"] == "member"
        assert httpx.get(f"{url}/bot42:token/getMe", trust_env=False).json()["result"]["username"] == "cli_bot"
    finally:
        process.terminate()
        process.communicate(timeout=10)
