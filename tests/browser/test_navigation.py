"""Finding one's way: search, the random glimmer, the 404 page, and reading without JavaScript."""

from __future__ import annotations

import re

import pytest
from harness import Site

from glimmer_publish.entries import Entry


def distinctive_word(entry: Entry, others: list[Entry]) -> str:
    """A word of the entry's body that is in neither its title nor any other entry."""
    def words(text: str) -> set[str]:
        return {w.casefold() for w in re.findall(r"[^\W\d_]{6,}", text)}

    elsewhere = words(entry.title).union(*(words(e.title + " " + e.body_text)
                                           for e in others if e != entry))
    candidates = sorted(words(entry.body_text) - elsewhere)
    assert candidates, f"{entry.slug} has no word of its own"
    return candidates[0]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_search_finds_an_entry_by_a_word_from_its_body(open_tab, site: Site, entry: Entry,
                                                       published: list[Entry], size: str):
    word = distinctive_word(entry, published)
    tab = open_tab(site, size)
    tab.goto("")
    tab.page.keyboard.press("/")  # Material's shortcut opens the search box at any size
    tab.page.locator(".md-search__input").press_sequentially(word)
    results = tab.page.locator(".md-search-result__link")
    results.first.wait_for()
    hrefs = [tab.page.evaluate("a => a.origin + a.pathname", a)
             for a in results.element_handles()]
    assert site.url + entry.url in hrefs, (word, hrefs)
    assert not tab.problems(), "\n".join(tab.problems())


def test_random_glimmer_link_lands_on_an_entry(open_tab, site: Site, published: list[Entry]):
    tab = open_tab(site)
    tab.goto("")
    tab.page.locator("a[href$='random/']").first.click()
    tab.page.wait_for_url(re.compile(re.escape(site.url) + r"glimmers/[^/]+/$"))
    slug = tab.page.url.removeprefix(site.url + "glimmers/").strip("/")
    assert slug in {e.slug for e in published}
    assert tab.page.locator("h1").first.is_visible()
    assert not tab.problems(), "\n".join(tab.problems())


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_missing_page_is_friendly(open_tab, site: Site, size: str):
    tab = open_tab(site, size)
    address = site.url + "glimmers/no-such-glimmer/"
    response = tab.page.goto(address, wait_until="networkidle")
    assert response.status == 404
    heading = tab.page.locator("h1").first
    assert heading.is_visible() and heading.inner_text().strip()
    home = [tab.page.evaluate("a => a.href", a)
            for a in tab.page.locator("main a, article a").element_handles()]
    assert site.url in home, "the 404 page offers no way back to the home page"
    # Its own 404 status is expected; its styles, fonts and scripts must still all load.
    problems = [p for p in tab.problems() if address not in p]
    assert problems == []


def test_entry_is_readable_without_javascript(open_tab, site: Site, entry: Entry):
    tab = open_tab(site, "phone", java_script_enabled=False)
    tab.goto(entry.url)
    title = tab.page.get_by_role("heading", level=1, name=entry.title)
    assert title.is_visible()
    first_words = " ".join(entry.body_text.split()[:6])
    assert tab.page.get_by_text(first_words).first.is_visible()
    assert not tab.problems(), "\n".join(tab.problems())
