"""Quiet hours in Moscow time, including windows that wrap past midnight."""

from __future__ import annotations

import datetime as dt

import pytest

from services.alerts.quiet_hours import MSK, is_quiet
from services.alerts.saved_searches import QuietHours


def msk(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 27, hour, minute, tzinfo=MSK)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (msk(21, 59), False),
        (msk(22, 0), True),
        (msk(23, 30), True),
        (msk(0, 0), True),
        (msk(6, 59), True),
        (msk(7, 0), False),
        (msk(12, 0), False),
    ],
)
def test_overnight_window(moment, quiet):
    assert is_quiet(QuietHours("22:00", "07:00"), moment) is quiet


def test_daytime_window_and_utc_input():
    hours = QuietHours("13:00", "14:30")
    assert is_quiet(hours, msk(13, 0)) and is_quiet(hours, msk(14, 29))
    assert not is_quiet(hours, msk(14, 30)) and not is_quiet(hours, msk(12, 59))
    # 10:15 UTC is 13:15 in Moscow.
    assert is_quiet(hours, dt.datetime(2026, 11, 27, 10, 15, tzinfo=dt.UTC))


def test_no_quiet_hours_by_default():
    assert not is_quiet(QuietHours(), msk(3, 0))
    assert not is_quiet(None, msk(3, 0))
