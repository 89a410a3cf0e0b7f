"""A throwaway real redis-server on a free loopback port, for tests.

    with RedisServer() as server:
        client = make_redis_client(server.url)
        server.stop()   # Redis goes down...
        server.start()  # ...and comes back, empty, on the same port

Nothing is persisted (`--save "" --appendonly no`); the working directory is a temp dir removed on exit.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.processes import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    def __init__(self, *, start_timeout_s: float = 10.0) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._start_timeout_s = start_timeout_s
        self._dir: Path | None = None
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> RedisServer:
        self._dir = Path(tempfile.mkdtemp(prefix="redis-test-"))
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        assert self._dir is not None, "use RedisServer as a context manager"
        if self.running:
            return
        log_path = self._dir / "redis.log"
        self._process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._dir),
                "--logfile",
                str(log_path),
            ],
            cwd=self._dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self._start_timeout_s
        while not self._answers_ping():
            if self._process.poll() is not None or time.monotonic() > deadline:
                log = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
                self.stop()
                raise RuntimeError(f"redis-server on port {self.port} did not start:\n{log}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server (its data is lost); clients see connection errors until `start()`."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False
