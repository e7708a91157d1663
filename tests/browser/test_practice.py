"""The practice pages in a phone's Chromium: on this day, a calm year, the write link."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from harness import Site, axe_violations, copy_project, serve_site

from glimmer_publish.entries import load_entry
from glimmer_publish.settings import load_settings
from glimmer_publish.write_link import WriteLink, new_file_url

# (file, title, date): three years meet on 3 November; 29 February exists in 2024 only.
ENTRIES = [
    ("2024/2024-11-03-frost-on-the-gate.md", "Frost on the gate", "2024-11-03 08:10"),
    ("2025/2025-11-03-warm-mug.md", "A warm mug in both hands", "2025-11-03 07:40"),
    ("2025/2025-11-03-robin.md", "A robin on the fence", "2025-11-03 16:20"),
    ("2026/2026-11-03-sun-through-fog.md", "Sun through the fog", "2026-11-03 09:00"),
    ("2026/2026-11-03-old-song.md", "An old song on the radio", "2026-11-03 18:00"),
    ("2024/2024-02-29-leap-day-snowdrops.md", "Snowdrops on a leap day", "2024-02-29 12:00"),
    ("2025/2025-06-21-long-evening.md", "The long evening light", "2025-06-21 21:00"),
    ("2026/2026-01-15-bread-rising.md", "Bread rising by the stove", "2026-01-15 10:00"),
]
SHAMING = re.compile(r"streak|missed|skipped|behind|only \d|you haven|broke", re.IGNORECASE)


def practice_entries(folder: Path) -> Path:
    for name, title, when in ENTRIES:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: {title}\ndate: {when}\n---\nA small good thing.\n",
                        encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def practice_site(tmp_path_factory, card_cache: Path) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("practice")
    project = copy_project(root / "project", practice_entries(root / "entries"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # write_repo rather than repo_url: Material's repo widget would call GitHub's API.
    text = re.sub(r"(?m)^(      timezone: .*)$", r"\1\n      write_link: true\n"
                  "      card_formats: [og, square]\n"
                  "      write_repo: https://github.com/example-writer/journal\n"
                  "      write_branch: trunk\n"
                  "      buddies:\n"
                  "        - {name: Robin's small joys, site: 'https://robin.example/',"
                  " feed: 'https://robin.example/feed.xml'}\n"
                  "        - {name: Ana and Lou, site: 'https://ana.example/',"
                  " feed: 'https://ana.example/atom.xml'}", text)
    config.write_text(text, encoding="utf-8")
    yield from serve_site(project, root / "site", card_cache)


def titles(tab) -> list[str]:
    return tab.page.locator("#glimmer-otd-list a").all_inner_texts()


@pytest.mark.parametrize(("today", "expected"), [
    (datetime(2026, 11, 3, 12, 0), ["A warm mug in both hands", "A robin on the fence",
                                    "Frost on the gate"]),
    (datetime(2027, 11, 3, 7, 0), ["Sun through the fog", "An old song on the radio",
                                   "A warm mug in both hands", "A robin on the fence",
                                   "Frost on the gate"]),
    (datetime(2028, 2, 29, 9, 0), ["Snowdrops on a leap day"]),
    (datetime(2026, 6, 21, 22, 0), ["The long evening light"]),
])
def test_on_this_day_shows_earlier_years_of_the_visitors_today(open_tab, practice_site,
                                                              today, expected):
    tab = open_tab(practice_site, "phone")
    tab.page.clock.set_fixed_time(today)
    tab.goto("on-this-day/")
    tab.page.locator("#glimmer-otd-today").wait_for(state="visible")
    assert sorted(titles(tab)) == sorted(expected)
    assert tab.page.locator("#glimmer-otd-none").is_hidden()
    heading = tab.page.locator("#glimmer-otd-heading").inner_text()
    assert heading == f"{today:%B} {today.day} in earlier years"  # theme.language: en
    years = tab.page.locator(".glimmer-otd__year").all_inner_texts()
    assert all(int(y) < today.year for y in years)
    assert not tab.problems(), "\n".join(tab.problems())


def test_a_day_without_earlier_glimmers_says_so_kindly(open_tab, practice_site):
    tab = open_tab(practice_site, "phone")
    tab.page.clock.set_fixed_time(datetime(2026, 3, 9, 12, 0))
    tab.goto("on-this-day/")
    note = tab.page.locator("#glimmer-otd-none")
    note.wait_for(state="visible")
    assert titles(tab) == []
    assert "next year" in note.inner_text()
    assert not SHAMING.search(tab.page.locator("article").inner_text())
    assert not axe_violations(tab.page)


def test_on_this_day_without_javascript_lists_every_day(open_tab, practice_site):
    tab = open_tab(practice_site, "phone", java_script_enabled=False)
    tab.goto("on-this-day/")
    days = tab.page.locator(".glimmer-otd__all li")
    assert days.count() == 4  # 29 Feb, 21 Jun, 3 Nov, 15 Jan
    text = tab.page.locator(".glimmer-otd__all").inner_text()
    assert text.index("January") < text.index("February") < text.index("November")
    for _, title, _ in ENTRIES:
        assert title in text
    assert tab.page.locator("#glimmer-otd-today").is_hidden()


def test_on_this_day_is_accessible_at_phone_size(open_tab, practice_site):
    tab = open_tab(practice_site, "phone")
    tab.page.clock.set_fixed_time(datetime(2026, 11, 3, 12, 0))
    tab.goto("on-this-day/")
    tab.page.locator("#glimmer-otd-list li").first.wait_for()
    violations = axe_violations(tab.page)
    assert not violations, "\n".join(violations)


def test_the_calm_year_is_lit_named_and_reachable_by_keyboard(open_tab, practice_site):
    tab = open_tab(practice_site, "phone")
    tab.goto("year/2026/")
    lit = tab.page.locator(".glimmer-month-grid a")
    assert lit.count() == 2  # 15 January and 3 November
    names = [lit.nth(i).get_attribute("aria-label") for i in range(lit.count())]
    assert names == ["January 15, 2026: 1 glimmer", "November 3, 2026: 2 glimmers"]
    # The accessible name a screen reader announces, as Chromium computes it.
    snapshot = tab.page.locator(".glimmer-year__months").aria_snapshot()
    assert 'link "November 3, 2026: 2 glimmers"' in snapshot
    assert not SHAMING.search(tab.page.locator("article").inner_text())
    # From the words above the calendar, Tab walks the lit days in calendar order and
    # nothing else in between (unlit days are not stops).
    tab.page.evaluate("""() => { const p = document.querySelector('.glimmer-year .glimmer-intro');
                                 p.tabIndex = -1; p.focus(); }""")
    reached = []
    for _ in names:
        tab.page.keyboard.press("Tab")
        reached.append(tab.page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert reached == names
    tab.page.keyboard.press("Enter")
    assert tab.page.url.endswith("#d2026-11-03")
    day = tab.page.locator("#d2026-11-03 + ul").inner_text()
    assert "Sun through the fog" in day and "An old song on the radio" in day
    violations = axe_violations(tab.page)
    assert not violations, "\n".join(violations)
    assert not tab.problems(), "\n".join(tab.problems())


def test_year_index_is_the_newest_year_and_links_the_others(open_tab, practice_site):
    tab = open_tab(practice_site, "phone")
    tab.goto("year/")
    assert tab.page.locator(".glimmer-month-grid a").count() == 2
    others = tab.page.locator(".glimmer-year__other a").all_inner_texts()
    assert others == ["2025", "2024"]


@pytest.mark.parametrize("instant", [
    datetime(2026, 11, 3, 23, 30, tzinfo=UTC),   # still 3 November in London
    datetime(2026, 7, 1, 23, 30, tzinfo=UTC),    # summer time: already 2 July in London
])
def test_write_link_opens_githubs_editor_on_a_dated_entry(open_tab, practice_site, instant,
                                                          tmp_path):
    tab = open_tab(practice_site, "phone", timezone_id="America/Los_Angeles")
    tab.page.clock.set_fixed_time(instant)
    tab.goto("write/")
    href = tab.page.locator("#glimmer-write").get_attribute("href")
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "github.com", "/example-writer/journal/new/trunk")
    query = parse_qs(parts.query, strict_parsing=True)
    local = instant.astimezone(ZoneInfo("Europe/London"))  # the journal's zone, not the phone's
    assert query["filename"] == [f"entries/{local:%Y}/{local:%Y-%m-%d-%H%M}.md"]
    text = query["value"][0]
    assert unquote(href).count("date: ") == 1
    assert f"date: {local:%Y-%m-%d %H:%M}\n" in text
    # The page's script and the Python side (write_link.py) build the very same address.
    link = WriteLink("example-writer", "journal", "trunk", "entries", "Europe/London")
    assert href == new_file_url(link, local)

    # The file it would create, checked by the real validator: refused until titled.
    project = tmp_path
    (project / "entries").mkdir()
    (project / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - glimmer:\n      timezone: Europe/London\n")
    settings = load_settings(project / "mkdocs.yml")
    path = project / query["filename"][0]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    entry, problems = load_entry(path, settings)
    assert entry is None and [p.field for p in problems] == ["title"]
    path.write_text(re.sub(r"(?m)^title:.*$", "title: Steam from the kettle", text),
                    encoding="utf-8")
    entry, problems = load_entry(path, settings)
    assert not problems, problems
    assert entry.title == "Steam from the kettle"
    assert entry.date == local.replace(second=0, microsecond=0)
    assert not tab.problems(), "\n".join(tab.problems())
    assert not axe_violations(tab.page)


def test_write_link_bookmark_with_go_opens_the_editor_at_once(open_tab, practice_site):
    tab = open_tab(practice_site, "phone")
    tab.page.clock.set_fixed_time(datetime(2026, 11, 3, 8, 5, tzinfo=UTC))
    tab.page.route("https://github.com/**", lambda route: route.fulfill(body="editor"))
    started = time.monotonic()
    with tab.page.expect_request("https://github.com/**") as request:
        tab.page.goto(practice_site.url + "write/#go")
    took = time.monotonic() - started
    assert "filename=entries/2026/2026-11-03-0805.md" in request.value.url
    # On this machine's local server; a phone adds its network's round trips.
    assert took < 3, f"the home-screen link took {took:.2f} s to reach GitHub"
    print(f"write/#go reached GitHub's editor address after {took * 1000:.0f} ms")


@pytest.mark.parametrize(("path", "size"), [
    ("on-this-day/", "phone"), ("year/2026/", "phone"), ("year/2026/", "desktop"),
    ("write/", "phone"), ("buddies/", "phone")])
def test_practice_pages_fit_the_screen(open_tab, practice_site, path, size, tmp_path):
    """No sideways scrolling; GLIMMER_SCREENSHOTS=folder keeps the pictures to look at."""
    tab = open_tab(practice_site, size)
    tab.page.clock.set_fixed_time(datetime(2026, 11, 3, 12, 0))
    tab.goto(path)
    tab.page.evaluate("document.fonts.ready")
    overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    folder = Path(os.environ.get("GLIMMER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "-")
    tab.page.screenshot(path=folder / f"practice-{name}-{size}.png", full_page=True)
    assert not axe_violations(tab.page), path


@pytest.mark.parametrize("path", ["year/2026/", "on-this-day/", "buddies/"])
def test_practice_pages_are_accessible_in_the_dark_palette(open_tab, practice_site, path):
    tab = open_tab(practice_site, "phone", color_scheme="dark")
    tab.page.clock.set_fixed_time(datetime(2026, 11, 3, 12, 0))
    tab.goto(path)
    violations = axe_violations(tab.page)
    assert not violations, "\n".join(violations)
