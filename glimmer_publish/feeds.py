"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole journal and for each tag.

Followers read the journal in feed readers, which remember every item by its id and show
it again whenever that id changes; so ids come from the entry's file name (its slug) and a
journal id, never from the site's address or the title. Every feed is a pure function of
the journal: dates in the channel come from the newest entry, never from the clock, so an
unchanged journal gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import html
import json
import os
import pickle
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from . import __version__
from .cards.model import Card
from .entries import Entry
from .markup import configure, generation, id_prefix, pipeline_key, to_html
from .settings import Settings, SettingsError

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
    """Each entry's HTML and summary, rendered once (an entry is in several feeds)."""

    def __init__(self, settings: Settings, cards: Mapping[str, Card]):
        self.settings, self.cards = settings, cards

    def __call__(self, entry: Entry) -> tuple[str, str]:
        return (item_html(entry, self.settings, self.cards.get(entry.slug)), _summary(entry))


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


def _json_item(entry: Entry, settings: Settings, cards: Mapping[str, Card],
               texts: _Texts) -> dict:
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
    return item


def _json_doc(feed: _Feed, settings: Settings, items: list) -> dict:
    return {
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


def _json(feed: _Feed, settings: Settings, cards: Mapping[str, Card], texts: _Texts) -> bytes:
    """One JSON feed, all at once (build_feeds puts the same together from item pieces)."""
    items = [_json_item(e, settings, cards, texts) for e in feed.entries]
    doc = _json_doc(feed, settings, items)
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------- items, made once

# Where items go in a feed that has none, and where each item starts in one that has many:
# the serialisers indent by depth only, so an item's bytes are the same in every feed.
_ITEM_START = {"rss": re.compile(rb"\n    <item[ >]"), "atom": re.compile(rb"\n  <entry[ >]")}
_ITEMS_END = {"rss": b"\n  </channel>", "atom": b"\n</feed>"}
_JSON_EMPTY = '"items": []\n}'


def _split_items(document: bytes, kind: str, count: int) -> list[bytes]:
    """The serialised items of a feed document, in order (each with its leading newline and
    indent). Markup inside items is escaped, so an item's start tag cannot occur in one."""
    starts = [m.start() for m in _ITEM_START[kind].finditer(document)]
    if len(starts) != count:
        raise ValueError(f"{kind}: {count} items expected, {len(starts)} found")
    ends = [*starts[1:], document.rindex(_ITEMS_END[kind])] if starts else []
    return [document[a:b] for a, b in zip(starts, ends, strict=True)]


def card_value(card: Card | None) -> tuple | None:
    """A card as items see it, whatever its class: one still being drawn (whose repr names
    another class) must give the same keys as the same card read back from the memo."""
    return None if card is None else tuple(getattr(card, f.name) for f in _CARD_FIELDS)


_CARD_FIELDS = dataclasses.fields(Card)


def _item_key(entry: Entry, settings: Settings, cards: Mapping[str, Card]) -> tuple:
    """What one item depends on: the entry (with its dates as written: equal instants in two
    zones are equal datetimes, and the excerpt it gives, which it keeps once asked), its
    card, the few settings an item shows, and the Markdown pipeline."""
    return (entry, entry.date.isoformat(), entry.updated and entry.updated.isoformat(),
            entry.excerpt, card_value(cards.get(entry.slug)), settings.site_url,
            settings.journal_id, settings.site_author, settings.site_name, generation())


class _Items:
    """Every entry's item in each format, serialised once however many feeds hold it, and
    kept for the next build in this process (`glimmer serve`) while its inputs are the same."""

    def __init__(self, settings: Settings, cards: Mapping[str, Card]) -> None:
        self.settings, self.cards = settings, cards
        self.texts = _Texts(settings, cards)
        self.keys: dict[int, _Key] = {}
        self.made: dict[_Key, dict[str, bytes]] = {}
        self.heads: dict[tuple, bytes] = {}
        self.stored: _Stored | None = None

    def key(self, entry: Entry) -> _Key:
        found = self.keys.get(id(entry))
        if found is None:
            found = self.keys[id(entry)] = _Key(_item_key(entry, self.settings, self.cards))
        return found

    def prepare(self, entries: Sequence[Entry]) -> None:
        """Serialise the items not made before (in this process, or kept in the cache folder
        by the build before), each format in one document."""
        wanted: dict[_Key, Entry] = {}
        for entry in entries:
            key = self.key(entry)
            if key in self.made:
                continue
            if key in _made_before:
                self.made[key] = _made_before[key]
            else:
                wanted.setdefault(key, entry)
        # A process's first build reads the items file; later ones (glimmer serve) know
        # their misses are new items, and only write it.
        stored = _Stored(self.settings, read=not _made_before) if wanted else None
        if stored is not None:
            for key, entry in list(wanted.items()):
                found = stored.get(key, entry, self.cards)
                if found is not None:
                    self.made[key] = found
                    del wanted[key]
        self.stored = stored
        if not wanted:
            return
        fresh = list(wanted.values())
        # One document per format holding each new item once; its channel is never shown.
        pool = _Feed("", "items", "items", url(self.settings, ""), tuple(fresh), EPOCH)
        pieces = {kind: _split_items(_rss_and_atom(pool, self.settings, self.cards,
                                                   self.texts, kind), kind, len(fresh))
                  for kind in ("rss", "atom")}
        for i, (key, entry) in enumerate(wanted.items()):
            item = json.dumps(_json_item(entry, self.settings, self.cards, self.texts),
                              ensure_ascii=False, indent=2)
            self.made[key] = {"rss": pieces["rss"][i], "atom": pieces["atom"][i],
                              "json": "    " + item.replace("\n", "\n    ")}
            if stored is not None:
                stored.put(key, entry, self.cards, self.made[key])

    def feed(self, feed: _Feed, kind: str) -> bytes:
        made = [self.made[self.key(e)][kind] for e in feed.entries]
        if kind == "json":
            doc = json.dumps(_json_doc(feed, self.settings, []), ensure_ascii=False, indent=2)
            if made:
                if not doc.endswith(_JSON_EMPTY):
                    raise ValueError("json: the items are not last")
                doc = doc[:-len(_JSON_EMPTY)] + '"items": [\n' + ",\n".join(made) + "\n  ]\n}"
            return (doc + "\n").encode("utf-8")
        empty = _Feed(feed.base, feed.title, feed.description, feed.home, (), feed.updated)
        key = (feed.base, feed.title, feed.description, feed.home, feed.updated.isoformat(),
               kind, self.settings.language, self.settings.site_author,
               self.settings.site_name, self.settings.site_url, self.settings.journal_id)
        head = _heads_before.get(key)
        if head is None:
            head = _rss_and_atom(empty, self.settings, self.cards, self.texts, kind)
        self.heads[key] = head
        at = head.rindex(_ITEMS_END[kind])
        return b"".join((head[:at], *made, head[at:]))


class _Unpickler(pickle.Unpickler):
    """The items file holds bytes, strings and tuples only: one naming a class is not ours."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} has no place in the items file")


class _Stored:
    """Items kept in the cache folder between processes (`<cache>/feed-items.pickle`), so the
    first build of a process only makes the items of new or edited entries. Each is found
    by a digest of its inputs (every field of the entry, its dates as written, its excerpt
    and card) inside a key for the rest (the settings an item shows, the Markdown pipeline,
    this code, feedgen and lxml); build_feeds writes it back, atomically, holding the items
    of that build only. A damaged or foreign file is ignored."""

    FORMAT = 2
    NAME = "feed-items.pickle"

    def __init__(self, settings: Settings, read: bool = True) -> None:
        pipeline = pipeline_key()
        folder = settings.cache_dir
        self.file = None if folder is None or pipeline is None else folder / self.NAME
        self.key = hashlib.sha256(repr((
            self.FORMAT, __version__, _code_digest(), _library_versions(), pipeline,
            settings.site_url, settings.journal_id, settings.site_author, settings.site_name,
        )).encode()).hexdigest()
        self.rows: dict[str, tuple] | None = None if read else {}
        self.used: dict[str, tuple] = {}
        self.digests: dict[_Key, str] = {}
        self.changed = False

    def _read(self) -> dict[str, tuple]:
        if self.file is None:
            return {}
        try:
            with self.file.open("rb") as fh:
                fmt, key, rows = _Unpickler(fh).load()
            if fmt != self.FORMAT or key != self.key or not isinstance(rows, dict):
                return {}
            for digest, row in rows.items():
                if not (isinstance(digest, str) and isinstance(row, tuple) and len(row) == 3
                        and isinstance(row[0], bytes) and isinstance(row[1], bytes)
                        and isinstance(row[2], str)):
                    return {}
            return rows
        except Exception:  # damaged, partial, unreadable: make the items again
            self.changed = True
            return {}

    def digest(self, key: _Key, entry: Entry, cards: Mapping[str, Card]) -> str:
        found = self.digests.get(key) or _digests_before.get(key)
        if found is None:
            # An entry read from its file is what its bytes and place make of it (the
            # loader's settings are in the dates): no need to spell out every field.
            fields_ = ((entry.digest, str(entry.path), entry.draft, entry.photo and str(
                entry.photo)) if entry.digest else tuple(
                getattr(entry, f.name) for f in dataclasses.fields(entry) if f.compare))
            found = hashlib.sha256(repr((
                fields_, entry.date.isoformat(), entry.updated and entry.updated.isoformat(),
                entry.excerpt, card_value(cards.get(entry.slug)),
            )).encode("utf-8", "surrogatepass")).hexdigest()
        self.digests[key] = found
        return found

    def get(self, key: _Key, entry: Entry, cards: Mapping[str, Card]) -> dict | None:
        if self.file is None:
            return None
        if self.rows is None:
            self.rows = self._read()
        digest = self.digest(key, entry, cards)
        row = self.rows.get(digest)
        if row is None:
            return None
        self.used[digest] = row
        return {"rss": row[0], "atom": row[1], "json": row[2]}

    def put(self, key: _Key, entry: Entry, cards: Mapping[str, Card], made: dict) -> None:
        if self.file is None:
            return
        self.used[self.digest(key, entry, cards)] = (made["rss"], made["atom"], made["json"])
        self.changed = True

    def save(self, made: Mapping[_Key, dict], entries: Sequence[Entry],
             cards: Mapping[str, Card], keys: Mapping[int, _Key]) -> None:
        """Write the items of this build (from memory, the file, or new) if anything changed."""
        if self.file is None:
            return
        for entry in entries:  # items this build took from memory, not from the file
            key = keys[id(entry)]
            digest = self.digest(key, entry, cards)
            if digest not in self.used:
                m = made[key]
                self.used[digest] = (m["rss"], m["atom"], m["json"])
                self.changed = True
        if not self.changed and self.rows is not None and self.rows.keys() == self.used.keys():
            return
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump((self.FORMAT, self.key, self.used), fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


class _Key:
    """An item's inputs, hashed once (an entry is looked up once per feed it is in)."""

    __slots__ = ("hash", "value")

    def __init__(self, value: tuple) -> None:
        self.value, self.hash = value, hash(value)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.value == other.value


# Items and feed heads made by the last build in this process.
_made_before: dict[_Key, dict[str, bytes]] = {}
_heads_before: dict[tuple, bytes] = {}
_digests_before: dict[_Key, str] = {}  # each item's digest in the items file, by its key


# ---------------------------------------------------------------- all feeds


def _check_site_url(settings: Settings) -> None:
    parts = urlsplit(settings.site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            "mkdocs.yml: site_url: feeds need the site's full address, for example "
            "site_url: https://YOUR-NAME.github.io/YOUR-REPO/"
            + (f" (it is {settings.site_url!r})" if settings.site_url else " (it is not set)")
        )


def _feeds(entries: Sequence[Entry], settings: Settings) -> list[_Feed]:
    """The journal's feed and each tag's, with the entries each holds, newest first."""
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
    return feeds


def build_feeds(
    entries: Sequence[Entry], settings: Settings, cards: Mapping[str, Card] | None = None
) -> dict[str, bytes]:
    """Every feed file, keyed by its site-relative path.

    `entries` should be the loader's publishable entries; drafts and private entries are
    dropped here again anyway, before anything (tags, dates) is derived from them.
    """
    _check_site_url(settings)
    configure(settings.markdown_extensions, settings.markdown_configs, settings.cache_dir)
    cards = cards or {}
    feeds = _feeds(entries, settings)
    items = _Items(settings, cards)
    shown = [e for feed in feeds for e in feed.entries]
    items.prepare(shown)
    files: dict[str, bytes] = {}
    for feed in feeds:
        for name, kind in FORMATS.items():
            files[feed.base + name] = items.feed(feed, kind)
    if items.stored is not None:
        items.stored.save(items.made, shown, cards, items.keys)
    _made_before.clear()
    _made_before.update(items.made)
    _heads_before.clear()
    _heads_before.update(items.heads)
    if items.stored is not None:
        _digests_before.clear()
        _digests_before.update(items.stored.digests)
    return files


def feeds_key(
    entries: Sequence[Entry], settings: Settings, cards: Mapping[str, Card] | None = None
) -> str | None:
    """A digest of everything `build_feeds(entries, settings, cards)` reads, stable across
    processes: while it is the same, so are the files, and a build may keep the ones it
    wrote. None when that cannot be told (Markdown options that name live objects).

    It covers the entries each feed holds (every field, and its card), the settings the
    feeds show, the Markdown pipeline, and the code and libraries that write them.
    """
    _check_site_url(settings)
    configure(settings.markdown_extensions, settings.markdown_configs, settings.cache_dir)
    pipeline = pipeline_key()
    if pipeline is None:
        return None
    cards = cards or {}
    h = hashlib.sha256(repr((
        _KEY_FORMAT, __version__, _code_digest(), _library_versions(), pipeline,
        settings.site_url, settings.site_name, settings.site_description, settings.site_author,
        settings.language, settings.journal_id, settings.feed_items,
    )).encode())
    described: dict[int, bytes] = {}
    for feed in _feeds(entries, settings):
        h.update(repr((feed.base, feed.title, feed.description, feed.home,
                       feed.updated.isoformat(), len(feed.entries))).encode())
        for e in feed.entries:
            found = described.get(id(e))
            if found is None:
                fields_ = tuple(getattr(e, f.name) for f in dataclasses.fields(e) if f.compare)
                found = described[id(e)] = hashlib.sha256(
                    repr((fields_, card_value(cards.get(e.slug)))).encode("utf-8", "surrogatepass")
                ).digest()
            h.update(found)
    return h.hexdigest()


_KEY_FORMAT = 1


@functools.cache
def _code_digest() -> str:
    here = Path(__file__).parent
    return hashlib.sha256(b"".join((here / name).read_bytes()
                                   for name in ("feeds.py", "markup.py"))).hexdigest()


@functools.cache
def _library_versions() -> tuple[str, ...]:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("feedgen", "lxml"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(name)
    return tuple(out)
