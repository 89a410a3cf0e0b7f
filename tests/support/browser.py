"""Debian's Chromium as the browser tests launch it (never a Playwright download): the same
binary and flags as `python -m sandbox.telegram.launch --screenshot`."""

from sandbox.telegram.launch import CHROMIUM, CHROMIUM_ARGS

__all__ = ["CHROMIUM", "CHROMIUM_ARGS"]
