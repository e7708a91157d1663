"""The Follow page, built by real MkDocs + Material, as a glimmer buddy sees it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glimmer_publish.follow import follow_page
from glimmer_publish.settings import Settings

SETTINGS = Settings(repo_root=Path("."), entries_dir=Path("entries"),
                    site_url="https://example.org/journal/", site_name="Small *Glimmers* <3")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> html.HtmlElement:
    """follow/index.html from a real build with only MkDocs' default Markdown extensions."""
    root = tmp_path_factory.mktemp("follow")
    (root / "docs" / "follow").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "docs" / "follow" / "index.md").write_text(
        follow_page(SETTINGS, ["light", "morning", "光"]), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Glimmers\nsite_url: https://example.org/journal/\n"
        "theme:\n  name: material\n", encoding="utf-8")
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    return html.parse(str(root / "site" / "follow" / "index.html")).getroot()


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
    text = follow_page(dataclasses.replace(SETTINGS, site_url="https://a.example/"), [])
    assert "Just one kind of glimmer" not in text
    assert "https://a.example/feed.xml" in text
