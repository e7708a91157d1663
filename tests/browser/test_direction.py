"""Right-to-left entries in a real browser: Arabic and Hebrew read right to left, say their
language, and the page stays accessible; text without a `lang` finds its own direction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Site, axe_violations, copy_project, serve_site

ENTRIES = {
    "2026-03-14-shams.md": ("شمس على الإبريق", "ar", "عمّان",
                            "ضوء الصباح على الإبريق.[^1]\n\n[^1]: وصوت العصافير."),
    "2026-03-15-shemesh.md": ("שמש על הקומקום", "he", "ירושלים",
                              "אור בוקר על הקומקום.\n\n## אחר כך\n\nשקט."),
    "2026-03-16-breeze.md": ("نسيم المساء", None, None, "هواء بارد من النافذة."),
    "2026-03-17-kettle.md": ("Sun on the kettle", None, "Leeds", "Steam and light."),
}

DIRECTIONS = """() => Object.fromEntries(
  [["title", "article h1"], ["body", ".glimmer-body p"], ["where", ".glimmer-where"],
   ["date", ".glimmer-meta time"], ["caption", "#share-caption"]].map(([name, css]) => {
    const el = document.querySelector(css);
    return [name, el ? {dir: getComputedStyle(el).direction,
                        lang: (el.closest("[lang]") || {}).lang || null} : null];
  }))"""


@pytest.fixture(scope="session")
def rtl_site(tmp_path_factory: pytest.TempPathFactory, card_cache: Path) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("rtl")
    entries = root / "entries"
    entries.mkdir()
    for name, (title, lang, where, body) in ENTRIES.items():
        front = [f'title: "{title}"', f"date: {name[:10]}", "tags: [light]"]
        front += [f"lang: {lang}"] if lang else []
        front += [f'where: "{where}"'] if where else []
        (entries / name).write_text("---\n" + "\n".join(front) + f"\n---\n{body}\n", "utf-8")
    yield from serve_site(copy_project(root / "project", entries), root / "site", card_cache)


@pytest.mark.parametrize(("slug", "lang"), [("2026-03-14-shams", "ar"),
                                            ("2026-03-15-shemesh", "he")])
def test_arabic_and_hebrew_entries_read_right_to_left(open_tab, rtl_site: Site, slug, lang):
    tab = open_tab(rtl_site)
    assert tab.goto(f"glimmers/{slug}/").status == 200
    seen = tab.page.evaluate(DIRECTIONS)
    for name in ("title", "body", "where", "caption"):
        assert seen[name] == {"dir": "rtl", "lang": lang}, (name, seen[name])
    # The site's own words (the date) stay in the site's language; so does the document.
    assert seen["date"]["lang"] == "en"
    assert tab.page.evaluate("document.documentElement.lang") == "en"
    assert not tab.problems(), "\n".join(tab.problems())
    violations = axe_violations(tab.page)
    assert not violations, "\n".join(violations)


def test_footnotes_jump_within_the_page(open_tab, rtl_site: Site):
    tab = open_tab(rtl_site)
    tab.goto("glimmers/2026-03-14-shams/")
    tab.page.click("a.footnote-ref")
    target = tab.page.evaluate("location.hash.slice(1)")
    assert target.startswith("g-2026-03-14-shams-fn")
    assert "وصوت العصافير" in tab.page.evaluate(
        f"document.getElementById({target!r}).textContent")


def test_text_without_a_language_finds_its_own_direction(open_tab, rtl_site: Site):
    tab = open_tab(rtl_site)
    tab.goto("glimmers/2026-03-16-breeze/")
    seen = tab.page.evaluate(DIRECTIONS)
    assert seen["title"]["dir"] == "rtl" and seen["body"]["dir"] == "rtl"
    assert seen["title"]["lang"] == "en"  # no claim about a language it wasn't given
    tab.goto("")
    directions = tab.page.evaluate("""() => Object.fromEntries(
      [...document.querySelectorAll('.glimmer-item__title a')].map(
        a => [a.textContent.trim(), getComputedStyle(a).direction]))""")
    assert directions["نسيم المساء"] == "rtl"
    assert directions["שמש על הקומקום"] == "rtl"
    assert directions["Sun on the kettle"] == "ltr"
    violations = axe_violations(tab.page)
    assert not violations, "\n".join(violations)
