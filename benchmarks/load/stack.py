"""The system under test as local processes: CargoTech sandbox, fake Telegram, an optional
private redis-server, and the app in production mode (`reflex run --env prod --single-port`).

Everything binds 127.0.0.1 on free ports; every process runs in its own process group so a
stop (or a chaos restart) takes its children (granian workers) with it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.processes import ROOT, free_port, signal_group, wait_for_http
from tests.support.reflex_run import local_tools_env, reflex_prod_cmd

DISPATCHERS = -1000000000001
DISPATCHER_USER = 900000001


def stop_group(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout_s: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    signal_group(process, sig, timeout_s=timeout_s)


@dataclass
class Stack:
    workers: int = 1
    redis: bool = False
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ct-load-")))
    sandbox_port: int = 0
    telegram_port: int = 0
    redis_port: int = 0
    app_port: int = 0
    floor_port: int = 0
    app_extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def telegram_url(self) -> str:
        return f"http://127.0.0.1:{self.telegram_port}"

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def db_path(self) -> Path:
        return self.log_dir / "app.db"

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def start(self) -> Stack:
        """Start every process; if one fails to come up, stop those already started."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Stack:
        self.sandbox_port, self.telegram_port, self.app_port = free_port(), free_port(), free_port()
        proc = self._spawn(
            "sandbox",
            [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(self.sandbox_port), "--log-level", "warning"],
        )
        wait_for_http(f"{self.sandbox_url}/__control/stats", timeout_s=60, process=proc)
        proc = self._spawn(
            "telegram",
            [
                sys.executable,
                "-m",
                "sandbox.telegram",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.telegram_port),
                "--dispatcher-chat",
                str(DISPATCHERS),
                "--dispatcher-user",
                str(DISPATCHER_USER),
                "--log-level",
                "warning",
            ],
        )
        wait_for_http(f"{self.telegram_url}/__control/calls?method=getMe", timeout_s=60, process=proc)
        if self.redis:
            self.redis_port = free_port()
            self.start_redis()
        self.start_app()
        return self

    # --- redis ---------------------------------------------------------------------------------

    def start_redis(self) -> None:
        redis_server = shutil.which("redis-server") or "/usr/bin/redis-server"
        proc = self._spawn(
            "redis",
            [
                redis_server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
        )
        deadline = time.monotonic() + 20
        import socket

        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("redis-server exited")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.redis_port), 1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise TimeoutError("redis-server did not answer")

    def stop_redis(self) -> None:
        stop_group(self.procs.pop("redis", None))

    # --- the app -------------------------------------------------------------------------------

    def app_env(self) -> dict[str, str]:
        env = {
            "APP_ENV": "dev",
            "CARGOTECH_BASE_URL": self.sandbox_url,
            "TELEGRAM_API_BASE_URL": self.telegram_url,
            "BOT_WEBHOOK_URL": f"{self.app_url}/telegram/webhook",
            "DISPATCHER_CHAT_ID": str(DISPATCHERS),
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            **local_tools_env(),
            "GRANIAN_WORKERS": str(self.workers),
        }
        if self.redis:
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
            env["REFLEX_OPLOCK_ENABLED"] = "true"
        return {**env, **self.app_extra_env}

    def start_app(self, timeout_s: float = 420) -> float:
        """Start the app and wait until it serves /health/live; returns the seconds it took."""
        started = time.monotonic()
        proc = self._spawn(
            "app",
            reflex_prod_cmd(self.app_port, single_port=True, loglevel="warning"),
            self.app_env(),
        )
        wait_for_http(f"{self.app_url}/health/live", timeout_s=timeout_s, process=proc)
        wait_for_http(f"{self.app_url}/", timeout_s=60, process=proc)
        return time.monotonic() - started

    def stop_app(self) -> None:
        stop_group(self.procs.pop("app", None))

    def app_pid(self) -> int | None:
        proc = self.procs.get("app")
        return proc.pid if proc is not None and proc.poll() is None else None

    # --- the bare-Reflex floor -------------------------------------------------------------------

    @property
    def floor_url(self) -> str:
        return f"http://127.0.0.1:{self.floor_port}"

    def start_floor(self, timeout_s: float = 300) -> None:
        """benchmarks/floor_app in production mode with the product's worker count and state manager
        (the same Redis server, its own database number, oplock on).

        Backend-only: the floor is driven over the websocket alone, and granian serves the events
        the same way whether or not it also serves the static frontend."""
        self.floor_port = free_port()
        env = {
            **local_tools_env(),
            "GRANIAN_WORKERS": str(self.workers),
        }
        if self.redis:
            if "redis" not in self.procs:
                self.redis_port = self.redis_port or free_port()
                self.start_redis()
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/1"
            env["REFLEX_OPLOCK_ENABLED"] = "true"
        log = open(self.log_dir / "floor.log", "ab")
        proc = subprocess.Popen(
            reflex_prod_cmd(self.floor_port, loglevel="warning"),
            cwd=ROOT / "benchmarks" / "floor_app",
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs["floor"] = proc
        wait_for_http(f"{self.floor_url}/ping", timeout_s=timeout_s, process=proc)

    def floor_pid(self) -> int | None:
        proc = self.procs.get("floor")
        return proc.pid if proc is not None and proc.poll() is None else None

    def stop(self) -> None:
        for name in ("floor", "app", "telegram", "sandbox", "redis"):
            stop_group(self.procs.pop(name, None))
