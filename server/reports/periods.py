"""Which days a report covers: a day, a month, a range, or a preset, relative to ``today``.

Pure: ``today`` comes in. A malformed date, a range that ends before it starts and a period
that starts after today are ``ReportError``s (a report of the future is always empty).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .errors import ReportError

GROUPINGS = ("zone", "matter", "window", "staff")  # what a report's rows may be grouped by

PRESETS = (
    "today",
    "yesterday",
    "this-week",
    "last-week",
    "this-month",
    "last-month",
    "this-year",
)


def parse_day(text: str, today: date) -> date:
    text = text.strip()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError("report.bad_date", text=text) from None


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return first, after - timedelta(days=1)


def parse_month(text: str, today: date) -> tuple[date, date]:
    text = text.strip()
    if text in ("this", "this-month"):
        return month_bounds(today.year, today.month)
    if text in ("last", "last-month"):
        first = today.replace(day=1) - timedelta(days=1)
        return month_bounds(first.year, first.month)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ReportError("report.bad_month", text=text)
    return month_bounds(int(m.group(1)), int(m.group(2)))


def preset(name: str, today: date) -> tuple[date, date]:
    if name == "today":
        return today, today
    if name == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    if name in ("this-week", "last-week"):
        monday = today - timedelta(days=today.weekday())
        if name == "last-week":
            monday -= timedelta(days=7)
        return monday, monday + timedelta(days=6)
    if name in ("this-month", "last-month"):
        return parse_month(name, today)
    if name == "this-year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    raise ReportError("report.bad_preset", text=name, presets=", ".join(PRESETS))


def checked(first: date, last: date, today: date) -> tuple[date, date]:
    """The period, its end cut at today; refused when it is backwards or in the future."""
    if last < first:
        raise ReportError("report.backwards", first=first, last=last)
    if first > today:
        raise ReportError("report.future", first=first, today=today)
    return first, min(last, today)


def year_to_date(last: date) -> tuple[date, date]:
    """累计: from 1 January of ``last``'s year to ``last``."""
    return date(last.year, 1, 1), last
