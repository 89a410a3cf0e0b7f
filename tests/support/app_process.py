"""One app instance as production runs it (`reflex run --env prod --backend-only`), as a
subprocess that a test can start, stop gracefully or kill outright."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.support.processes import ROOT, free_port, signal_group, wait_for_http
from tests.support.reflex_run import reflex_prod_cmd


class AppProcess:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path, *, port: int | None = None) -> None:
        self.name = name
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = log_dir / f"app-{name}.log"
        self._process: subprocess.Popen | None = None

    def start(self, *, timeout_s: float = 120) -> AppProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                reflex_prod_cmd(self.port),
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_http(f"{self.url}/ping", timeout_s=timeout_s, process=self._process)
        return self

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown code runs, as in a crash or OOM kill."""
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, sig: int) -> None:
        if self._process is None:
            return
        signal_group(self._process, sig, timeout_s=20)
        self._process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
