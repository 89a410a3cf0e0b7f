"""Lane rates: the statistics, the badge's thresholds, Moscow days, and the batched writer."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlmodel import Session, select

from services.cargotech.models import CargoItem
from services.infra.db import make_engine, upgrade_to_head
from services.market.lane_rates import (
    Lane,
    LaneObservation,
    LaneRates,
    LaneRecorder,
    LaneStats,
    lane_stats,
    latest_per_cargo,
    market_badge,
    moscow_day,
    observation,
    weekly_rates,
)

# 2026-12-01 00:30 Moscow = 2026-11-30 21:30 UTC: still November in UTC, December on the market's clock.
NOW = dt.datetime(2026, 11, 30, 21, 30, tzinfo=dt.UTC).timestamp()


def cargo(
    cargo_id: str,
    per_km_rub: float,
    *,
    start: int = 1,
    finish: int = 2,
    weight: float = 19_000,
    volume: float = 80,
    loading: str = "2026-12-02T09:00:00+03:00",
) -> CargoItem:
    distance = 1000
    return CargoItem.model_validate(
        {
            "id": cargo_id,
            "weight": weight,
            "volume": volume,
            "distance": distance,
            "price": round(per_km_rub * 100 * distance),
            "points": {
                "start": {"city": {"id": start, "name": "Москва"}, "first_date": loading},
                "finish": {"city": {"id": finish, "name": "Казань"}},
            },
        }
    )


# --- statistics ---------------------------------------------------------------------------------


def test_too_few_observations_say_nothing():
    assert lane_stats([5000, 5100, 5200, 5300]) is None
    assert lane_stats([5000, 5100, 5200, 5300, 5400]) == LaneStats(5, 5200.0, 5100.0, 5300.0)


def test_zero_and_missing_rates_do_not_count_toward_the_minimum():
    assert lane_stats([0, 0, 5000, 5100, 5200, 5300]) is None


def test_median_of_an_even_count_is_the_midpoint_and_quartiles_interpolate():
    stats = lane_stats([4000, 5000, 6000, 7000, 8000, 9000])
    assert stats is not None
    assert stats.median == 6500
    assert stats.p25 == pytest.approx(5250)
    assert stats.p75 == pytest.approx(7750)


def test_one_outlier_does_not_move_the_median():
    calm = lane_stats([5000, 5000, 5100, 5200, 5200])
    wild = lane_stats([5000, 5000, 5100, 5200, 900_000])
    assert calm is not None and wild is not None
    assert calm.median == wild.median == 5100
    assert wild.p25 == calm.p25


def test_ties_give_a_spread_of_zero():
    stats = lane_stats([5000] * 7)
    assert stats == LaneStats(7, 5000.0, 5000.0, 5000.0)


@pytest.mark.parametrize(
    ("per_km", "text", "tone"),
    [
        (11_200, "на\u00a012\u00a0% выше рынка", "above"),
        (9_200, "на\u00a08\u00a0% ниже рынка", "below"),
        (10_400, "на\u00a04\u00a0% выше рынка", "above"),
    ],
)
def test_badge_above_and_below_the_median(per_km, text, tone):
    badge = market_badge(per_km, LaneStats(9, 10_000, 9_000, 11_000))
    assert badge is not None
    assert (badge.text, badge.tone) == (text, tone)


@pytest.mark.parametrize("per_km", [10_300, 9_700, 10_000, 10_349])
def test_no_badge_within_three_percent(per_km):
    assert market_badge(per_km, LaneStats(9, 10_000, 9_000, 11_000)) is None


def test_no_badge_without_stats_or_price():
    assert market_badge(20_000, None) is None
    assert market_badge(None, LaneStats(9, 10_000, 9_000, 11_000)) is None


def test_a_cargo_seen_on_many_days_counts_once_at_its_latest_price():
    rows = [
        ("a", dt.date(2026, 11, 28), 5000),
        ("a", dt.date(2026, 11, 30), 6000),
        ("a", dt.date(2026, 11, 29), 5500),
        ("b", dt.date(2026, 11, 29), 7000),
    ]
    assert latest_per_cargo(rows) == {"a": (dt.date(2026, 11, 30), 6000), "b": (dt.date(2026, 11, 29), 7000)}


def test_weeks_run_monday_to_sunday_across_a_month_end():
    today = dt.date(2026, 12, 2)  # a Wednesday; its week began on Monday 30 November
    rows = [(f"n{i}", dt.date(2026, 11, 30), 5000 + i) for i in range(5)]  # this week, in November
    rows += [(f"o{i}", dt.date(2026, 11, 29), 9000) for i in range(5)]  # Sunday: the week before
    weeks = weekly_rates(rows, today, weeks=3)
    assert [w.monday for w in weeks] == [dt.date(2026, 11, 16), dt.date(2026, 11, 23), dt.date(2026, 11, 30)]
    assert weeks[0].stats is None
    assert weeks[1].stats is not None and weeks[1].stats.median == 9000
    assert weeks[2].stats is not None and weeks[2].stats.median == 5002
    assert weeks[2].label == "30\u00a0ноя – 6\u00a0дек"


def test_the_day_is_moscow_day():
    assert moscow_day(NOW) == dt.date(2026, 12, 1)
    row = observation(cargo("1", 50), NOW)
    assert row is not None
    assert row.seen_day == dt.date(2026, 12, 1)
    assert row.loading_date == dt.date(2026, 12, 2)
    assert row.per_km == 5000
    assert row.truck_class == "15_20"


def test_a_cargo_without_city_ids_or_price_is_not_observed():
    assert observation(cargo("1", 0), NOW) is None
    no_ids = CargoItem.model_validate(
        {
            "id": "2",
            "price": 100_000,
            "distance": 10,
            "points": {"start": {"city": {"name": "Москва"}}, "finish": {"city": {"name": "Казань"}}},
        }
    )
    assert observation(no_ids, NOW) is None


# --- writing and reading ------------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/lanes.db")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def _rows(engine) -> list[LaneObservation]:
    with Session(engine) as session:
        return list(session.exec(select(LaneObservation)))


def test_recorder_writes_one_row_per_cargo_and_day(engine):
    clock = [NOW]

    async def scenario() -> None:
        recorder = LaneRecorder(engine, clock=lambda: clock[0], flush_delay_s=3600)
        recorder.observe([cargo("1", 50), cargo("2", 60)])
        recorder.observe([cargo("1", 55)])  # the same cargo again the same day: no second row
        assert recorder.pending == 2
        assert await recorder.flush() == 2
        recorder.observe([cargo("1", 50)])  # already written by this process
        assert recorder.pending == 0
        clock[0] += 24 * 3600
        recorder.observe([cargo("1", 52)])
        await recorder.aclose()
        # Another process saw cargo 2 today too: the database keeps one row.
        other = LaneRecorder(engine, clock=lambda: NOW, flush_delay_s=3600)
        other.observe([cargo("2", 60)])
        assert await other.flush() == 1

    asyncio.run(scenario())
    rows = sorted((r.cargo_id, r.seen_day.isoformat(), r.per_km) for r in _rows(engine))
    assert rows == [("1", "2026-12-01", 5000), ("1", "2026-12-02", 5200), ("2", "2026-12-01", 6000)]


def test_a_database_failure_loses_the_batch_but_never_raises(tmp_path):
    broken = make_engine(f"sqlite:///{tmp_path}/no_tables.db")  # never migrated: the insert fails

    async def scenario() -> int:
        recorder = LaneRecorder(broken, clock=lambda: NOW, flush_delay_s=3600)
        recorder.observe([cargo("1", 50)])
        written = await recorder.flush()
        assert recorder.failures == 1 and recorder.pending == 0
        return written

    assert asyncio.run(scenario()) == 0
    broken.dispose()


def test_stats_cover_the_last_fourteen_days_of_the_lane_and_class(engine):
    day = 24 * 3600

    async def scenario() -> dict:
        for n, (age_days, per_km, start) in enumerate(
            [
                (0, 50, 1),
                (1, 52, 1),
                (3, 54, 1),
                (13, 56, 1),  # in the window
                (14, 500, 1),
                (20, 500, 1),  # too old
                (0, 900, 7),  # another lane
            ]
        ):
            recorder = LaneRecorder(engine, clock=lambda age=age_days: NOW - age * day, flush_delay_s=3600)
            recorder.observe([cargo(str(n), per_km, start=start)])
            await recorder.flush()
        small = LaneRecorder(engine, clock=lambda: NOW, flush_delay_s=3600)
        small.observe([cargo("99", 58, weight=1000, volume=5)])  # a small truck on the same road
        await small.flush()
        rates = LaneRates(engine, clock=lambda: NOW, min_count=4)
        big, any_class, other = Lane(1, 2, "15_20"), Lane(1, 2), Lane(7, 2, "15_20")
        return await rates.stats_for([big, any_class, other])

    found = asyncio.run(scenario())
    assert found[Lane(1, 2, "15_20")] == LaneStats(4, 5300.0, 5150.0, 5450.0)
    any_class = found[Lane(1, 2)]
    assert any_class is not None and any_class.count == 5
    assert found[Lane(7, 2, "15_20")] is None  # one observation: too few


def test_badge_cards_fills_the_market_keys(engine):
    async def scenario() -> list[dict[str, str]]:
        recorder = LaneRecorder(engine, clock=lambda: NOW, flush_delay_s=3600)
        recorder.observe([cargo(str(n), 50) for n in range(5)])
        await recorder.flush()
        rates = LaneRates(engine, clock=lambda: NOW)
        items = [cargo("101", 56), cargo("102", 46), cargo("103", 51), cargo("104", 80, start=9)]
        cards = [{"id": i.id} for i in items]
        await rates.badge_cards(items, cards)
        return cards

    cards = asyncio.run(scenario())
    assert [(c["market"], c["market_tone"]) for c in cards] == [
        ("на\u00a012\u00a0% выше рынка", "above"),
        ("на\u00a08\u00a0% ниже рынка", "below"),
        ("", ""),
        ("", ""),
    ]


def test_too_few_is_remembered_briefly_and_figures_for_longer(engine):
    """A lane short of observations gets its badge as soon as they arrive: «too few» is asked
    again after FEW_TTL_S, at once where the driver opened the lane (recheck_few), and as soon as
    this process writes new sightings of it; figures stay remembered for STATS_TTL_S."""
    clock = [NOW]
    lane, every_class = Lane(1, 2, "15_20"), Lane(1, 2)

    async def write(recorder: LaneRecorder, ids: range) -> None:
        recorder.observe([cargo(str(n), 50 + n) for n in ids])
        await recorder.flush()

    async def scenario() -> None:
        rates = LaneRates(engine, clock=lambda: clock[0], ttl_s=300, few_ttl_s=30)
        elsewhere = LaneRecorder(engine, clock=lambda: clock[0], flush_delay_s=3600)  # another process
        here = LaneRecorder(engine, clock=lambda: clock[0], flush_delay_s=3600, on_written=rates.forget_too_few)
        await write(elsewhere, range(4))
        assert (await rates.stats_for([lane, every_class])) == {lane: None, every_class: None}
        await write(elsewhere, range(4, 5))  # the fifth, written by another process
        assert (await rates.stats_for([lane]))[lane] is None  # still remembered
        opened = (await rates.stats_for([lane], recheck_few=True))[lane]
        assert opened is not None and opened.count == 5
        clock[0] += 29
        assert (await rates.stats_for([every_class]))[every_class] is None
        clock[0] += 2  # past FEW_TTL_S
        found = (await rates.stats_for([every_class]))[every_class]
        assert found is not None and found.count == 5

        other, other_any = Lane(3, 2, "15_20"), Lane(3, 2)
        assert (await rates.stats_for([other, other_any])) == {other: None, other_any: None}
        here.observe([cargo(str(n), 60, start=3) for n in range(10, 15)])
        await here.flush()  # this process wrote the lane: both answers are asked again at once
        after = await rates.stats_for([other, other_any])
        assert after[other] is not None and after[other_any] is not None and after[other].count == 5

        # Figures (remembered at NOW, by the recheck above) are kept for STATS_TTL_S even though
        # new sightings of the lane arrive.
        await write(here, range(20, 30))
        clock[0] += 268  # NOW + 299
        kept = (await rates.stats_for([lane]))[lane]
        assert kept is not None and kept.count == 5
        clock[0] += 2
        moved = (await rates.stats_for([lane]))[lane]
        assert moved is not None and moved.count == 15

    asyncio.run(scenario())


def test_chart_bars_scale_around_the_weeks_spread_and_mark_empty_weeks():
    from services.market.lane_chart import chart_bars
    from services.market.lane_rates import WeekRates

    weeks = [
        WeekRates(dt.date(2026, 11, 23), "23–29\u00a0ноя", None),
        WeekRates(dt.date(2026, 11, 30), "30\u00a0ноя – 6\u00a0дек", LaneStats(6, 5000, 4000, 8000)),
    ]
    empty, full = chart_bars(weeks)
    assert empty["empty"] == "1" and empty["median"] == "—"
    # The scale runs from 0.8 × 4000 = 3200 to 1.05 × 8000 = 8400.
    assert (full["bottom"], full["height"], full["mark"]) == ("15.4", "76.9", "34.6")
    assert full["median"] == "50" and full["spread"] == "40–80" and full["count"] == "6"
    assert (full["label"], full["week"]) == ("30\u00a0ноя", "30\u00a0ноя – 6\u00a0дек")
