"""One Markdown pipeline: what mkdocs.yml's extensions make reaches pages and feeds intact,
and each entry's language and direction reach its page, its previews and its feed items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from glimmer_testing import TmpJournal
from lxml import etree
from lxml import html as lxml_html

from glimmer_publish.entries import load_journal
from glimmer_publish.settings import load_settings

CONFIG = """\
site_name: Pipeline Journal
site_url: https://example.org/journal/
theme:
  name: material
  custom_dir: theme
  language: {language}
  font: false
plugins:
  - search
  - glimmer:
      card_formats: [og]
      cache_dir: {cache}
markdown_extensions:
  - footnotes
  - admonition
  - attr_list
  - toc:
      permalink: true
"""

NOTES = """\
The kettle sang.[^1] Then it stopped.

## After the kettle

!!! note "Small thing"
    Steam on the window.

| left | right |
|:-----|------:|
| tea  | bread |

[^1]: A low note, like a cat.
"""
ARABIC = "شمس على الإبريق.\n\nثم صمت لطيف."
HEBREW = "שמש על הקומקום.\n\nואחר כך שקט."
SLUG = "2026-03-14-notes"
PAGE = f"https://example.org/journal/glimmers/{SLUG}/"


@pytest.fixture(scope="module")
def card_cache(tmp_path_factory) -> Path:
    """One card cache for every build here (same entries, same cards): cards are not tested."""
    return tmp_path_factory.mktemp("pipeline-cards")


def config_text(cache: Path, language: str = "en") -> str:
    return CONFIG.format(language=language, cache=json.dumps(str(cache)))


def build_journal(root: Path, cache: Path, language: str = "en",
                  override: str | None = None) -> Path:
    journal = TmpJournal(root)
    (root / "mkdocs.yml").write_text(config_text(cache, language), "utf-8")
    (root / "docs").mkdir()
    (root / "theme" / "glimmer").mkdir(parents=True)
    if override:
        (root / "theme" / "glimmer" / "entry.html").write_text(override, "utf-8")
    journal.entry(f"{SLUG}.md", "Kettle notes", "2026-03-14", NOTES, tags=["home"])
    journal.entry("2026-03-15-shams.md", "شمس الصباح", "2026-03-15", ARABIC, lang="ar",
                  where="عمّان", felt="دفء", tags=["home"])
    journal.entry("2026-03-16-shemesh.md", "שמש של בוקר", "2026-03-16", HEBREW, lang="he")
    journal.entry("2026-03-17-unlabelled.md", "نسيم المساء", "2026-03-17", "هواء بارد.")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory, card_cache) -> Path:
    return build_journal(tmp_path_factory.mktemp("pipeline"), card_cache)


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_bytes())


def body_of(site: Path, slug: str):
    return page(site, f"glimmers/{slug}/").xpath("//div[@class='glimmer-body']")[0]


# ------------------------------------------------------------------ footnotes, anchors, notes


def test_footnotes_jump_to_their_note_and_back_on_the_page(site):
    doc = page(site, f"glimmers/{SLUG}/")
    refs = doc.xpath("//a[@class='footnote-ref']")
    assert len(refs) == 1
    note = doc.get_element_by_id(refs[0].get("href")[1:])  # the note exists on the page
    assert "A low note, like a cat." in note.text_content()
    back = note.xpath(".//a[@class='footnote-backref']")[0]
    assert doc.get_element_by_id(back.get("href")[1:]).xpath(".//a[@class='footnote-ref']")
    ids = [e.get("id") for e in body_of(site, SLUG).xpath(".//*[@id]")]
    assert ids and all(i.startswith(f"g-{SLUG}-") for i in ids), ids


def test_heading_anchors_admonitions_and_table_alignment_survive(site):
    body = body_of(site, SLUG)
    heading = body.xpath(".//h2")[0]
    assert heading.get("id") == f"g-{SLUG}-after-the-kettle"
    assert heading.xpath("a[@class='headerlink']/@href") == [f"#{heading.get('id')}"]
    note = body.xpath(".//div[contains(@class, 'admonition')]")[0]
    assert note.get("class") == "admonition note"
    assert note.xpath("p[@class='admonition-title']")[0].text_content() == "Small thing"
    assert [td.get("style") for td in body.xpath(".//td")] == ["text-align:left",
                                                                "text-align:right"]


def test_footnote_links_in_feeds_point_at_ids_inside_the_same_item(site):
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    items = json.loads((site / "feed.json").read_text("utf-8"))["items"]
    contents = [next(e for e in atom.entries if e.link == PAGE).content[0].value,
                next(e for e in rss.entries if e.link == PAGE).content[0].value,
                next(i for i in items if i["url"] == PAGE)["content_html"]]
    for content in contents:
        doc = lxml_html.fragment_fromstring(content, create_parent="div")
        links = doc.xpath(".//a[@class='footnote-ref' or @class='footnote-backref']/@href")
        assert len(links) == 2
        for href in links:
            base, _, fragment = href.partition("#")
            assert base == PAGE  # absolute, so it works in every reader and on the page
            assert doc.xpath(f".//*[@id='{fragment}']"), fragment
        assert doc.xpath(".//div[@class='admonition note']")
    summary = next(i for i in items if i["url"] == PAGE)["summary"]
    assert summary == "The kettle sang. Then it stopped."  # no stray footnote number


# ------------------------------------------------------------------ language and direction


def test_an_entry_language_sets_its_page_lang_dir_and_preview_locale(site):
    doc = page(site, "glimmers/2026-03-15-shams/")
    article = doc.xpath("//article[@class='glimmer-entry']")[0]
    assert (article.get("lang"), article.get("dir")) == ("ar", "rtl")
    assert doc.xpath("//meta[@property='og:locale']/@content") == ["ar_EG"]
    assert doc.xpath("//time")[0].get("lang") == "en"  # the site's own words say theirs
    hebrew = page(site, "glimmers/2026-03-16-shemesh/")
    assert hebrew.xpath("//article/@lang") == ["he"]
    assert hebrew.xpath("//article/@dir") == ["rtl"]
    assert hebrew.xpath("//meta[@property='og:locale']/@content") == ["he_IL"]
    home = page(site, "")
    assert home.xpath("//meta[@property='og:locale']/@content") == ["en_US"]


def test_entry_text_without_a_language_lets_the_words_decide(site):
    doc = page(site, "glimmers/2026-03-17-unlabelled/")
    article = doc.xpath("//article[@class='glimmer-entry']")[0]
    assert article.get("lang") is None
    assert article.xpath("header/@dir") == ["auto"]
    assert all(p.get("dir") == "auto" for p in body_of(site, "2026-03-17-unlabelled")
               .xpath(".//p"))
    for url in ("", "archive/", "random/", "tags/home/"):
        listing = page(site, url)
        titles = listing.xpath("//a[normalize-space()='نسيم المساء' or normalize-space()="
                               "'شمس الصباح' or normalize-space()='Kettle notes']")
        assert titles, url
        assert all(a.xpath("ancestor-or-self::*[@dir][1]/@dir") for a in titles), url
    home = page(site, "")
    arabic = home.xpath("//a[normalize-space()='شمس الصباح']/ancestor::*[@lang][1]")[0]
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    unlabelled = home.xpath("//a[normalize-space()='نسيم المساء']/ancestor::*[@dir][1]")[0]
    assert unlabelled.get("dir") == "auto" and unlabelled.get("lang") is None


def test_feed_items_carry_their_own_language(site):
    atom = etree.fromstring((site / "atom.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    by_title = {e.findtext("a:title", namespaces=ns): e.get(lang)
                for e in atom.findall("a:entry", ns)}
    assert by_title["شمس الصباح"] == "ar" and by_title["שמש של בוקר"] == "he"
    assert by_title["Kettle notes"] is None
    parsed = feedparser.parse((site / "atom.xml").read_bytes())
    shams = next(e for e in parsed.entries if e.title == "شمس الصباح")
    assert shams.content[0].language == "ar"
    rss = etree.fromstring((site / "feed.xml").read_bytes())
    dc = "{http://purl.org/dc/elements/1.1/}language"
    langs = {i.findtext("title"): i.findtext(dc) for i in rss.iter("item")}
    assert langs["שמש של בוקר"] == "he" and langs["Kettle notes"] is None
    items = json.loads((site / "feed.json").read_text("utf-8"))["items"]
    assert {i["title"]: i.get("language") for i in items}["شمس الصباح"] == "ar"


# ------------------------------------------------------------------ themes and languages


def test_a_journal_overriding_the_entry_template_sees_its_change(tmp_path, card_cache):
    override = ('<article class="my-glimmer"><h1>{{ entry.title }}</h1>'
                "<p>{{ _('Felt') }}: {{ entry.felt }}</p>{{ body | safe }}</article>")
    site = build_journal(tmp_path, card_cache, language="de", override=override)
    doc = page(site, "glimmers/2026-03-15-shams/")
    mine = doc.xpath("//article[@class='my-glimmer']")
    assert len(mine) == 1 and not doc.xpath("//article[@class='glimmer-entry']")
    assert mine[0].xpath("p")[0].text_content() == "Gespürt: دفء"
    assert mine[0].xpath(".//p[normalize-space()='شمس على الإبريق.']")
    # The other pages keep the packaged templates, in the site's language.
    home = page(site, "")
    assert home.xpath("//ol[@class='glimmer-stream']")
    assert "Diesen Glimmer teilen" not in home.text_content()
    assert page(site, "archive/").xpath("string(//h1)") == "Archiv"
    notes = page(site, f"glimmers/{SLUG}/")
    assert notes.xpath("//article[@class='my-glimmer']")
    # What the extensions write into a body speaks the site's language too.
    assert notes.xpath("//a[@class='footnote-backref']/@title") == [
        "Zurück zur Fußnote 1 im Text"]
    assert notes.xpath("//a[@class='headerlink']/@title") == ["Dauerhafter Link"]


def test_the_cli_reads_bodies_with_the_same_extensions(site):
    """`glimmer cards`/`validate` read mkdocs.yml themselves: same excerpt as the feeds."""
    settings = load_settings(site.parent / "mkdocs.yml")
    assert "footnotes" in settings.markdown_extensions
    assert settings.markdown_configs["toc"]["permalink"] is True
    notes = next(e for e in load_journal(settings).entries if e.slug == SLUG)
    assert notes.excerpt == "The kettle sang. Then it stopped."
    # exactly the settings the plugin builds the site with (so `glimmer build` can hand its
    # checked journal to the plugin instead of reading it twice)
    from mkdocs.config import load_config

    config = load_config(config_file=str(site.parent / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=True)
    config = config.plugins.on_config(config)
    assert config.plugins["glimmer"].settings == settings


def test_a_broken_override_is_named_in_one_line_not_a_traceback(tmp_path, card_cache):
    root = tmp_path
    TmpJournal(root).entry("2026-03-14-kettle.md", "Kettle", "2026-03-14", "Steam.")
    (root / "mkdocs.yml").write_text(config_text(card_cache), "utf-8")
    (root / "docs").mkdir()
    (root / "theme" / "glimmer").mkdir(parents=True)
    (root / "theme" / "glimmer" / "entry.html").write_text("<h1>{{ entry.title }\n", "utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "entry.html:1:" in done.stderr and "custom_dir" in done.stderr
    assert "Traceback" not in done.stderr
