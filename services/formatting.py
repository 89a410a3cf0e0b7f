"""Russian display formatting: money in ₽ with grouped digits, weight in т, volume in м³, dates.

Pure functions, no I/O: the UI shows exactly what these return.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

NBSP = "\u00a0"  # keeps "45 000 ₽" on one line on narrow phones
MONTHS = ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


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
    """Whole roubles from kopecks: 4500000 → «45 000 ₽»; unknown → «цена не указана»."""
    if kopecks is None or kopecks <= 0:
        return "цена не указана"
    return f"{group_digits(round(kopecks / 100))}{NBSP}₽"


def rub_per_km(kopecks_per_km: int | None) -> str:
    if not kopecks_per_km or kopecks_per_km <= 0:
        return ""
    roubles = kopecks_per_km / 100
    return f"{_decimal(roubles, 0 if roubles >= 10 else 1)}{NBSP}₽/км"


def tonnes(kilograms: float | None) -> str:
    if kilograms is None or kilograms <= 0:
        return ""
    return f"{_decimal(kilograms / 1000, 2)}{NBSP}т"


def cubic_metres(volume: float | None) -> str:
    if volume is None or volume <= 0:
        return ""
    return f"{_decimal(volume, 1)}{NBSP}м³"


def kilometres(distance: float | None) -> str:
    if distance is None or distance <= 0:
        return ""
    return f"{group_digits(round(distance))}{NBSP}км"


def _parts(iso: str | None) -> tuple[int, int, int, str | None] | None:
    # The wall-clock time is shown as sent: no timezone conversion (cargotech-api.md).
    match = _ISO_RE.match(iso or "")
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    return int(year), int(month), int(day), f"{hour}:{minute}" if hour else None


def day_month(iso: str | None) -> str:
    parts = _parts(iso)
    return f"{parts[2]}{NBSP}{MONTHS[parts[1] - 1]}" if parts else ""


def date_time(iso: str | None) -> str:
    parts = _parts(iso)
    if not parts:
        return ""
    day = f"{parts[2]}{NBSP}{MONTHS[parts[1] - 1]}"
    return f"{day}, {parts[3]}" if parts[3] else day


def date_range(first: str | None, last: str | None) -> str:
    """«28 ноя», «28–30 ноя» or «30 ноя – 2 дек» for a loading window."""
    a, b = _parts(first), _parts(last)
    if not a:
        return day_month(last)
    if not b or a[:3] == b[:3]:
        return day_month(first)
    if a[:2] == b[:2]:
        return f"{a[2]}–{b[2]}{NBSP}{MONTHS[a[1] - 1]}"
    return f"{day_month(first)} – {day_month(last)}"


def moment(when: dt.datetime, tz: str = "Europe/Moscow") -> str:
    """«28 ноя, 14:05» for a stored moment (naive means UTC) in the drivers' display timezone."""
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return date_time(aware.astimezone(ZoneInfo(tz)).isoformat())


def clock_time(epoch_s: float, tz: str = "Europe/Moscow") -> str:
    """«14:05» in the drivers' display timezone (Moscow time is the freight market's clock)."""
    return dt.datetime.fromtimestamp(epoch_s, ZoneInfo(tz)).strftime("%H:%M")


def stale_note(fetched_at: float, tz: str = "Europe/Moscow") -> str:
    return f"данные от {clock_time(fetched_at, tz)}, CargoTech недоступен"
