"""Pages of the practice: write link, on this day, a calm year, buddies (and the OPML files).

Data is prepared here from entries and settings; the markup lives in Jinja templates
(glimmer_publish/theme/glimmer/*.html, overridable from the journal's custom_dir), drawn by
the plugin like every other generated page. No MkDocs imports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.core import Locale
from babel.dates import get_day_names, match_skeleton, parse_pattern

from .. import calm_year, onthisday, write_link
from ..buddies import Buddy, Latest, opml
from ..entries import Entry
from ..settings import Settings
from .labels import N_, locale_for, long_date, month_name, translations
from .pages import LISTING, Source, document, root_of, url_of

CSS = "assets/glimmer-practice.css"
# buddies.NOTES, marked here for the catalog (the core cannot import the plugin's N_).
BUDDY_NOTES = (
    N_("took too long to answer this time"),
    N_("answered with an error (%(code)s) this time"),
    N_("the feed could not be read this time"),
    N_("the feed has no glimmers in it yet"),
    N_("could not be reached this time"),
)


def _source(src: str, page_title: str, kind: str, page_template: str,
            front: Mapping[str, Any] | None = None, **context: Any) -> Source:
    return Source(src, document({"title": page_title, **LISTING, **(front or {})}), kind,
                  template=page_template, context={"root": root_of(url_of(src)), **context})


# ---------------------------------------------------------------- write link


def write_page(link: write_link.WriteLink | None, labels: Mapping[str, str],
               unlisted: bool) -> Source:
    """The page holding the link; its script dates the file on the writer's phone."""
    fallback = f"{link.base}?filename={link.entries_path}/" if link else ""
    front = {"robots": "noindex"} if unlisted else {}
    return _source("write/index.md", labels["write"], "write", "glimmer/write.html", front,
                   link=link, fallback=fallback, template=write_link.TEMPLATE,
                   token=write_link.DATE_TOKEN)


# ---------------------------------------------------------------- on this day


def on_this_day(entries: Sequence[Entry], thumbs: Mapping[str, str], settings: Settings,
                labels: Mapping[str, str]) -> tuple[Source, str]:
    """The page (with its no-JS list by month and day) and its JSON index."""
    index = onthisday.day_index(entries, thumbs)
    locale = locale_for(settings.language)
    months: list[dict] = []
    for key, items in index.items():
        month, day = int(key[:2]), int(key[3:])
        when = date(2000, month, day)  # a leap year, so 29 February has a name
        if not months or months[-1]["number"] != month:
            months.append({"number": month, "name": month_name(when, settings.language),
                           "days": []})
        months[-1]["days"].append({"key": key, "entries": items,
                                   "name": _month_day(when, locale)})
    page = _source("on-this-day/index.md", labels["otd"], "on-this-day",
                   "glimmer/on-this-day.html", months=months, language=settings.language)
    return page, json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def _month_day(when: date, locale: str) -> str:
    """'14 March', in the locale's own order and words."""
    found, pattern = _month_day_pattern(locale)
    return pattern.apply(when, found)


@lru_cache(maxsize=32)
def _month_day_pattern(locale: str):
    """Babel's `format_skeleton` matches the skeleton on every call, which cost most of the
    page's time (every build names each of 366 days): done once per locale."""
    found = Locale.parse(locale)
    return found, parse_pattern(found.datetime_skeletons[match_skeleton(
        "MMMMd", found.datetime_skeletons)])


# ---------------------------------------------------------------- a calm year


def _weekdays(locale: Locale) -> list[dict]:
    short = get_day_names("short", locale=locale)
    long = get_day_names("wide", locale=locale)
    first = locale.first_week_day
    return [{"short": short[(first + i) % 7], "long": long[(first + i) % 7]} for i in range(7)]


def day_name(day: date, count: int, settings: Settings) -> str:
    """What a screen reader says for a lit day: '3 November 2026: 2 glimmers'. Never a
    count of the days without one."""
    t = translations(settings.language)
    long = long_date(day, settings.language)
    return t.ngettext("%(day)s: %(count)s glimmer", "%(day)s: %(count)s glimmers", count) % {
        "day": long, "count": count}


def year_context(entries: Sequence[Entry], year: int, every: Sequence[int],
                 settings: Settings) -> dict[str, Any]:
    locale = Locale.parse(locale_for(settings.language))
    lit = calm_year.lit_days(entries, year)
    months = []
    for month in calm_year.months(year, locale.first_week_day):
        weeks = [[None if d is None else {
            "number": d.day, "id": f"d{d.isoformat()}", "lit": d in lit,
            "label": day_name(d, len(lit[d]), settings) if d in lit else ""} for d in week]
            for week in month.weeks]
        months.append({"name": month_name(month.first, settings.language), "weeks": weeks})
    days = [{"id": f"d{d.isoformat()}", "entries": es,
             "name": long_date(d, settings.language)} for d, es in lit.items()]
    return {"year": year, "months": months, "days": days, "weekdays": _weekdays(locale),
            "others": [y for y in every if y != year]}


def year_pages(entries: Sequence[Entry], settings: Settings,
               labels: Mapping[str, str]) -> list[Source]:
    """`year/YYYY/` for every year with glimmers, and `year/` showing the newest one."""
    t = translations(settings.language)
    every = calm_year.years(entries)
    pages = []
    for year in every:
        context = year_context(entries, year, every, settings)
        title = t.gettext("%(year)s, softly lit") % {"year": year}
        pages.append(_source(f"year/{year}/index.md", title, "year", "glimmer/year.html",
                             title=title, **context))
        if year == every[0]:
            pages.append(_source("year/index.md", labels["year"], "year", "glimmer/year.html",
                                 title=title, **context))
    return pages


# ---------------------------------------------------------------- buddies


def buddies_page(buddies: Sequence[Buddy], latest: Sequence[Latest], settings: Settings,
                 labels: Mapping[str, str]) -> Source:
    """Each buddy with their site and feed, and (when fetched) their newest glimmer or a
    calm note saying why it is missing this time."""
    t = translations(settings.language)
    news = {item.buddy: item for item in latest}
    rows = []
    for b in buddies:
        item = news.get(b)
        note = t.gettext(item.note) % {"code": item.code} if item and item.note else ""
        rows.append({"name": b.name, "site": b.site, "feed": b.feed, "note": note,
                     "latest_title": item.title if item else "",
                     "latest_url": item.url if item else ""})
    return _source("buddies/index.md", labels["buddies"], "buddies", "glimmer/buddies.html",
                   buddies=rows)


def opml_files(buddies: Sequence[Buddy], settings: Settings, newest: datetime | None
               ) -> dict[str, bytes]:
    """buddies.opml (when there are buddies) and follow.opml (this journal's own feed).

    Dated from the newest glimmer, not the clock, so unchanged journals build identical files.
    """
    when = newest or datetime(2000, 1, 1, tzinfo=settings.tz)
    own = Buddy(settings.site_name, settings.absolute(""), settings.absolute("feed.xml"))
    files = {"follow.opml": opml(settings.site_name, [own], when)}
    if buddies:
        files["buddies.opml"] = opml(f"{settings.site_name}: buddies", buddies, when)
    return files
