"""The Follow page, built by real MkDocs + Material, as a glimmer buddy sees it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import unquote

import pytest
from glimmer_testing import TmpJournal
from lxml import html
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glimmer_publish.plugin.pages import follow_context
from glimmer_publish.plugin.theme import THEME_DIR, page_templates
from glimmer_publish.settings import Settings

SETTINGS = Settings(repo_root=Path("."), entries_dir=Path("entries"),
                    site_url="https://example.org/journal/", site_name="Small *Glimmers* <3")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> html.HtmlElement:
    """follow/index.html from a real build of a journal tagged light, morning and 光."""
    root = tmp_path_factory.mktemp("follow")
    journal = TmpJournal(root)
    for i, tag in enumerate(("light", "morning", "光"), start=1):
        journal.entry(f"2026-03-1{i}-{i}.md", f"Glimmer {i}", f"2026-03-1{i}", "Soft.",
                      tags=[tag])
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        'site_name: "Small *Glimmers* <3"\nsite_url: https://example.org/journal/\n'
        "theme:\n  name: material\nplugins:\n  - glimmer:\n      card_formats: [og]\n",
        encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    return html.parse(str(root / "site" / "follow" / "index.html")).getroot()


def follow_text(settings: Settings, tags: list[str], language: str = "en") -> str:
    env = page_templates([str(THEME_DIR)], language)
    return env.get_template("glimmer/follow.html").render(follow_context(settings, tags))


def _hrefs(article: html.HtmlElement) -> list[str]:
    return [a.get("href") for a in article.iter("a") if a.get("href")]


def test_one_click_subscribe_buttons_point_at_the_absolute_feed(page):
    article = page.find(".//article")
    buttons = article.find_class("md-button")
    assert [b.text_content() for b in buttons] == [
        "Subscribe in your feed reader", "Follow in Feedly", "Open the feed"]
    rss = "https://example.org/journal/feed.xml"
    assert buttons[0].get("href") == "feed:" + rss
    assert "md-button--primary" in buttons[0].get("class")
    assert unquote(buttons[1].get("href")) == "https://feedly.com/i/subscription/feed/" + rss
    assert buttons[2].get("href") == rss


def test_every_feed_address_is_listed_absolute_and_copyable(page):
    article = page.find(".//article")
    hrefs = _hrefs(article)
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert f"https://example.org/journal/{name}" in hrefs
    assert "https://example.org/journal/feed.xml" in article.find(".//pre").text_content()
    cells = [td.text_content() for td in article.iter("td")]
    assert cells[::2] == ["RSS", "Atom", "JSON Feed"]
    for tag in ("light", "morning", "光"):
        for name in ("feed.xml", "atom.xml", "feed.json"):
            assert f"https://example.org/journal/tags/{tag}/{name}" in map(unquote, hrefs)


def test_the_how_to_names_the_common_readers_calmly(page):
    article = page.find(".//article")
    text = article.text_content()
    for reader in ("NetNewsWire", "Feedly", "Miniflux", "newsboat", "Thunderbird"):
        assert reader in [s.text_content() for s in article.iter("strong")], reader
    assert "Small *Glimmers* <3" in text, "the site name shows as written, not as markup"
    assert len(text.split()) < 400, "short enough to read in a minute"


def test_without_tags_there_is_no_empty_tag_section():
    text = follow_text(dataclasses.replace(SETTINGS, site_url="https://a.example/"), [])
    assert "Just one kind of glimmer" not in text
    assert "https://a.example/feed.xml" in text


def test_the_follow_page_speaks_german_for_a_german_journal():
    text = follow_text(SETTINGS, ["licht"], language="de")
    assert "Im Feedreader abonnieren" in text
    assert "So kommt er in deinen Feedreader" in text
    assert "Neue Glimmer von Small *Glimmers* &lt;3 können leise zu dir kommen" in text
    assert "Subscribe" not in text.replace("„Abonnieren“", "")
