"""A local stand-in for the Telegram Bot API, for the dispatcher bot in dev and tests.

Serves `/bot<token>/<method>` in the Bot API's shapes (python-telegram-bot points at it with
`base_url`), keeps the chats and every call, injects faults, sends button presses and messages
to the bot's webhook, and shows the chats on an HTML page at `/`.

Run it with `python -m sandbox.telegram`, build it with `sandbox.telegram.app.create_app(...)`,
or start it from tests with `sandbox.telegram.testing.FakeTelegramServer`.
"""
