"""Any title and body a writer might type gives well-formed feeds that carry it exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from glimmer_publish.entries import Entry
from glimmer_publish.feeds import build_feeds, clean, item_html
from glimmer_publish.markup import to_html
from glimmer_publish.settings import Settings

SETTINGS = Settings(repo_root=Path("."), entries_dir=Path("entries"),
                    site_url="https://example.org/journal/", site_name="Glimmers & <Co>")
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"

# Text that tends to break feeds, mixed into arbitrary Unicode (any category, including
# controls and lone surrogates that only an Entry made outside the loader could hold).
TRICKY = st.sampled_from(["&", "<", ">", '"', "'", "]]>", "<![CDATA[", "&amp;", "&#0;", "\x00",
                          "\x1b", "\ufffe", "\ud800", "ياسمين", "שלום", "\u202e", "🐈☀️",
                          "👩🏽‍🦱", "朝の光", "\r\n", "\t", "*", "<b>x</b>", "<script>"])
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=12)), max_size=8).map("".join)


def _title(raw: str) -> str:
    """Titles as the loader stores them: one line, spaces collapsed."""
    return " ".join(raw.split()) or "untitled"


def _as_feedparser_reads(text: str) -> str:
    """feedparser "repairs" text that looks like UTF-8 read as Latin-1 ("Â¡" becomes "¡"):
    its heuristic, not our output (the lxml checks pin the exact characters)."""
    try:
        return text.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _visible(fragment: str) -> str:
    return " ".join(html.fragment_fromstring(fragment, create_parent="div").text_content()
                    .split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT.map(_title), body=TEXT, tag=st.sampled_from(["light", "ljós", "光"]))
def test_any_title_and_body_give_well_formed_feeds_that_round_trip(title, body, tag):
    entry = Entry(path=Path("/j/e.md"), source="entries/e.md", slug="2026-03-14-e",
                  title=title, date=datetime(2026, 3, 14, 8, 0, tzinfo=UTC), has_time=True,
                  body=body, tags=(tag,))
    files = build_feeds([entry], SETTINGS)
    assert set(files) == {f"{p}{n}" for p in ("", f"tags/{tag}/")
                          for n in ("feed.xml", "atom.xml", "feed.json")}
    want_title = clean(title) if clean(title).strip() else entry.slug
    want_html = item_html(entry, SETTINGS)
    for data in files.values():
        if data.startswith(b"{"):
            doc = json.loads(data.decode("utf-8"))
            assert doc["title"] == SETTINGS.site_name or doc["title"].endswith(tag)
            (item,) = doc["items"]
            assert item["title"] == want_title
            assert item["content_html"] == want_html
            continue
        root = etree.fromstring(data)  # well-formed XML 1.0, or this raises
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        (item,) = parsed.entries
        if root.tag == "rss":
            xml_item = root.find("channel/item")
            assert xml_item.findtext("title") == want_title
            assert xml_item.findtext(f"{CONTENT}encoded") == want_html
        else:
            xml_entry = root.find(f"{ATOM}entry")
            assert xml_entry.findtext(f"{ATOM}title") == want_title
            assert xml_entry.findtext(f"{ATOM}content") == want_html
            assert item.title == _as_feedparser_reads(want_title).strip()
    # What a reader shows of the body is exactly the body's own words, nothing lost or added.
    assert _visible(want_html) == _visible(to_html(clean(body)) or "<p></p>")
