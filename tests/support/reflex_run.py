"""The app (or any Reflex app) started the way production starts it: the `reflex run --env prod`
command line, and the environment it needs on this machine."""

from __future__ import annotations

import os
import sys

from tests.support.processes import ROOT


def reflex_prod_cmd(port: int, *, single_port: bool = False, loglevel: str | None = None) -> list[str]:
    """`reflex run --env prod` on `port`: the backend alone on 127.0.0.1, or with `single_port` the
    built frontend and the backend together (what `cargo_webapp.serve` serves in the image)."""
    cmd = [sys.executable, "-m", "reflex", "run", "--env", "prod"]
    if single_port:
        cmd += ["--single-port", "--frontend-port", str(port), "--backend-port", str(port)]
    else:
        cmd += ["--backend-only", "--backend-host", "127.0.0.1", "--backend-port", str(port)]
    if loglevel is not None:
        cmd += ["--loglevel", loglevel]
    return cmd


def local_tools_env() -> dict[str, str]:
    """Reflex uses the project's own bun and node tools (`make setup` puts them under .tools)
    instead of downloading them: this machine has no internet beyond the package registries."""
    return {
        "PATH": f"{ROOT / '.tools/node_modules/.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_SYSTEM_BUN": "1",
    }
