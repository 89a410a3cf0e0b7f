"""The «Ставки по направлению» chart as plain numbers: one bar per week, from p25 to p75 of ₽/км
with the median marked, scaled to the tallest week. The page draws them with CSS (no chart
library: the app builds offline and the bars are a few divs)."""

from __future__ import annotations

from collections.abc import Sequence

from services import formatting as fmt
from services.market.lane_rates import WeekRates


def _rub(kopecks: float) -> str:
    return f"{fmt.group_digits(round(kopecks / 100))}"


def _monday(week: WeekRates) -> str:
    return fmt.day_month(week.monday.isoformat())


def chart_bars(weeks: Sequence[WeekRates]) -> list[dict[str, str]]:
    """Per week: `label` (its Monday, «30 ноя»), `week` («30 ноя – 6 дек»), `median` (roubles per
    km, «52»; the axis says ₽/км), `spread` («48–56»), and the bar's geometry
    in percent of the chart's height: `bottom` (p25), `height` (p75 − p25), `mark` (the median).
    The scale runs from a little under the lowest p25 to a little over the highest p75: weekly
    rates move by a few per cent, which a scale from zero would flatten into one line."""
    known = [w.stats for w in weeks if w.stats]
    low = min((s.p25 for s in known), default=0.0) * 0.8
    top = max((s.p75 for s in known), default=0.0) * 1.05
    span = top - low
    bars = []
    for week in weeks:
        stats = week.stats
        if stats is None or span <= 0:
            bars.append(
                {
                    "label": _monday(week),
                    "week": week.label,
                    "median": "—",
                    "spread": "",
                    "count": "0",
                    "bottom": "0",
                    "height": "0",
                    "mark": "0",
                    "empty": "1",
                }
            )
            continue
        bottom, height = (stats.p25 - low) / span * 100, max((stats.p75 - stats.p25) / span * 100, 1.5)
        bars.append(
            {
                "label": _monday(week),
                "week": week.label,
                "median": _rub(stats.median),
                "spread": f"{_rub(stats.p25)}–{_rub(stats.p75)}",
                "count": str(stats.count),
                "bottom": f"{bottom:.1f}",
                "height": f"{height:.1f}",
                "mark": f"{(stats.median - low) / span * 100:.1f}",
                "empty": "",
            }
        )
    return bars
