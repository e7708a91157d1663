"""Feeds as a follower's reader sees them: parsed with feedparser, checked with lxml."""

from __future__ import annotations

import dataclasses
import email.utils
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree, html
from PIL import Image

from glimmer_publish.cards.model import Card
from glimmer_publish.entries import Entry, load_journal
from glimmer_publish.feeds import build_feeds, entry_id
from glimmer_publish.settings import Settings, SettingsError, load_settings

REPO = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
RFC822 = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
                    r"|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
# XML 1.0 Char production, negated.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclasses.dataclass
class Built:
    settings: Settings
    entries: list[Entry]
    cards: dict[str, Card]
    card_files: dict[str, Path]
    files: dict[str, bytes]


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Built:
    """The sample journal with settings from mkdocs.yml, and a real PNG `og` card per entry."""
    settings = load_settings(REPO / "mkdocs.yml")
    journal = load_journal(settings)
    assert journal.ok and len(journal.entries) == 15
    out = tmp_path_factory.mktemp("cards")
    cards, card_files = {}, {}
    for i, e in enumerate(journal.entries):
        path = out / e.slug / "og.png"
        path.parent.mkdir()
        Image.new("RGB", (1200, 630), (40 + i * 10, 90, 120)).save(path)
        card_files[e.slug] = path
        cards[e.slug] = Card(e.slug, "og", f"cards/{e.slug}/og.png", 1200, 630, "image/png",
                             path.stat().st_size, f"Card: {e.title}")
    files = build_feeds(journal.entries, settings, cards)
    return Built(settings, journal.entries, cards, card_files, files)


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _local(u: str) -> datetime:
    return email.utils.parsedate_to_datetime(u)


def _tags(files: dict[str, bytes]) -> set[str]:
    return {k.split("/")[1] for k in files if k.startswith("tags/")}


# ---------------------------------------------------------------- what exists


def test_one_set_of_three_feeds_for_the_journal_and_for_every_tag(sample):
    tags = {t for e in sample.entries for t in e.tags}
    expected = {"feed.xml", "atom.xml", "feed.json"}
    expected |= {f"tags/{t}/{n}" for t in tags for n in ("feed.xml", "atom.xml", "feed.json")}
    assert set(sample.files) == expected
    assert all(isinstance(v, bytes) for v in sample.files.values())


def test_every_feed_parses_cleanly_newest_first(sample):
    for key, data in sample.files.items():
        if key.endswith(".json"):
            items = json.loads(data)["items"]
            dates = [datetime.fromisoformat(i["date_published"]) for i in items]
        else:
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (key, parsed.get("bozo_exception"))
            items = parsed.entries
            dates = [datetime(*i.published_parsed[:6]) for i in items]
        assert items, key
        assert dates == sorted(dates, reverse=True), key


def test_tag_feeds_hold_exactly_the_tagged_glimmers(sample):
    for tag in _tags(sample.files):
        want = [e.title for e in sample.entries if tag in e.tags]
        got = [i.title for i in feedparser.parse(sample.files[f"tags/{tag}/feed.xml"]).entries]
        assert got == want
        doc = json.loads(sample.files[f"tags/{tag}/feed.json"])
        assert doc["feed_url"].endswith(f"/tags/{tag}/feed.json")
        assert doc["home_page_url"] == sample.settings.absolute(f"tags/{tag}/")


def test_number_of_items_follows_the_setting(sample):
    few = dataclasses.replace(sample.settings, feed_items=3)
    files = build_feeds(sample.entries, few, sample.cards)
    titles = [e.title for e in sample.entries[:3]]
    assert [i.title for i in feedparser.parse(files["feed.xml"]).entries] == titles
    assert [i.title for i in feedparser.parse(files["atom.xml"]).entries] == titles
    assert [i["title"] for i in json.loads(files["feed.json"])["items"]] == titles
    assert sample.settings.feed_items == 50
    assert len(feedparser.parse(sample.files["feed.xml"]).entries) == 15


# ---------------------------------------------------------------- every field, as a reader sees it


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_each_item_carries_every_field_a_reader_shows(sample, name):
    parsed = feedparser.parse(sample.files[name])
    s = sample.settings
    assert parsed.feed.title == s.site_name
    assert parsed.feed.link == s.absolute("")
    assert parsed.feed.language == "en"
    assert parsed.feed.generator.startswith("Glimmer Publish")
    icon = s.absolute("assets/images/favicon.png")
    if name == "feed.xml":
        assert parsed.feed.image.href == icon
    else:
        assert parsed.feed.icon == parsed.feed.logo == icon
    self_links = [ln.href for ln in parsed.feed.links if ln.rel == "self"]
    assert self_links == [s.absolute(name)]
    assert len(parsed.entries) == len(sample.entries)
    for item, e in zip(parsed.entries, sample.entries, strict=True):
        card = sample.cards[e.slug]
        image = s.absolute(card.path)
        assert item.title == e.title
        assert item.link == s.absolute(e.url)
        assert item.id == entry_id(e)
        assert datetime(*item.published_parsed[:6]) == _utc(e.date)
        if name == "atom.xml":
            assert datetime(*item.updated_parsed[:6]) == _utc(e.updated or e.date)
        assert item.author == s.site_author
        assert [t.term for t in item.tags] == list(e.tags)
        assert html.fromstring(item.summary).text_content() == e.excerpt
        content = item.content[0].value
        first = html.fragment_fromstring(content, create_parent="div")[0]
        assert first.tag == "p" and first[0].tag == "img", "the card comes first"
        assert first[0].get("src") == image and first[0].get("alt") == card.alt
        assert " ".join(e.body_text.split()) in " ".join(
            html.fromstring(content).text_content().split())
        enclosures = [ln for ln in item.links if ln.rel == "enclosure"]
        assert [(x.href, int(x.length), x.type) for x in enclosures] == [
            (image, sample.card_files[e.slug].stat().st_size, "image/png")]
        assert item.media_content == [{"url": image, "filesize": str(card.size),
                                       "type": "image/png", "medium": "image",
                                       "height": "630", "width": "1200"}]


def _utc(d: datetime) -> datetime:
    return datetime(*d.utctimetuple()[:6])


def test_json_feed_has_the_required_fields_and_the_same_items(sample):
    """JSON Feed 1.1: version, title, items; each item an id and content; the rest as above."""
    s = sample.settings
    doc = json.loads(sample.files["feed.json"].decode("utf-8"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == s.site_name
    assert doc["home_page_url"] == s.absolute("")
    assert doc["feed_url"] == s.absolute("feed.json")
    assert doc["language"] == "en"
    assert doc["authors"] == [{"name": s.site_author}]
    for key in ("icon", "favicon"):
        assert doc[key] == s.absolute("assets/images/favicon.png")
    for item, e in zip(doc["items"], sample.entries, strict=True):
        assert isinstance(item["id"], str) and item["id"] == entry_id(e)
        assert item["url"] == s.absolute(e.url)
        assert item["title"] == e.title
        assert item["summary"] == e.excerpt
        image = s.absolute(sample.cards[e.slug].path)
        assert item["content_html"].startswith(f'<p><img src="{image}"')
        assert item["image"] == image
        assert datetime.fromisoformat(item["date_published"]) == e.date
        assert RFC3339.fullmatch(item["date_published"])
        assert datetime.fromisoformat(item["date_modified"]) == (e.updated or e.date)
        assert item["tags"] == list(e.tags)
        assert item["authors"] == [{"name": s.site_author}]


def test_dates_keep_the_writers_timezone(sample):
    """05:12 in London in June is 04:12 UTC: the zone is written, never relabelled."""
    birds = next(e for e in sample.entries if e.slug.endswith("birds-before-the-alarm"))
    i = sample.entries.index(birds)
    rss = _xml(sample.files["feed.xml"])
    assert rss.findall("channel/item")[i].findtext("pubDate") == "Tue, 02 Jun 2026 05:12:00 +0100"
    atom = _xml(sample.files["atom.xml"])
    entry = atom.findall(f"{ATOM}entry")[i]
    assert entry.findtext(f"{ATOM}published") == "2026-06-02T05:12:00+01:00"
    assert json.loads(sample.files["feed.json"])["items"][i]["date_published"] == (
        "2026-06-02T05:12:00+01:00")


def test_updated_and_entry_author_are_used_when_given(journal):
    journal.entry("2026-03-14-kettle.md", date="2026-03-14 08:00",
                  updated="2026-03-20 09:30", author="Ama")
    journal.entry("2026-03-01-older.md", date="2026-03-01")
    entries = load_journal(journal.settings).entries
    files = build_feeds(entries, journal.settings)
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse(files[name])
        assert parsed.entries[0].author == "Ama"
        assert datetime(*parsed.feed.updated_parsed[:6]) == datetime(2026, 3, 20, 9, 30)
    # RSS 2.0 items have no "updated"; Atom and JSON Feed do.
    item = feedparser.parse(files["atom.xml"]).entries[0]
    assert datetime(*item.updated_parsed[:6]) == datetime(2026, 3, 20, 9, 30)
    assert datetime(*item.published_parsed[:6]) == datetime(2026, 3, 14, 8, 0)
    item = json.loads(files["feed.json"])["items"][0]
    assert item["date_modified"] == "2026-03-20T09:30:00+00:00"
    assert item["authors"] == [{"name": "Ama"}]
    # RSS <author> must be an e-mail address: names go to dc:creator instead.
    rss_item = _xml(files["feed.xml"]).find("channel/item")
    assert rss_item.find("author") is None
    assert rss_item.findtext(f"{DC}creator") == "Ama"


# ---------------------------------------------------------------- stability


def test_an_unchanged_journal_gives_byte_identical_feeds(sample):
    again = load_journal(sample.settings)
    assert build_feeds(again.entries, sample.settings, dict(sample.cards)) == sample.files
    newest = max(e.updated or e.date for e in sample.entries)
    rss = _xml(sample.files["feed.xml"])
    assert _local(rss.findtext("channel/lastBuildDate")) == newest
    atom = _xml(sample.files["atom.xml"])
    assert datetime.fromisoformat(atom.findtext(f"{ATOM}updated")) == newest


def test_ids_survive_a_new_domain_title_body_and_theme(sample):
    moved = dataclasses.replace(sample.settings, site_url="http://other.example/blog/")
    edited = [dataclasses.replace(e, title=e.title + " (edited)", body=e.body + "\n\nMore.")
              for e in sample.entries]
    files = build_feeds(edited, moved, sample.cards)

    def ids(data: bytes) -> list[str]:
        return [i.id for i in feedparser.parse(data).entries]

    for name in ("feed.xml", "atom.xml"):
        assert ids(files[name]) == ids(sample.files[name])
    assert [i["id"] for i in json.loads(files["feed.json"])["items"]] == ids(sample.files[
        "feed.xml"])
    # The same id in all three formats, and in the tag feeds.
    light = ids(sample.files["tags/light/atom.xml"])
    assert set(light) <= set(ids(sample.files["feed.xml"]))
    renamed = dataclasses.replace(sample.entries[0], slug=sample.entries[0].slug + "-renamed")
    assert entry_id(renamed) != entry_id(sample.entries[0])
    assert entry_id(sample.entries[0], "another-journal") != entry_id(sample.entries[0])


# ---------------------------------------------------------------- what must never be in a feed


def test_drafts_and_private_glimmers_leave_no_trace_in_any_feed(journal):
    journal.entry("2026-05-01-public.md", title="Open window", date="2026-05-01 10:00",
                  tags=["light"])
    journal.entry("2026-05-09-hidden-draft.md", title="Zzdraftword", date="2026-05-09 10:00",
                  body="Zzdraftbody.", tags=["light", "zzdrafttag"], draft=True)
    journal.entry("2026-05-10-secret.md", title="Zzprivateword", date="2026-05-10 11:00",
                  body="Zzprivatebody.", tags=["zzprivatetag"], private=True,
                  author="Zzprivateauthor")
    loaded = load_journal(journal.settings)
    assert loaded.ok and [e.title for e in loaded.entries] == ["Open window"]
    files = build_feeds(loaded.entries, journal.settings)
    assert set(files) == {"feed.xml", "atom.xml", "feed.json", "tags/light/feed.xml",
                          "tags/light/atom.xml", "tags/light/feed.json"}
    everything = b"".join(files.values()).lower()
    for trace in (b"zzdraft", b"zzprivate", b"hidden-draft", b"secret", b"2026-05-09",
                  b"2026-05-10", b"09 may", b"10 may"):
        assert trace not in everything, trace
    # Even if a caller passes them in, they are dropped before anything is derived from them.
    with_all = load_journal(journal.settings, include_drafts=True).entries
    sneaky = [*with_all, dataclasses.replace(with_all[0], slug="zzprivate", private=True)]
    assert build_feeds(sneaky, journal.settings) == files


def test_characters_xml_forbids_never_reach_a_feed(journal):
    """The loader rejects them with a message naming file, line and field; feeds strip them
    anyway, so an Entry made any other way still gives well-formed feeds."""
    journal.write("2026-03-14-bell.md", "---\ntitle: Bell\ndate: 2026-03-14\n---\n"
                  "A bell\x07 ringing.\n", dedent=False)
    problems = load_journal(journal.settings).problems
    assert [(p.path, p.line, p.field) for p in problems] == [
        ("entries/2026-03-14-bell.md", 5, "body")]
    assert "control character (U+0007)" in problems[0].message

    bad = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\ud800\ufffe\uffff"
    entry = Entry(path=journal.root / "x.md", source="x.md", slug="2026-03-14-x",
                  title=f"Bell{bad} ringing", date=datetime.fromisoformat("2026-03-14T08:00Z"),
                  has_time=True, body=f"Soft{bad} sound.", tags=("sound",),
                  author=f"Ama{bad}", where=None)
    card = Card(entry.slug, "og", "cards/x/og.png", 1200, 630, "image/png", 10, f"Alt{bad}")
    files = build_feeds([entry], journal.settings, {entry.slug: card})
    for key, data in files.items():
        if key.endswith(".json"):
            assert not any(XML_FORBIDDEN.search(v) for v in _strings(json.loads(data))), key
        else:
            assert not XML_FORBIDDEN.search(data.decode("utf-8")), key
            _xml(data)
            assert not feedparser.parse(data).bozo
    assert feedparser.parse(files["atom.xml"]).entries[0].title == "Bell ringing"
    assert json.loads(files["feed.json"])["items"][0]["authors"] == [{"name": "Ama"}]


def test_every_url_in_item_content_is_absolute(journal):
    journal.entry("2026-03-14-links.md", body=(
        "See [about](../../about/), [top](#here), [a tag](/tags/light/) and "
        "[mail](mailto:a@example.org).\n\n![A kettle](kettle.png)"))
    files = build_feeds(load_journal(journal.settings).entries, journal.settings)
    page = "https://example.org/journal/glimmers/2026-03-14-links/"
    item = json.loads(files["feed.json"])["items"][0]
    for content in (item["content_html"],
                    feedparser.parse(files["atom.xml"]).entries[0].content[0].value,
                    _xml(files["feed.xml"]).findtext(f"channel/item/{CONTENT}encoded")):
        doc = html.fragment_fromstring(content, create_parent="div")
        hrefs = [a.get("href") for a in doc.iter("a")]
        # Ids in a body carry the entry's prefix; same-page links follow them.
        assert hrefs == ["https://example.org/journal/about/", page + "#g-2026-03-14-links-here",
                         "https://example.org/tags/light/", "mailto:a@example.org"]
        assert [i.get("src") for i in doc.iter("img")] == [page + "kettle.png"]


def test_a_missing_site_url_is_a_clear_settings_error(journal):
    journal.entry("2026-03-14-kettle.md")
    no_url = dataclasses.replace(journal.settings, site_url="")
    with pytest.raises(SettingsError, match=r"mkdocs.yml: site_url: .*not set"):
        build_feeds(load_journal(no_url).entries, no_url)


def test_an_empty_journal_still_gives_valid_reproducible_feeds(journal):
    files = build_feeds([], journal.settings)
    assert set(files) == {"feed.xml", "atom.xml", "feed.json"}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse(files[name])
        assert not parsed.bozo and parsed.entries == []
    assert build_feeds([], journal.settings) == files


# ---------------------------------------------------------------- W3C Feed Validation rules


def test_rss_follows_the_w3c_validator_rules_we_can_check_offline(sample):
    """W3C Feed Validation rules for RSS 2.0 checked here (lxml + email.utils + regexes):

    1. well-formed XML 1.0 in UTF-8, declared; no XML-forbidden characters;
    2. <rss version="2.0"> with one <channel> holding title, link and description;
    3. an atom:link rel="self" whose href is the feed's own URL, type application/rss+xml
       (MissingAtomSelfLink / SelfDoesntMatchLocation);
    4. every date (lastBuildDate, pubDate) is RFC 822 with a four-digit year and a numeric
       zone, and parses (InvalidRFC2822Date);
    5. each item has a title, an absolute http(s) link, a guid unique in the feed with
       isPermaLink="false" when it is not a URL (DuplicateValue / InvalidPermalink);
    6. no <author> without an e-mail address: names are dc:creator (InvalidContact);
    7. an enclosure has url, a positive integer length and a MIME type (MissingAttribute);
    8. <image> has url, title and link, and title and link equal the channel's
       (ImageTitleDoesntMatch / ImageLinkDoesntMatch);
    9. language is a language code (InvalidLanguage);
    10. content:encoded has no relative URLs (ContainsRelRef);
    11. only one enclosure per item (DuplicateEnclosure).
    """
    for key, data in sample.files.items():
        if not key.endswith("feed.xml"):
            continue
        assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        assert not XML_FORBIDDEN.search(data.decode("utf-8"))
        root = _xml(data)
        assert root.tag == "rss" and root.get("version") == "2.0"
        (channel,) = root.findall("channel")
        for tag in ("title", "link", "description"):
            assert len(channel.findall(tag)) == 1 and channel.findtext(tag).strip(), tag
        (self_link,) = [ln for ln in channel.findall(f"{ATOM}link") if ln.get("rel") == "self"]
        assert self_link.get("href") == sample.settings.absolute(key)
        assert self_link.get("type") == "application/rss+xml"
        for date in [channel.findtext("lastBuildDate")] + [
                i.findtext("pubDate") for i in channel.findall("item")]:
            assert RFC822.fullmatch(date), date
            assert _local(date).tzinfo is not None
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", channel.findtext("language"))
        image = channel.find("image")
        assert image.findtext("title") == channel.findtext("title")
        assert image.findtext("link") == channel.findtext("link")
        assert urlsplit(image.findtext("url")).scheme == "https"
        guids = []
        for item in channel.findall("item"):
            assert item.findtext("title")
            assert urlsplit(item.findtext("link")).scheme in ("http", "https")
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("urn:uuid:")
            guids.append(guid.text)
            assert item.find("author") is None and item.findtext(f"{DC}creator")
            (enclosure,) = item.findall("enclosure")
            assert int(enclosure.get("length")) > 0 and enclosure.get("type") == "image/png"
            assert urlsplit(enclosure.get("url")).scheme == "https"
            _assert_absolute(item.findtext(f"{CONTENT}encoded"))
        assert len(guids) == len(set(guids))


def test_atom_has_the_structure_rfc_4287_requires(sample):
    """Atom checked structurally with lxml against RFC 4287 and the W3C validator's rules:

    1. root atom:feed with xml:lang; exactly one id, title, updated; an author on the feed
       (so every entry has one) (MissingElement / DuplicateElement);
    2. ids are absolute IRIs (urn:uuid:... of the right shape), unique (InvalidFullLink,
       DuplicateEntries);
    3. updated/published are RFC 3339 with a zone (InvalidRFC3339Date); an entry's updated
       is not before its published;
    4. a rel="self" link equal to the feed's URL, one rel="alternate" per type
       (MissingSelf / DuplicateAtomLink);
    5. each entry: one id, title, updated, at most one content/summary/published, one
       alternate link to an absolute URL; content type="html" without relative URLs
       (ContainsRelRef); enclosure links have type and length;
    6. icon and logo are absolute URLs; generator is text; only Atom and Media RSS
       elements are used.
    """
    uuid_iri = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}"
                          r"-[0-9a-f]{12}")
    allowed = {f"{ATOM}{n}" for n in ("id", "title", "updated", "author", "link", "generator",
                                      "icon", "logo", "subtitle", "entry", "name", "content",
                                      "summary", "category", "published")}
    allowed.add(f"{MEDIA}content")
    seen_ids: set[str] = set()
    for key, data in sample.files.items():
        if not key.endswith("atom.xml"):
            continue
        feed = _xml(data)
        assert feed.tag == f"{ATOM}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        assert {el.tag for el in feed.iter() if isinstance(el.tag, str)} <= allowed | {
            f"{ATOM}feed"}
        for tag in ("id", "title", "updated"):
            assert len(feed.findall(f"{ATOM}{tag}")) == 1, tag
        assert uuid_iri.fullmatch(feed.findtext(f"{ATOM}id"))
        assert feed.find(f"{ATOM}author/{ATOM}name").text
        assert RFC3339.fullmatch(feed.findtext(f"{ATOM}updated"))
        links = feed.findall(f"{ATOM}link")
        assert [ln.get("href") for ln in links if ln.get("rel") == "self"] == [
            sample.settings.absolute(key)]
        assert len([ln for ln in links if ln.get("rel") == "alternate"]) == 1
        for tag in ("icon", "logo"):
            assert urlsplit(feed.findtext(f"{ATOM}{tag}")).scheme == "https"
        feed_ids = []
        for entry in feed.findall(f"{ATOM}entry"):
            for tag in ("id", "title", "updated"):
                assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
            for tag in ("content", "summary", "published"):
                assert len(entry.findall(f"{ATOM}{tag}")) <= 1, tag
            assert uuid_iri.fullmatch(entry.findtext(f"{ATOM}id"))
            feed_ids.append(entry.findtext(f"{ATOM}id"))
            published = entry.findtext(f"{ATOM}published")
            updated = entry.findtext(f"{ATOM}updated")
            assert RFC3339.fullmatch(published) and RFC3339.fullmatch(updated)
            assert datetime.fromisoformat(updated) >= datetime.fromisoformat(published)
            links = entry.findall(f"{ATOM}link")
            (alternate,) = [ln for ln in links if ln.get("rel") == "alternate"]
            assert alternate.get("type") == "text/html"
            assert urlsplit(alternate.get("href")).scheme == "https"
            (enclosure,) = [ln for ln in links if ln.get("rel") == "enclosure"]
            assert enclosure.get("type") == "image/png" and int(enclosure.get("length")) > 0
            content = entry.find(f"{ATOM}content")
            assert content.get("type") == "html"
            _assert_absolute(content.text)
        assert len(feed_ids) == len(set(feed_ids))
        if key == "atom.xml":
            seen_ids = set(feed_ids)
    assert len(seen_ids) == 15


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for v in items for s in _strings(v)]


def _assert_absolute(fragment: str) -> None:
    doc = html.fragment_fromstring(fragment, create_parent="div")
    for el in doc.iter():
        for attr in ("href", "src"):
            if el.get(attr) is not None:
                assert urlsplit(el.get(attr)).scheme in ("http", "https", "mailto"), el.get(attr)
