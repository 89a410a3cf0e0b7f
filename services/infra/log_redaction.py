"""Keep the bot token out of logs.

The Bot API puts the token in every request's URL (`/bot<token>/getUpdates`), and httpx logs
each request's URL at INFO. The filter rewrites any record from the HTTP libraries that contains
a registered secret; the bot's entry points also keep httpx at WARNING, so request lines are not
logged at all. The filter is the safety net for whoever turns the level back up.
"""

from __future__ import annotations

import logging

REDACTED = "[REDACTED]"
HTTP_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.ext", "telegram.ext.Application", "telegram.Bot")


class SecretRedactingFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's problem, not ours
            return True
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, REDACTED)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


_filter = SecretRedactingFilter()


def redact_in_logs(secret: str) -> None:
    """From now on, records of the HTTP and Telegram loggers never show `secret`."""
    if len(secret) < 8:
        return  # too short to tell from ordinary text; settings refuse such tokens in prod
    _filter.secrets.add(secret)
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
