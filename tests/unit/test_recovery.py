"""When a screen tries again by itself, and what its banner says meanwhile."""

from services.cargotech.errors import (
    CargoNotFound,
    CargoTechAuthFailed,
    CargoTechBusy,
    CargoTechUnavailable,
    InvalidCargoId,
)
from services.feed.recovery import HEAD_CHECK_S, LONGEST_WAIT_S, recheck_delay, recovery_for, retry_delay


def test_backoff_grows_and_settles_at_thirty_seconds():
    assert [retry_delay(n) for n in range(7)] == [2, 4, 8, 15, 30, 30, 30]


def test_an_open_breaker_or_retry_after_is_waited_out_but_never_past_two_minutes():
    assert retry_delay(0, retry_after_s=17.2) == 18
    assert retry_delay(4, retry_after_s=3) == 30
    assert retry_delay(0, retry_after_s=3600) == LONGEST_WAIT_S


def test_an_outage_says_cargotech_is_unavailable_and_counts_down_from_the_breaker():
    recovery = recovery_for(CargoTechUnavailable("circuit open", retry_after_s=24.5), attempt=0)
    assert recovery.message == "CargoTech недоступен" and recovery.retry_in_s == 25
    assert recovery_for(CargoTechUnavailable("503"), attempt=2).retry_in_s == 8


def test_our_own_budget_keeps_its_message_and_still_retries():
    recovery = recovery_for(CargoTechBusy("budget", retry_after_s=5), attempt=0)
    assert recovery.message.startswith("Слишком много запросов") and recovery.retry_in_s == 5


def test_a_refused_login_is_checked_again_slowly():
    assert recovery_for(CargoTechAuthFailed("422", status=422), attempt=0).retry_in_s == 30


def test_answers_that_will_not_change_are_not_retried():
    assert recovery_for(CargoNotFound("gone"), attempt=0).retry_in_s == -1
    assert recovery_for(InvalidCargoId("x"), attempt=0).retry_in_s == -1


def test_flagged_pages_are_checked_again_fresh_ones_not():
    assert recheck_delay(refreshing=True, stale=False, attempt=0) == 3
    assert [recheck_delay(refreshing=False, stale=True, attempt=n) for n in range(5)] == [5, 10, 20, 30, 30]
    assert recheck_delay(refreshing=False, stale=False, attempt=3) == -1
    # A screen watching its query's head looks again once a freshness window has passed.
    assert recheck_delay(refreshing=False, stale=False, attempt=0, watching=True) == HEAD_CHECK_S == 60
    assert recheck_delay(refreshing=True, stale=False, attempt=0, watching=True) == 3
