from services.primitives.event_limiter import EventLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_ten_a_second_per_driver():
    clock = Clock()
    limiter = EventLimiter(10, 1.0, clock=clock)
    assert all(limiter.allow("a") for _ in range(10))
    assert not limiter.allow("a")
    assert limiter.allow("b")  # another driver is not affected
    clock.now = 0.999
    assert not limiter.allow("a")
    clock.now = 1.0
    assert limiter.allow("a")


def test_memory_is_bounded_by_forgetting_idle_drivers():
    limiter = EventLimiter(1, 1.0, max_keys=3, clock=Clock())
    assert limiter.allow(0) and not limiter.allow(0)
    for key in range(1, 4):
        limiter.allow(key)
    assert limiter.allow(0)  # driver 0 was the least recent and has been forgotten
