"""Russian display formatting: money in ₽ with grouped digits, weight in т (кг under a tonne),
volume in м³, dates.

Pure functions, no I/O: the UI shows exactly what these return.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

NBSP = "\u00a0"  # keeps "45 000 ₽" on one line on narrow phones
MONTHS = ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")
MOSCOW = ZoneInfo("Europe/Moscow")  # the freight market's clock


def group_digits(value: int) -> str:
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", NBSP)


def _decimal(value: float, places: int) -> str:
    """Russian decimal comma, trailing zeros dropped: 1.50 → «1,5», 20.0 → «20»."""
    text = f"{value:.{places}f}"
    if "." in text:  # only fractional zeros: 40 ₽/км must not become «4»
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def rub(kopecks: int | None) -> str:
    """Whole roubles from kopecks: 4500000 → «45 000 ₽»; 0 → «запрос ставки» (the shipper asks
    carriers to bid); unknown → «цена не указана»."""
    if kopecks == 0:
        return "запрос ставки"
    if kopecks is None or kopecks < 0:
        return "цена не указана"
    return f"{group_digits(round(kopecks / 100))}{NBSP}₽"


def rub_per_km(kopecks_per_km: int | None) -> str:
    if not kopecks_per_km or kopecks_per_km <= 0:
        return ""
    roubles = kopecks_per_km / 100
    return f"{_decimal(roubles, 0 if roubles >= 10 else 1)}{NBSP}₽/км"


def tonnes(kilograms: float | None) -> str:
    """«20 т», «1,5 т»; under a tonne in kilograms («500 кг», «0,5 кг»), so a parcel is never «0 т»."""
    if kilograms is None or kilograms <= 0:
        return ""
    if kilograms < 1000:
        return f"{_decimal(kilograms, 1 if kilograms >= 1 else 2)}{NBSP}кг"
    return f"{_decimal(kilograms / 1000, 2)}{NBSP}т"


def cubic_metres(volume: float | None) -> str:
    """«82 м³», «12,5 м³»; a parcel's «0,01 м³», never «0 м³»."""
    if volume is None or volume <= 0:
        return ""
    return f"{_decimal(volume, 1 if volume >= 1 else 3)}{NBSP}м³"


def kilometres(distance: float | None) -> str:
    if distance is None or distance <= 0:
        return ""
    return f"{group_digits(round(distance))}{NBSP}км"


def wall_clock(iso: str | None) -> dt.datetime | dt.date | None:
    """The moment a CargoTech date names, on the clock a driver reads.

    With a non-zero offset («+05:00») it is that place's wall-clock time, as sent. In UTC («Z»,
    «+00:00») it is converted to Moscow time: Russian freight runs on Moscow time, and UTC is
    only how a server spells the moment. Without an offset it is already Moscow wall-clock time
    (feed_sort reads it the same way, so what is shown and what is sorted agree). A bare date
    stays a date; anything unreadable is None.
    """
    text = (iso or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        match = _ISO_RE.match(text)  # a readable date with a tail fromisoformat refuses
        if not match:
            return None
        year, month, day, hour, minute = match.groups()
        try:
            if hour is None:
                return dt.date(int(year), int(month), int(day))
            return dt.datetime(int(year), int(month), int(day), int(hour), int(minute))
        except ValueError:
            return None
    if len(text) <= 10:
        return moment.date()
    offset = moment.utcoffset()
    if offset is not None and not offset:
        return moment.astimezone(MOSCOW)
    return moment


def _day(moment: dt.date) -> str:
    return f"{moment.day}{NBSP}{MONTHS[moment.month - 1]}"


def day_month(iso: str | None) -> str:
    moment = wall_clock(iso)
    return _day(moment) if moment else ""


def date_time(iso: str | None) -> str:
    moment = wall_clock(iso)
    if moment is None:
        return ""
    if not isinstance(moment, dt.datetime):
        return _day(moment)
    return f"{_day(moment)}, {moment:%H:%M}"


def _same_day(a: dt.date, b: dt.date) -> bool:
    return (a.year, a.month, a.day) == (b.year, b.month, b.day)


def date_range(first: str | None, last: str | None) -> str:
    """«28 ноя», «28–30 ноя» or «30 ноя – 2 дек» for a loading window."""
    a, b = wall_clock(first), wall_clock(last)
    if not a:
        return _day(b) if b else ""
    if not b or _same_day(a, b):
        return _day(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day}{NBSP}{MONTHS[a.month - 1]}"
    return f"{_day(a)} – {_day(b)}"


def date_time_range(first: str | None, last: str | None) -> str:
    """«3 дек, 07:30» when both ends name the same moment (or one is missing), «3 дек, 07:30 – 18:00»
    within a day, else «3 дек, 07:30 – 4 дек, 12:00»."""
    a, b = wall_clock(first), wall_clock(last)
    if a is None or b is None or date_time(first) == date_time(last):
        return date_time(first) if a is not None else date_time(last)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and _same_day(a, b):
        return f"{date_time(first)} – {b:%H:%M}"
    return f"{date_time(first)} – {date_time(last)}"


def moment(when: dt.datetime, tz: str = "Europe/Moscow") -> str:
    """«28 ноя, 14:05» for a stored moment (naive means UTC) in the drivers' display timezone."""
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    local = aware.astimezone(ZoneInfo(tz))
    return f"{_day(local)}, {local:%H:%M}"


def clock_time(epoch_s: float, tz: str = "Europe/Moscow") -> str:
    """«14:05» in the drivers' display timezone (Moscow time is the freight market's clock)."""
    return dt.datetime.fromtimestamp(epoch_s, ZoneInfo(tz)).strftime("%H:%M")


def stale_note(fetched_at: float, tz: str = "Europe/Moscow") -> str:
    return f"данные от {clock_time(fetched_at, tz)}, CargoTech недоступен"
