"""`python -m sandbox.telegram --host 127.0.0.1 --port 8081 [--dispatcher-chat -1000000000001]
[--dispatcher-user 900000001] [--bot-username cargotech_dev_bot]`.

Point the bot at it with base_url=http://127.0.0.1:8081/bot and open http://127.0.0.1:8081/
to play the dispatcher."""

from __future__ import annotations

import argparse

from sandbox.serving import make_server
from sandbox.telegram.app import create_app
from sandbox.telegram.config import FakeTelegramConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.telegram", description="Local fake Telegram Bot API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--dispatcher-chat", type=int, help="the dispatcher group's chat id, e.g. -1000000000001")
    parser.add_argument(
        "--dispatcher-user", type=int, help="who presses buttons on the page; a member of the dispatcher chat from the start"
    )
    parser.add_argument("--bot-username", default=FakeTelegramConfig.bot_username)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--exit-with-pid", type=int, metavar="PID", help="stop when process PID is gone")
    args = parser.parse_args(argv)
    try:
        config = FakeTelegramConfig(
            dispatcher_chat=args.dispatcher_chat, dispatcher_user=args.dispatcher_user, bot_username=args.bot_username
        )
    except ValueError as exc:
        parser.error(str(exc))
    make_server(create_app(config), host=args.host, port=args.port, log_level=args.log_level, owner_pid=args.exit_with_pid).run()


if __name__ == "__main__":
    main()
