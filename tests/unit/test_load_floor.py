"""The load harness's comparison with the bare-Reflex floor: events per action, CPU per event
and p95 ratios, computed from records as the harness writes them."""

from benchmarks.load.driver import Record
from benchmarks.load.floor import compare, cpu_ms_per_event, markdown, round_trips, side
from benchmarks.load.stats import summarize


def rec(action: str, latency_ms: float, sent: int, frames: int = 1, outcome: str = "fresh") -> Record:
    return Record(action, 0.0, latency_ms, outcome, sent=sent, frames=frames)


def test_round_trips_count_the_events_of_each_successful_action():
    records = [
        rec("filter_change", 100, 4, 3),
        rec("filter_change", 120, 2, 2),
        rec("filter_change", 5000, 9, 0, outcome="error"),
        rec("detail", 50, 1, 2),
    ]
    trips = round_trips(records)
    assert trips["filter_change"] == {"count": 2, "events_mean": 3.0, "events_max": 4, "events_p95": 4, "frames_mean": 2.5}
    assert trips["detail"]["events_mean"] == 1.0


def test_cpu_per_event_divides_cpu_seconds_by_events_sent():
    assert cpu_ms_per_event(3.0, 1500) == 2.0
    assert cpu_ms_per_event(None, 10) is None
    assert cpu_ms_per_event(1.0, 0) is None


def test_compare_gives_multiples_of_the_floor():
    product_records = [rec("feed_page", ms, 1) for ms in (40, 60, 80)] + [rec("filter_change", ms, 2) for ms in (90, 100, 120)]
    floor_records = [rec("floor", ms, 1, outcome="ok") for ms in (10, 15, 20)]
    product = side(product_records, 0.018, summarize(product_records))  # 9 events, 2 ms each
    floor = side(floor_records, 0.0015, summarize(floor_records))  # 3 events, 0.5 ms each
    c = compare(product, floor)
    assert c["floor_p95_ms"] == 20
    assert (c["product_cpu_ms_per_event"], c["floor_cpu_ms_per_event"], c["cpu_per_event_x_floor"]) == (2.0, 0.5, 4.0)
    assert c["actions"]["feed_page"]["p95_x_floor"] == 4.0
    assert c["actions"]["filter_change"]["p95_x_floor"] == 6.0
    assert c["actions"]["filter_change"]["events_mean"] == 2.0
    assert c["actions"]["filter_change"]["p95_x_floor_per_event"] == 3.0
    table = markdown(c)
    assert "| filter_change | 120 | 6.0× | 2.00 / 2 |" in table
    assert "4.00× the floor" in table


def test_compare_without_a_floor_figure_says_nothing_rather_than_dividing_by_zero():
    product_records = [rec("feed_page", 40, 1)]
    product = side(product_records, None, summarize(product_records))
    floor = side([], 0.0, {})
    c = compare(product, floor)
    assert c["cpu_per_event_x_floor"] is None
    assert c["actions"]["feed_page"]["p95_x_floor"] is None
    assert "—" in markdown(c)


def test_actions_riding_on_another_actions_events_count_as_one_event():
    product_records = [rec("sign_in", 30, 0)]
    floor_records = [rec("floor", 10, 1, outcome="ok")]
    c = compare(side(product_records, 1.0, summarize(product_records)), side(floor_records, 1.0, summarize(floor_records)))
    assert c["actions"]["sign_in"]["p95_x_floor_per_event"] == 3.0
