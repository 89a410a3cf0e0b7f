"""`python -m sandbox --host 127.0.0.1 --port 8077 [--seed 42] [--auth-shape sanctum|seed]
[--rate-limit 600] [--expires-in 3600] [--spelling plain|drifted]`. Credentials come from
SANDBOX_PHONE / SANDBOX_PASSWORD; the spelling's default from SANDBOX_SPELLING."""

from __future__ import annotations

import argparse
import os

from sandbox.app import create_app
from sandbox.config import AUTH_SHAPES, SandboxConfig
from sandbox.serving import make_server
from sandbox.spelling import SPELLINGS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Local CargoTech API sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--seed", type=int, default=42, help="same seed, same cargos")
    parser.add_argument(
        "--auth-shape",
        choices=AUTH_SHAPES,
        default="sanctum",
        help="login answer: the real API's Sanctum token, or an OAuth-like access/refresh pair",
    )
    parser.add_argument("--rate-limit", type=int, default=600, help="API calls per minute for the account")
    parser.add_argument("--expires-in", type=int, default=3600, help="seed shape: access token lifetime, s")
    parser.add_argument(
        "--spelling",
        choices=SPELLINGS,
        default=os.environ.get("SANDBOX_SPELLING", "plain"),
        help="drifted: the same data in the spellings a PHP API drifts into, with about one item in 40 unusable",
    )
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--exit-with-pid", type=int, metavar="PID", help="stop when process PID is gone")
    args = parser.parse_args(argv)
    try:
        config = SandboxConfig(
            seed=args.seed,
            auth_shape=args.auth_shape,
            rate_limit=args.rate_limit,
            expires_in=args.expires_in,
            spelling=args.spelling,
        )
    except ValueError as exc:
        parser.error(str(exc))
    make_server(create_app(config), host=args.host, port=args.port, log_level=args.log_level, owner_pid=args.exit_with_pid).run()


if __name__ == "__main__":
    main()
