"""Polling for a condition that another process makes true (a server, a bot, a browser)."""

from __future__ import annotations

import time


def wait_until(check, timeout_s: float = 20.0, what: str = "condition"):
    """check()'s first truthy result, polled every 0.2 s; AssertionError naming `what` after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what}: not met in {timeout_s} s")
