"""Production start without a frontend rebuild: `python -m cargo_webapp.serve`.

`reflex run --env prod` compiles and builds the frontend on every start (minutes on a small
box, and it needs bun at run time). The image builds it once (`reflex export`, see the
Dockerfile); this serves that build and the backend from one port through granian, the way
`reflex run --env prod --single-port` does after its build step.
"""

from __future__ import annotations

import os
import sys

from services.infra.settings import SettingsError, get_settings


def main() -> None:
    try:
        settings = get_settings()
    except SettingsError as exc:
        raise SystemExit(str(exc)) from None
    # Without Redis every worker would keep its own copy of the drivers' state: one worker.
    workers = settings.web_workers if settings.redis_url else 1
    os.environ["REFLEX_ENV_MODE"] = "prod"
    # Reflex's internal switches carry a "__" prefix (reflex_base/environment.py).
    os.environ["__REFLEX_MOUNT_FRONTEND_COMPILED_APP"] = "true"  # the built frontend, same port
    os.environ["__REFLEX_SKIP_COMPILE"] = "true"  # compiled at image build; do not rewrite .web
    host = os.environ.get("HOST", "0.0.0.0")  # inside a container; the proxy is the only client
    port = os.environ.get("PORT", "8000")
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--factory",
        "--host",
        host,
        "--port",
        port,
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "cargo_webapp.cargo_webapp:app",
    ]
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
