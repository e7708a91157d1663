"""The feeds as glimmer_publish/feeds.py wrote them before it reused each item (feedgen for
every feed, item by item): kept verbatim as the reference the faster code must equal byte
for byte (tests/test_feeds_reference.py). Not used by the tool itself."""

# ruff: noqa

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from glimmer_publish import __version__
from glimmer_publish.cards.model import Card
from glimmer_publish.entries import Entry
from glimmer_publish.markup import configure, id_prefix, to_html
from glimmer_publish.settings import Settings, SettingsError

GENERATOR = "Glimmer Publish"
ICON = "assets/images/favicon.png"  # Material's favicon, present in every site build
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Fixed forever: changing it would change every published id.
ID_NAMESPACE = uuid.UUID("6f1d6a8e-3b0c-5c1e-9a57-2f4b8d0c7e11")
DEFAULT_JOURNAL_ID = "glimmer"
# Dates for a journal with no entries yet: fixed, so even an empty feed is reproducible.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FORMATS = {"feed.xml": "rss", "atom.xml": "atom", "feed.json": "json"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# What XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF),
# and the DEL/C1 controls it discourages, which feedparser and readers misread as Windows-1252
# letters (U+0080 shows as "€"). The loader already rejects the forbidden ones in every field
# and body (with file, line and a hint); this is the last guard, so no path into a feed can
# ever produce a broken document.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Text without characters XML 1.0 forbids."""
    return _XML_FORBIDDEN.sub("", text)


def entry_id(entry: Entry, journal_id: str = DEFAULT_JOURNAL_ID) -> str:
    """The id readers remember an item by, the same in all three formats.

    `urn:uuid:` of a name-based UUID (v5) of the journal id and the slug: it survives a new
    domain, http->https, a new title, body or theme; only renaming the entry's file (which
    changes its slug) or changing `journal_id` gives a new id.
    """
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{journal_id}/{entry.slug}')}"


def journal_id(settings: Settings) -> str:
    return settings.journal_id or DEFAULT_JOURNAL_ID


def url(settings: Settings, path: str) -> str:
    """An absolute, percent-encoded URL for a site-relative path (tags and slugs may be
    in any script; RSS wants plain URIs)."""
    return settings.absolute(quote(path, safe="/#%"))


# ---------------------------------------------------------------- item content


class _Absolutizer(HTMLParser):
    """Re-emits sanitised HTML with every href/src resolved against the entry's page."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        parts = [tag]
        for name, value in attrs:
            if value is None:
                parts.append(name)
                continue
            if name in ("href", "src"):
                value = urljoin(self.base, value.strip())
            parts.append(f'{name}="{html.escape(value, quote=True)}"')
        return "<" + " ".join(parts) + ">"

    def handle_starttag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs))

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))


def absolute_html(fragment: str, base: str) -> str:
    """HTML with every link and image URL absolute: relative ones break in most readers."""
    parser = _Absolutizer(base)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def card_html(card: Card, settings: Settings) -> str:
    return (f'<p><img src="{html.escape(url(settings, card.path))}" '
            f'alt="{html.escape(clean(card.alt))}" width="{card.width}" '
            f'height="{card.height}"></p>')


def item_html(entry: Entry, settings: Settings, card: Card | None = None) -> str:
    """The full content of an item: the card first (so every reader shows a picture),
    then the body, all URLs absolute."""
    body = absolute_html(to_html(entry.body, id_prefix(entry.slug)), url(settings, entry.url))
    return clean((card_html(card, settings) + "\n" if card else "") + body)


# ---------------------------------------------------------------- one feed's data


class _AtomLinks(BaseEntryExtension):
    """Atom entry links written by us: feedgen 1.0 drops rel/type/length on entry links, which
    would turn an enclosure into a second "alternate" link."""

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []
        self.lang: str | None = None

    def add(self, **attrs: str) -> None:
        self.links.append(attrs)

    def extend_atom(self, entry):
        for attrs in self.links:
            xml_elem("link", entry, **attrs)
        if self.lang:  # the entry's own language, where it differs from the feed's
            entry.set(XML_LANG, self.lang)
        return entry



@dataclass(frozen=True)
class _Feed:
    """What the three formats share for one feed (the journal's, or one tag's)."""

    base: str  # site-relative folder of the feed ("" or "tags/<tag>/")
    title: str
    description: str
    home: str  # absolute URL of the page the feed belongs to
    entries: tuple[Entry, ...]
    updated: datetime


def _newest_change(entries: Sequence[Entry]) -> datetime:
    return max((e.updated or e.date for e in entries), default=EPOCH)


def _author(entry: Entry, settings: Settings) -> str:
    return clean(entry.author or settings.site_author or settings.site_name)


def _title(entry: Entry) -> str:
    """The title, or the slug if nothing of the title survives cleaning (feeds need one)."""
    title = clean(entry.title)
    return title if title.strip() else entry.slug


def _summary(entry: Entry) -> str:
    return clean(entry.excerpt) or _title(entry)


class _Texts:
    """Each entry's HTML and summary, rendered once per build (an entry is in several feeds)."""

    def __init__(self, settings: Settings, cards: Mapping[str, Card]):
        self.settings, self.cards = settings, cards
        self.done: dict[str, tuple[str, str]] = {}

    def __call__(self, entry: Entry) -> tuple[str, str]:
        if entry.slug not in self.done:
            card = self.cards.get(entry.slug)
            self.done[entry.slug] = (item_html(entry, self.settings, card), _summary(entry))
        return self.done[entry.slug]


def _rss_and_atom(feed: _Feed, settings: Settings, cards: Mapping[str, Card], texts: _Texts,
                  kind: str) -> bytes:
    fg = FeedGenerator()
    fg.load_extension("media", atom=True, rss=True)
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("links", BaseExtension, _AtomLinks, atom=True, rss=False)
    fg.id(f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{journal_id(settings)}/{feed.base}')}")
    fg.title(clean(feed.title))
    fg.description(clean(feed.description))
    fg.subtitle(clean(feed.description))
    own = "feed.xml" if kind == "rss" else "atom.xml"
    own_type = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    fg.link(href=url(settings, feed.base + own), rel="self", type=own_type)
    fg.link(href=feed.home, rel="alternate", type="text/html")  # last: RSS takes the last one
    fg.language(settings.language)
    fg.author(name=clean(settings.site_author or settings.site_name))
    fg.generator(GENERATOR, version=__version__)
    fg.icon(url(settings, ICON))
    fg.logo(url(settings, ICON))
    fg.updated(feed.updated)
    for entry in feed.entries:
        fe = fg.add_entry(order="append")
        permalink = url(settings, entry.url)
        fe.guid(entry_id(entry, journal_id(settings)), permalink=False)
        fe.title(_title(entry))
        if kind == "rss":
            fe.link(href=permalink, rel="alternate")
        else:
            fe.links.add(href=permalink, rel="alternate", type="text/html")
        fe.published(entry.date)
        fe.updated(entry.updated or entry.date)
        if kind == "rss":
            fe.dc.dc_creator(_author(entry, settings))
            if entry.lang:  # RSS items have no language of their own; Dublin Core's does
                fe.dc.dc_language(entry.lang)
        else:
            fe.author(name=_author(entry, settings))
            fe.links.lang = entry.lang
        for tag in entry.tags:
            fe.category(term=clean(tag))
        content, summary = texts(entry)
        fe.content(content, type="html")
        if kind == "rss":  # RSS descriptions are read as HTML: escape the plain text once more
            fe.description(html.escape(summary, quote=False))
        else:
            fe.summary(summary)
        card = cards.get(entry.slug)
        if card is not None:
            image = url(settings, card.path)
            fe.media.content(url=image, type=card.mime, medium="image", fileSize=str(card.size),
                             width=str(card.width), height=str(card.height), group=None)
            if kind == "rss":
                fe.enclosure(url=image, length=str(card.size), type=card.mime)
            else:
                fe.links.add(href=image, rel="enclosure", type=card.mime, length=str(card.size))
    if kind == "rss":
        return fg.rss_str(pretty=True)
    return fg.atom_str(pretty=True)


def _json(feed: _Feed, settings: Settings, cards: Mapping[str, Card], texts: _Texts) -> bytes:
    items = []
    for entry in feed.entries:
        content, summary = texts(entry)
        item = {
            "id": entry_id(entry, journal_id(settings)),
            "url": url(settings, entry.url),
            "title": _title(entry),
            "content_html": content,
            "summary": summary,
            "date_published": entry.date.isoformat(),
            "date_modified": (entry.updated or entry.date).isoformat(),
            "authors": [{"name": _author(entry, settings)}],
            "tags": [clean(t) for t in entry.tags],
        }
        if entry.lang:
            item["language"] = entry.lang
        card = cards.get(entry.slug)
        if card is not None:
            item["image"] = url(settings, card.path)
        items.append(item)
    doc = {
        "version": JSON_FEED_VERSION,
        "title": clean(feed.title),
        "home_page_url": feed.home,
        "feed_url": url(settings, feed.base + "feed.json"),
        "description": clean(feed.description),
        "icon": url(settings, ICON),
        "favicon": url(settings, ICON),
        "authors": [{"name": clean(settings.site_author or settings.site_name)}],
        "language": settings.language,
        "items": items,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- all feeds


def _check_site_url(settings: Settings) -> None:
    parts = urlsplit(settings.site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            "mkdocs.yml: site_url: feeds need the site's full address, for example "
            "site_url: https://YOUR-NAME.github.io/YOUR-REPO/"
            + (f" (it is {settings.site_url!r})" if settings.site_url else " (it is not set)")
        )


def build_feeds(
    entries: Sequence[Entry], settings: Settings, cards: Mapping[str, Card] | None = None
) -> dict[str, bytes]:
    """Every feed file, keyed by its site-relative path.

    `entries` should be the loader's publishable entries; drafts and private entries are
    dropped here again anyway, before anything (tags, dates) is derived from them.
    """
    _check_site_url(settings)
    configure(settings.markdown_extensions, settings.markdown_configs)
    cards = cards or {}
    public = sorted((e for e in entries if not e.draft and not e.private),
                    key=lambda e: (e.date, e.slug), reverse=True)
    limit = max(1, settings.feed_items)
    feeds = [_Feed("", settings.site_name, settings.site_description or settings.site_name,
                   url(settings, ""), tuple(public[:limit]), _newest_change(public[:limit]))]
    by_tag: dict[str, list[Entry]] = {}
    for e in public:  # one pass, newest first: each tag's list stays newest first
        for t in e.tags:
            by_tag.setdefault(t, []).append(e)
    for tag in sorted(by_tag):
        tagged = by_tag[tag][:limit]
        feeds.append(_Feed(f"tags/{tag}/", f"{settings.site_name}: {tag}",
                           settings.site_description or settings.site_name,
                           url(settings, f"tags/{tag}/"), tuple(tagged), _newest_change(tagged)))
    texts = _Texts(settings, cards)
    files: dict[str, bytes] = {}
    for feed in feeds:
        for name, kind in FORMATS.items():
            files[feed.base + name] = (_json(feed, settings, cards, texts) if kind == "json"
                                       else _rss_and_atom(feed, settings, cards, texts, kind))
    return files
