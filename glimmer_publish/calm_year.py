"""A calm year: which days of a year hold glimmers, laid out as month calendars.

Only days with glimmers carry anything; nothing counts or names the days without one.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .entries import Entry


@dataclass(frozen=True)
class Month:
    first: date  # the 1st of the month
    weeks: tuple[tuple[date | None, ...], ...]  # 7 cells a week; None outside the month


def years(entries: Sequence[Entry]) -> list[int]:
    """Every year with at least one glimmer, newest first."""
    return sorted({e.date.year for e in entries}, reverse=True)


def lit_days(entries: Sequence[Entry], year: int) -> dict[date, list[Entry]]:
    """The year's days that hold glimmers, each with its glimmers in the order they were lived."""
    days: dict[date, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.date.year == year:
            days.setdefault(entry.date.date(), []).append(entry)
    return days


def months(year: int, first_weekday: int = 0) -> list[Month]:
    """Twelve month grids; `first_weekday` 0 is Monday, 6 is Sunday (as the locale prefers)."""
    cal = calendar.Calendar(first_weekday)
    grids = []
    for m in range(1, 13):
        weeks = tuple(
            tuple(d if d.month == m else None for d in week)
            for week in cal.monthdatescalendar(year, m))
        grids.append(Month(date(year, m, 1), weeks))
    return grids
