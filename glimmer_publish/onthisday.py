""""On this day": glimmers grouped by calendar day, for the visitor's browser to choose from.

A static site is built on one day and read on another, so the page cannot pick "today" at
build time: it ships a small index (month-day -> glimmers) and the browser picks the day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .entries import Entry


def month_day(entry: Entry) -> str:
    """'11-03' for 3 November, in the calendar day the writer lived it."""
    return f"{entry.date.month:02d}-{entry.date.day:02d}"


def day_index(entries: Sequence[Entry], thumbs: Mapping[str, str]) -> dict[str, list[dict]]:
    """month-day -> [{title, url, year, date, thumb}], days in calendar order, newest first.

    Urls and thumbs are site-relative; `thumbs` maps a slug to its card preview.
    """
    index: dict[str, list[dict]] = {}
    for entry in sorted(entries, key=lambda e: (month_day(e), -e.date.year, e.slug)):
        index.setdefault(month_day(entry), []).append({
            "title": entry.title,
            "url": entry.url,
            "year": entry.date.year,
            "date": entry.date.date().isoformat(),
            "thumb": thumbs.get(entry.slug, ""),
        })
    return index
