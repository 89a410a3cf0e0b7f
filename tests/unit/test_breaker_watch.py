import logging

from services.cargotech.breaker_watch import BreakerWatch
from services.infra.notifier import LogNotifier
from services.primitives.circuit_breaker import CircuitBreaker
from tests.support.fakes import ManualClock


async def test_alerts_once_per_outage_longer_than_five_minutes(caplog):
    clock = ManualClock(0.0)
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=30, clock=clock)
    watch = BreakerWatch(breaker, LogNotifier(), clock=clock)
    breaker.record_failure()
    with caplog.at_level(logging.ERROR, logger="alerts"):
        for minute in range(12):  # the breaker half-opens and re-opens all along
            clock.now = minute * 60.0
            if minute % 2:
                breaker.before_call()
                breaker.record_failure()
            await watch.check()
        assert [r.getMessage() for r in caplog.records].count(
            "ALERT [breaker_open] CargoTech недоступен уже 6 мин: предохранитель разомкнут"
        ) == 1
        breaker.record_success()
        await watch.check()
        breaker.record_failure()
        await watch.check()  # a new outage begins
        clock.now += 200
        await watch.check()
        assert len(caplog.records) == 1
        clock.now += 200
        await watch.check()  # past five minutes again: a new alert
    assert len(caplog.records) == 2
