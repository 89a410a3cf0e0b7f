"""Quiet hours in Moscow time (UTC+3 all year: Russia has no daylight saving since 2014)."""

from __future__ import annotations

import datetime as dt

from services.alerts.saved_searches import QuietHours

MSK = dt.timezone(dt.timedelta(hours=3))


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def is_quiet(hours: QuietHours | None, now: dt.datetime) -> bool:
    """True while `now` is inside [start, end); a window like 22:00–07:00 wraps past midnight."""
    if hours is None or not hours.enabled:
        return False
    local = now.astimezone(MSK)
    minute = local.hour * 60 + local.minute
    start, end = _minutes(hours.start), _minutes(hours.end)
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end
