"""Pages of the practice: write link, on this day, a calm year, buddies (and the OPML files).

Data is prepared here from entries and settings; the markup lives in Jinja templates under
glimmer_publish/theme/glimmer/, so a journal can restyle them. No MkDocs imports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date, get_day_names
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import calm_year, onthisday, write_link
from ..buddies import Buddy, Latest, opml
from ..entries import Entry
from ..settings import Settings
from .labels import locale_for, month_name
from .pages import LISTING, Source, document

TEMPLATES = Path(__file__).resolve().parent.parent / "theme" / "glimmer"
CSS = "assets/glimmer-practice.css"


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def render(name: str, **data: object) -> str:
    """A template as one raw-HTML block: no blank lines, so Markdown leaves it alone."""
    html = _env().get_template(name).render(**data)
    return "\n".join(line for line in html.splitlines() if line.strip())


def stylesheet() -> str:
    return (TEMPLATES / "practice.css").read_text(encoding="utf-8")


def _page(src: str, title: str, body: str, kind: str, **front: object) -> Source:
    return Source(src, document({"title": title, **LISTING, **front}, body), kind)


# ---------------------------------------------------------------- write link


def write_page(link: write_link.WriteLink | None, labels: Mapping[str, str],
               unlisted: bool) -> Source:
    fallback = f"{link.base}?filename={link.entries_path}/" if link else ""
    body = render("write.html", labels=labels, link=link, fallback=fallback,
                  template=write_link.TEMPLATE, token=write_link.DATE_TOKEN)
    extra = {"robots": "noindex"} if unlisted else {}
    return _page("write/index.md", labels["write"], body, "write", **extra)


# ---------------------------------------------------------------- on this day


def on_this_day(entries: Sequence[Entry], thumbs: Mapping[str, str], settings: Settings,
                labels: Mapping[str, str]) -> tuple[Source, str]:
    """The page (with its no-JS list by month and day) and its JSON index."""
    index = onthisday.day_index(entries, thumbs)
    months: list[dict] = []
    for key, items in index.items():
        month, day = int(key[:2]), int(key[3:])
        when = date(2000, month, day)  # a leap year, so 29 February has a name
        if not months or months[-1]["number"] != month:
            months.append({"number": month, "name": month_name(when, settings.language),
                           "days": []})
        months[-1]["days"].append({
            "key": key, "entries": items,
            "name": format_date(when, "d MMMM", locale=locale_for(settings.language))})
    body = render("on-this-day.html", labels=labels, months=months, root="../",
                  heading_format=labels["otd_heading"], language=settings.language)
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return _page("on-this-day/index.md", labels["otd"], body, "on-this-day"), data


# ---------------------------------------------------------------- a calm year


def _weekdays(language: str, first: int) -> list[dict]:
    short = get_day_names("abbreviated", locale=locale_for(language))
    long = get_day_names("wide", locale=locale_for(language))
    return [{"short": short[(first + i) % 7], "long": long[(first + i) % 7]} for i in range(7)]


def year_pages(entries: Sequence[Entry], settings: Settings,
               labels: Mapping[str, str]) -> list[Source]:
    """`year/` (the newest year) and `year/YYYY/` for every year with glimmers."""
    locale = Locale.parse(locale_for(settings.language))
    first = locale.first_week_day
    every = calm_year.years(entries)
    pages = []
    for year in every:
        lit = calm_year.lit_days(entries, year)

        def long_day(d: date) -> str:
            return format_date(d, "long", locale=locale)

        months = []
        for month in calm_year.months(year, first):
            weeks = []
            for week in month.weeks:
                cells = []
                for d in week:
                    if d is None:
                        cells.append(None)
                        continue
                    found = lit.get(d, [])
                    label = (labels["year_day_one"].format(day=long_day(d)) if len(found) == 1
                             else labels["year_day"].format(day=long_day(d), count=len(found)))
                    cells.append({"number": d.day, "lit": bool(found), "id": f"d{d.isoformat()}",
                                  "label": label if found else ""})
                weeks.append(cells)
            months.append({"name": month_name(month.first, settings.language), "weeks": weeks})
        days = [{"id": f"d{d.isoformat()}", "name": long_day(d), "entries": es}
                for d, es in lit.items()]
        for src, root in ((f"year/{year}/index.md", "../../"),
                          *((("year/index.md", "../"),) if year == every[0] else ())):
            title = labels["year_title"].format(year=year)
            body = render("year.html", labels=labels, title=title, months=months, days=days,
                          weekdays=_weekdays(settings.language, first), root=root,
                          others=[y for y in every if y != year])
            pages.append(_page(src, title if src != "year/index.md" else labels["year"],
                               body, "year"))
    return pages


# ---------------------------------------------------------------- buddies


def buddies_page(buddies: Sequence[Buddy], latest: Sequence[Latest],
                 labels: Mapping[str, str]) -> Source:
    news = {item.buddy: item for item in latest}
    rows = [{"name": b.name, "site": b.site, "feed": b.feed,
             "latest_title": news[b].title if b in news else "",
             "latest_url": news[b].url if b in news else "",
             "note": news[b].note if b in news else ""} for b in buddies]
    body = render("buddies.html", labels=labels, buddies=rows, root="../")
    return _page("buddies/index.md", labels["buddies"], body, "buddies")


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
