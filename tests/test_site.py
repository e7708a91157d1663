"""The sample journal built by real MkDocs, checked the way browsers and crawlers read it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html
from PIL import Image

from glimmer_publish.entries import find_entry_files, load_entry, load_journal
from glimmer_publish.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.github.io/journal/"


def copy_journal(dest: Path) -> Path:
    """The repository's journal (config, entries, user pages, theme) in a scratch folder."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("entries", "docs", "theme"):
        shutil.copytree(REPO / folder, dest / folder)
    # The sample repository is public, so it holds no private glimmer (the publish guard
    # would refuse it); the copy gets one, to prove that none reaches the site.
    (dest / "entries" / "2026" / "2026-11-27-private-note-to-self.md").write_text(
        "---\ntitle: A quiet note, just for me\ndate: 2026-11-27 22:00\ntags: [rest]\n"
        "private: true\n---\nOnly for me: not on the site, not in the feeds, not as cards.\n",
        encoding="utf-8")
    return dest


def mkdocs_build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), *extra],
        capture_output=True, text=True, cwd=root, env={"NO_MKDOCS_2_WARNING": "1",
                                                       **_env()},
    )


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}


class Site:
    def __init__(self, root: Path, seconds: float):
        self.root = root
        self.dir = root / "site"
        self.seconds = seconds
        self.settings = load_settings(root / "mkdocs.yml")
        self.journal = load_journal(self.settings)
        self.all_entries = [load_entry(p, self.settings)[0]
                            for p in find_entry_files(self.settings.entries_dir)]

    def page(self, url: str):
        path = self.dir / url / "index.html" if not url.endswith(".html") else self.dir / url
        return lxml_html.fromstring(path.read_bytes())

    def local(self, absolute: str) -> Path:
        """The file in site/ an absolute site URL points at."""
        assert absolute.startswith(SITE_URL), absolute
        rest = absolute[len(SITE_URL):]
        path = self.dir / rest
        return path / "index.html" if rest.endswith("/") or not rest else path


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    root = copy_journal(tmp_path_factory.mktemp("journal"))
    started = time.perf_counter()
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return Site(root, time.perf_counter() - started)


def meta(doc, key: str) -> list[str]:
    return ([m.get("content") for m in doc.xpath(f'//head/meta[@property="{key}"]')]
            + [m.get("content") for m in doc.xpath(f'//head/meta[@name="{key}"]')])


def one(doc, key: str) -> str:
    values = meta(doc, key)
    assert len(values) == 1, (key, values)
    return values[0]


def links(doc) -> set[str]:
    return {a.get("href") for a in doc.xpath("//a[@href]")}


def resolve(page_url: str, href: str) -> str:
    """Where a relative link on a page points, as a site-relative path."""
    return urlsplit(urljoin("https://x/" + page_url, href)).path.lstrip("/")


# ---------------------------------------------------------------- entry pages


def test_every_published_entry_has_a_page_with_its_words(site):
    assert len(site.journal.entries) == 15
    for e in site.journal.entries:
        doc = site.page(e.url)
        assert doc.xpath("string(//article//h1)") == e.title
        body = " ".join(doc.xpath("string(//div[@class='glimmer-body'])").split())
        assert e.body_text.split("\n\n")[0][:40] in body
        time_el = doc.xpath("//header[@class='glimmer-entry__head']//time")[0]
        assert time_el.get("datetime") == e.date.isoformat()
        if e.where:
            assert e.where in doc.xpath("string(//span[@class='glimmer-where'])")
        if e.felt:
            assert e.felt in doc.xpath("string(//p[@class='glimmer-felt'])")
        tag_links = doc.xpath("//ul[@class='glimmer-tags']//a/@href")
        assert [resolve(e.url, h) for h in tag_links] == [f"tags/{t}/" for t in e.tags]


@pytest.mark.parametrize("index", range(15))
def test_entry_head_has_every_link_preview_tag(site, index):
    e = site.journal.entries[index]
    doc = site.page(e.url)
    url = SITE_URL + e.url
    assert doc.xpath("//head/link[@rel='canonical']/@href") == [url]
    assert one(doc, "description") == e.excerpt
    assert one(doc, "og:type") == "article"
    assert one(doc, "og:url") == url
    assert one(doc, "og:title") == e.title
    assert one(doc, "og:description") == e.excerpt
    assert one(doc, "twitter:card") == "summary_large_image"
    assert one(doc, "article:published_time") == e.date.isoformat()
    assert meta(doc, "article:tag") == list(e.tags)

    image = one(doc, "og:image")
    assert image == f"{SITE_URL}cards/{e.slug}/og.{image.rsplit('.', 1)[-1]}"
    card = site.local(image)
    with Image.open(card) as img:
        assert img.size == (int(one(doc, "og:image:width")), int(one(doc, "og:image:height")))
        assert img.size == (1200, 630)
        mime = Image.MIME[img.format]
    assert one(doc, "og:image:type") == mime
    alt = one(doc, "og:image:alt")
    assert e.title in alt and one(doc, "twitter:image:alt") == alt


def test_every_page_offers_the_three_feeds(site):
    for url in ["", "page/1/", "tags/", "archive/", "about/", site.journal.entries[3].url]:
        doc = site.page(url)
        found = {(link.get("type"), resolve(url, link.get("href")))
                 for link in doc.xpath("//head/link[@rel='alternate']")}
        assert found == {("application/rss+xml", "feed.xml"),
                         ("application/atom+xml", "atom.xml"),
                         ("application/feed+json", "feed.json")}
        for _, path in found:
            assert (site.dir / path).is_file()


def test_home_and_tag_pages_preview_with_the_newest_card(site):
    newest = site.journal.entries[0]
    home = site.page("")
    assert one(home, "og:type") == "website"
    assert one(home, "og:title") == site.settings.site_name
    assert one(home, "og:image").startswith(f"{SITE_URL}cards/{newest.slug}/og.")
    tag = newest.tags[0]
    page = site.page(f"tags/{tag}/")
    assert one(page, "og:url") == f"{SITE_URL}tags/{tag}/"
    assert one(page, "og:image").startswith(f"{SITE_URL}cards/{newest.slug}/og.")


def test_share_panel_offers_every_card_a_caption_and_buttons(site):
    e = next(e for e in site.journal.entries if len(e.tags) >= 2)
    doc = site.page(e.url)
    panel = doc.get_element_by_id("share")
    downloads = panel.xpath(".//a[contains(@class, 'share-download')]")
    assert {a.get("data-format") for a in downloads} == set(site.settings.card_formats)
    for a in downloads:
        target = site.dir / resolve(e.url, a.get("href"))
        assert target.is_file() and a.get("download")
        img = a.getparent().xpath(".//img")[0]
        preview = site.dir / resolve(e.url, img.get("src"))
        fmt = a.get("data-format")
        assert preview.relative_to(site.dir).as_posix() == f"thumbs/{e.slug}/{fmt}.jpg"
        with Image.open(preview) as small, Image.open(target) as full:
            assert small.format == "JPEG" and 480 <= max(small.size) < 960
            assert abs(small.width / small.height - full.width / full.height) < 0.01
            assert (int(img.get("width")), int(img.get("height"))) == small.size
        assert preview.stat().st_size * 3 < target.stat().st_size
        assert img.get("alt")
    caption = panel.get_element_by_id("share-caption").text_content()
    assert caption.startswith(e.title)
    assert SITE_URL + e.url in caption
    for tag in e.tags:
        assert "#" + tag.replace("-", "").casefold() in caption.casefold()
    assert panel.xpath(".//button[contains(@class,'share-copy')]")
    native = panel.xpath(".//button[contains(@class,'share-native')]")[0]
    assert native.get("data-format") in site.settings.card_formats


def test_share_panel_stays_out_of_the_search_index(site):
    index = json.loads((site.dir / "search" / "search_index.json").read_text())
    texts = " ".join(d["text"] for d in index["docs"])
    assert "Copy caption" not in texts and "Share this glimmer" not in texts


# ---------------------------------------------------------------- what must never show


def hidden_entries(site):
    hidden = [e for e in site.all_entries if e is not None and (e.draft or e.private)]
    assert {e.draft for e in hidden} == {True, False}  # the sample has one of each
    return hidden


def test_drafts_and_private_entries_appear_nowhere(site):
    hidden = hidden_entries(site)
    pages = list(site.dir.rglob("*.html"))
    index = (site.dir / "search" / "search_index.json").read_text(encoding="utf-8")
    sitemap = (site.dir / "sitemap.xml").read_text(encoding="utf-8")
    for e in hidden:
        assert not (site.dir / e.url).exists()
        assert not (site.dir / "cards" / e.slug).exists()
        assert e.slug not in index and e.title not in index
        assert e.slug not in sitemap
        for page in pages:
            doc = lxml_html.fromstring(page.read_bytes())
            assert not any(e.slug in h for h in links(doc)), page
            assert e.title not in doc.text_content(), page


def test_search_index_holds_every_published_entry(site):
    index = json.loads((site.dir / "search" / "search_index.json").read_text())
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    for e in site.journal.entries:
        assert e.url in locations
    assert "archive/" not in locations  # listings would only repeat the entries


# ---------------------------------------------------------------- listings


def stream_titles(doc) -> list[str]:
    return [t.text_content() for t in doc.xpath("//ol[@class='glimmer-stream']//h2")]


def test_home_is_a_paginated_stream_newest_first(site):
    titles = [e.title for e in site.journal.entries]
    assert len(titles) == 15  # home holds ten, page/1/ the five first ones ever written
    first, oldest = site.page(""), site.page("page/1/")
    assert stream_titles(first) == titles[:10]
    assert stream_titles(oldest) == titles[10:]
    assert not (site.dir / "page" / "2").exists()
    assert [resolve("", h) for h in first.xpath("//a[@rel='next']/@href")] == ["page/1/"]
    assert [resolve("page/1/", h) for h in oldest.xpath("//a[@rel='prev']/@href")] == [""]
    assert oldest.xpath("//a[@rel='next']") == []
    span = oldest.xpath("//*[@class='glimmer-pager__where']")[0].text_content()
    assert span == "June 2, 2026 to July 18, 2026"  # the page's first and last days
    assert span in oldest.xpath("//title")[0].text_content()
    # its link preview is its own newest glimmer's card, so a new glimmer leaves it as it is
    assert one(oldest, "og:image").endswith(f"/cards/{site.journal.entries[10].slug}/og.jpg")
    item = first.xpath("//li[contains(@class,'glimmer-item')]")[0]
    newest = site.journal.entries[0]
    thumb = item.xpath(".//img")[0]
    assert (site.dir / resolve("", thumb.get("src"))).is_file()
    assert thumb.get("alt") == ""  # decorative: the title right beside it says it all
    assert newest.excerpt in item.text_content()


def test_tag_index_and_tag_pages_list_exactly_their_glimmers(site):
    by_tag: dict[str, list[str]] = {}
    for e in site.journal.entries:
        for t in e.tags:
            by_tag.setdefault(t, []).append(e.title)
    index = site.page("tags/")
    assert sorted(resolve("tags/", h) for h in index.xpath("//ul[@class='glimmer-tag-index']//a/@href")) == sorted(f"tags/{t}/" for t in by_tag)  # noqa: E501
    for tag, titles in by_tag.items():
        doc = site.page(f"tags/{tag}/")
        assert stream_titles(doc) == titles
        feeds = {resolve(f"tags/{tag}/", h) for h in doc.xpath("//aside//a/@href")}
        assert feeds == {f"tags/{tag}/feed.xml", f"tags/{tag}/atom.xml", f"tags/{tag}/feed.json"}
        assert all((site.dir / f).is_file() for f in feeds)


def test_archive_groups_every_glimmer_by_year_and_month(site):
    doc = site.page("archive/")
    years = doc.xpath("//section[@class='glimmer-year']")
    assert [y.xpath("string(h2)") for y in years] == ["2026"]
    months = years[0].xpath(".//section[@class='glimmer-month']/h3/text()")
    assert months == ["November", "October", "September", "August", "July", "June"]
    listed = [resolve("archive/", h) for h in doc.xpath("//ul[@class='glimmer-archive']//a/@href")]
    assert listed == [e.url for e in site.journal.entries]


def test_random_page_works_without_javascript(site):
    doc = site.page("random/")
    listed = {resolve("random/", h) for h in doc.xpath("//*[@id='glimmer-random']//a/@href")}
    assert listed == {e.url for e in site.journal.entries}
    scripts = [resolve("random/", s) for s in doc.xpath("//script/@src")]
    assert "assets/glimmer.js" in scripts


def test_friendly_404_and_follow_page(site):
    doc = site.page("404.html")
    assert "isn't here" in doc.xpath("string(//h1)")
    assert "/journal/archive/" in links(doc)
    follow = site.page("follow/")
    assert any(h.endswith("feed.xml") for h in links(follow))


def test_navigation_has_the_journal_and_the_writers_own_pages(site):
    doc = site.page("")
    tabs = [a.text_content().strip() for a in doc.xpath("//nav[@class='md-tabs']//a")]
    assert tabs[:3] == ["Glimmers", "Archive", "Tags"]
    assert "About this journal" in tabs
    about = site.page("about/")
    assert about.xpath("string(//h1)") == "About this journal"
    assert "follow/" in {resolve("about/", h) for h in links(about)}


def test_sample_journal_builds_quickly(site):
    print(f"\nsample journal: mkdocs build took {site.seconds:.1f} s")
    assert site.seconds < 60
