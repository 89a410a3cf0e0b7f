"""CircuitBreaker: closed -> open after N failures -> one half-open probe -> closed or open again."""

from __future__ import annotations

import pytest

from services.primitives.circuit_breaker import CircuitBreaker, CircuitOpen


@pytest.fixture
def breaker(clock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, reset_after_s=30.0, clock=clock)


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_opens_after_threshold_consecutive_failures(breaker, clock):
    fail(breaker, 2)
    assert breaker.state == "closed"
    fail(breaker, 1)
    assert breaker.state == "open"
    assert breaker.opened_at == clock.now
    assert breaker.consecutive_failures == 3


def test_success_resets_the_failure_count(breaker):
    fail(breaker, 2)
    breaker.before_call()
    breaker.record_success()  # e.g. a 404: the upstream answered, so it counts as healthy
    fail(breaker, 2)
    assert breaker.state == "closed"
    assert breaker.consecutive_failures == 2


def test_client_errors_reported_as_success_never_open_it(breaker):
    for _ in range(50):
        breaker.before_call()
        breaker.record_success()  # callers report 404/4xx as success
    assert breaker.state == "closed"


def test_open_rejects_calls_with_the_remaining_cooldown(breaker, clock):
    fail(breaker, 3)
    clock.advance(10)
    with pytest.raises(CircuitOpen) as raised:
        breaker.before_call()
    assert raised.value.retry_in_s == pytest.approx(20)
    assert breaker.snapshot()["retry_in_s"] == pytest.approx(20)


def test_after_cooldown_exactly_one_probe_goes_through(breaker, clock):
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()  # the probe
    assert breaker.state == "half_open"
    for _ in range(5):
        with pytest.raises(CircuitOpen) as raised:
            breaker.before_call()
        assert raised.value.retry_in_s == 0


def test_successful_probe_closes(breaker, clock):
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.opened_at is None
    assert breaker.consecutive_failures == 0
    breaker.before_call()  # no exception


def test_failed_probe_reopens_for_a_full_cooldown(breaker, clock):
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()
    breaker.record_failure()
    assert breaker.state == "open"
    assert breaker.opened_at == clock.now
    clock.advance(29)
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    clock.advance(1)
    breaker.before_call()
    assert breaker.state == "half_open"


def test_a_probe_that_never_reports_is_replaced_after_a_cooldown(breaker, clock):
    fail(breaker, 3)
    clock.advance(30)
    breaker.before_call()  # this probe's task dies without reporting
    clock.advance(30)
    breaker.before_call()  # a new probe is let through instead of staying half-open forever
    assert breaker.state == "half_open"


def test_late_failures_while_open_do_not_extend_the_cooldown(breaker, clock):
    fail(breaker, 3)
    opened_at = breaker.opened_at
    clock.advance(5)
    breaker.record_failure()  # a call made before the breaker opened
    assert breaker.opened_at == opened_at


def test_snapshot(breaker, clock):
    assert breaker.snapshot() == {
        "state": "closed",
        "consecutive_failures": 0,
        "failure_threshold": 3,
        "reset_after_s": 30.0,
        "opened_at": None,
        "retry_in_s": 0.0,
    }
    fail(breaker, 3)
    snap = breaker.snapshot()
    assert (snap["state"], snap["consecutive_failures"], snap["opened_at"]) == ("open", 3, clock.now)
