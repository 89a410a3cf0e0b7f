"""Checks on acquisition timestamps: what "never over budget" means, as assertions."""

from __future__ import annotations


def max_in_window(times: list[float], window_s: float) -> int:
    """The most timestamps in any closed window [t, t + window_s]."""
    times = sorted(times)
    end = peak = 0
    for start, t in enumerate(times):
        while end < len(times) and times[end] <= t + window_s:
            end += 1
        peak = max(peak, end - start)
    return peak


def assert_bucket_shape(times: list[float], *, limit: int, burst: int, slack_tokens: float) -> None:
    """Any span of dt seconds holds at most burst + refill * dt acquisitions (plus measurement slack).

    Stronger than "at most `limit` per minute" (dt = 60 gives exactly `limit`) and testable in seconds.
    """
    times = sorted(times)
    refill = (limit - burst) / 60
    for i in range(len(times)):
        for j in range(i, len(times)):
            assert j - i + 1 <= burst + refill * (times[j] - times[i]) + slack_tokens, (i, j, times[j] - times[i])
