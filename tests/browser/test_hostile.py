"""Hostile entries: whatever markup a writer (or a pull request) puts in an entry, no script
of theirs runs in a visitor's browser and no dangerous element reaches the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from harness import Site, Tab, copy_project, serve_site

# Every payload would record itself in window.__pwned or open a dialog if it ever ran.
PWN = "(window.__pwned=window.__pwned||[]).push"
FIELDS = {
    "angle": {
        "title": "\"><svg onload=alert('title')>",
        "where": "<img src=x onerror=alert('where')>",
        "felt": "</textarea></script><script>alert('felt')</script>",
        "author": "<iframe src=javascript:alert('author')></iframe>",
        "card": {"excerpt": "'\"><img src=x onerror=alert('excerpt')>"},
        "tags": ["safe"],
    },
    "script-title": {
        "title": "</script><script>alert('title-script')</script>",
        "where": "' onmouseover='alert(1)' x='",
        "tags": ["safe", "evening"],
    },
}
BODY = f"""
Marmalade on warm toast &quot;&gt;&lt;img src=x onerror=alert('excerpt-body')&gt;, and then:

<script>{PWN}('body-script')</script>
<img src="x" onerror="{PWN}('body-img')">
<svg onload="{PWN}('body-svg')"><circle r="4"/></svg>
<iframe src="javascript:{PWN}('body-iframe')"></iframe>
<iframe srcdoc="<script>parent.{PWN}('srcdoc')</script>"></iframe>
<a href="javascript:{PWN}('raw-link')">a raw link</a>
<details open ontoggle="{PWN}('details')"><summary>more</summary>hidden</details>
<form action="javascript:{PWN}('form')"><button>send</button></form>
<object data="data:text/html,<script>{PWN}('object')</script>"></object>

[a markdown link](javascript:{PWN}('md-link'))
[a data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
![a picture](x" onerror="{PWN}('md-img'))
"""

# Anything in the page that could run script or load a foreign document.
DANGER = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) &&
          /^(href|src|action|formaction|data|xlink:href|srcdoc)$/i.test(attr.name))
        found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const el of document.querySelectorAll("iframe, object, embed, frame"))
    found.push(el.outerHTML.slice(0, 120));
  for (const el of document.scripts)
    if (/alert\\(|__pwned/.test(el.textContent)) found.push(el.outerHTML.slice(0, 120));
  return found;
}"""


def front_matter(fields: dict) -> str:
    """JSON is YAML: every hostile string arrives byte for byte, quotes and all."""
    return "\n".join(f"{key}: {json.dumps(value)}" for key, value in fields.items())


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory, card_cache: Path) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("hostile")
    entries = root / "entries"
    entries.mkdir()
    for day, (name, fields) in enumerate(FIELDS.items(), start=1):
        (entries / f"2026-05-0{day}-{name}.md").write_text(
            f"---\n{front_matter(fields)}\ndate: 2026-05-0{day}\n---\n{BODY}", encoding="utf-8")
    yield from serve_site(copy_project(root / "project", entries), root / "site", card_cache)


def assert_nothing_ran(tab: Tab) -> None:
    assert tab.page.evaluate("window.__pwned") is None
    assert tab.dialogs == []
    assert tab.page.evaluate(DANGER) == []
    assert tab.foreign_requests() == []


PAGES = ["", "glimmers/2026-05-01-angle/", "glimmers/2026-05-02-script-title/", "tags/safe/",
         "tags/", "archive/", "on-this-day/", "year/2026/"]


@pytest.mark.parametrize("path", PAGES)
def test_no_script_of_an_entry_runs_on_any_page(open_tab, hostile: Site, path: str):
    tab = open_tab(hostile, "phone")
    tab.goto(path)
    tab.page.mouse.move(100, 300)  # would fire a stray onmouseover
    assert_nothing_ran(tab)


@pytest.mark.parametrize("slug", ["angle", "script-title"])
def test_hostile_title_shows_as_plain_text(open_tab, hostile: Site, slug: str):
    tab = open_tab(hostile, permissions=["clipboard-read", "clipboard-write"])
    tab.goto(f"glimmers/2026-05-0{list(FIELDS).index(slug) + 1}-{slug}/")
    title = FIELDS[slug]["title"]
    assert tab.page.locator("h1").first.inner_text() == title
    assert title in tab.page.locator("#share-caption").input_value()
    tab.page.locator(".share-copy").click()
    assert_nothing_ran(tab)


@pytest.mark.parametrize("day", [1, 2])
def test_on_this_day_shows_hostile_titles_as_text(open_tab, hostile: Site, day: int):
    """The page's script builds today's list from days.json: titles stay plain text."""
    tab = open_tab(hostile, "phone")
    tab.page.clock.set_fixed_time(datetime(2027, 5, day, 12, 0))
    tab.goto("on-this-day/")
    title = list(FIELDS.values())[day - 1]["title"]
    link = tab.page.locator("#glimmer-otd-list a")
    link.first.wait_for()
    assert link.all_inner_texts() == [title]
    tab.page.mouse.move(100, 300)
    assert_nothing_ran(tab)


def test_random_and_search_stay_inert(open_tab, hostile: Site):
    tab = open_tab(hostile)
    tab.goto("random/")
    tab.page.wait_for_url(f"{hostile.url}glimmers/**")
    assert_nothing_ran(tab)
    tab.page.keyboard.press("/")
    tab.page.locator(".md-search__input").press_sequentially("marmalade")
    tab.page.locator(".md-search-result__link").first.wait_for()
    assert_nothing_ran(tab)
    tab.page.locator(".md-search__input").fill("")
    tab.page.locator(".md-search__input").press_sequentially("svg onload")
    tab.page.wait_for_timeout(300)
    assert_nothing_ran(tab)
