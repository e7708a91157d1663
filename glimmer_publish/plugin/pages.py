"""Turn entries into the site's pages: data in, template name and context out.

The markup lives in Jinja templates (`glimmer_publish/theme/glimmer/*.html`, overridable by
a same-named file in the journal's `custom_dir`); this module only prepares what they show.
Links are written relative to the page's own address; `root` is the way back to '/'.
No MkDocs imports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from html import escape
from typing import Any
from urllib.parse import quote

from ..cards.model import Card
from ..entries import Entry
from ..feeds import url as feed_url
from ..languages import direction
from ..settings import Settings
from ..syndicate.text import hashtag
from .labels import long_date, month_name

Cards = Mapping[str, Mapping[str, Card]]
SHARE_ORDER = ("square", "portrait", "story", "og")
FEEDLY = "https://feedly.com/i/subscription/feed/"

FEEDS = (
    ("feed.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)


@dataclass(frozen=True)
class Source:
    """One generated page: where it lives in docs/, its front matter and how it is drawn."""

    src_uri: str
    markdown: str
    kind: str  # home, entry, tags, tag, archive, random, follow
    entry: Entry | None = None
    tag: str | None = None
    template: str | None = None  # glimmer/<kind>.html, drawn after MkDocs reads the page
    lead: Entry | None = None  # a listing's newest glimmer: its card is the link preview
    context: Mapping[str, Any] = field(default_factory=dict, compare=False)


def url_of(src_uri: str) -> str:
    """The page address MkDocs gives a generated `.../index.md` (directory URLs)."""
    return src_uri.removesuffix("index.md")


def root_of(url: str) -> str:
    return "../" * url.count("/")


# Characters YAML 1.1 reads as line breaks or refuses inside a quoted string; JSON leaves
# them as they are, so they are written as \u escapes, which YAML reads back as the same text.
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def document(front: Mapping[str, object], body: str = "") -> str:
    """A Markdown file with front matter that MkDocs reads as page meta.

    The front matter is JSON, which is also YAML and reads back as the same data: dumping
    it is twenty times quicker than PyYAML's emitter, and every build writes one per page."""
    meta = _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}",
                         json.dumps(dict(front), ensure_ascii=False))
    return f"---\n{meta}\n---\n\n{body}\n"


LISTING = {"hide": ["navigation", "toc"], "search": {"exclude": True}}


def tag_url(tag: str) -> str:
    return f"tags/{tag}/"


# ---------------------------------------------------------------- what templates see


@dataclass(frozen=True)
class Thumb:
    src: str
    width: int
    height: int


@dataclass(frozen=True, repr=False)
class EntryView:
    """An entry as a listing or page shows it; every text carries its language/direction."""

    title: str
    href: str
    datetime: str
    date_text: str
    where: str | None
    felt: str | None
    excerpt: str
    tags: tuple[tuple[str, str], ...]  # (tag, href)
    draft: bool
    lang: str | None  # the entry's own language, None when it is the site's
    dir: str  # rtl / ltr from `lang`, else "auto" (the text decides)
    thumb: Thumb | None = None

    def __repr__(self) -> str:
        """Made once: a listing's page key reads the text of every view it shows."""
        text = self.__dict__.get("_repr")
        if text is None:
            inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
            text = self.__dict__["_repr"] = f"EntryView({inner})"
        return text


def entry_view(entry: Entry, root: str, cards: Cards, settings: Settings) -> EntryView:
    card = cards.get(entry.slug, {}).get("og")
    thumb = Thumb(root + card.preview, card.preview_width, card.preview_height) if card else None
    return EntryView(
        title=entry.title, href=root + entry.url, datetime=entry.date.isoformat(),
        date_text=long_date(entry.date.date(), settings.language), where=entry.where,
        felt=entry.felt, excerpt=entry.excerpt,
        tags=tuple((t, root + tag_url(t)) for t in entry.tags), draft=entry.draft,
        lang=entry.lang, dir=direction(entry.lang), thumb=thumb)


class Views:
    """Each entry's view made once per way back to '/' and set of cards: the same glimmer is
    on a home page, under each of its tags, in the archive and on the random page.

    `kept` is the last build's `made` (a preview rebuilds after every save): a view is taken
    from it when it was made from this very Entry object (unchanged entries come back from
    the loader's cache as the same object), the same root, thumbnail and language."""

    def __init__(self, settings: Settings, cards: Cards | None = None,
                 kept: Mapping[tuple, tuple[Entry, EntryView]] | None = None,
                 excerpts: bool = True):
        self.settings, self.cards, self.kept = settings, cards or {}, kept or {}
        self.excerpts = excerpts
        self.made: dict[tuple, tuple[Entry, EntryView]] = {}
        self.items: dict[int, tuple[Entry, str]] = {}

    def __call__(self, entries: Sequence[Entry], root: str) -> Listed:
        return Listed(self, tuple(entries), root)

    def _thumb(self, e: Entry) -> tuple | None:
        card = self.cards.get(e.slug, {}).get("og")
        return (card.preview, card.preview_width, card.preview_height) if card else None

    def make(self, entries: Sequence[Entry], root: str) -> list[EntryView]:
        out = []
        for e in entries:
            key = (id(e), root, self._thumb(e), self.settings.language, self.excerpts)
            found = self.made.get(key) or self.kept.get(key)
            if found is None or found[0] is not e:
                view = entry_view(e, root, self.cards, self.settings)
                found = (e, view if self.excerpts else replace(view, excerpt=""))
            self.made[key] = found
            out.append(found[1])
        return out

    def key(self, entries: Sequence[Entry], root: str) -> str:
        """What the views of `entries` are made from, without making them: the root, the
        language and, for each entry, its short repr (its bytes, place, draft and photo)
        and thumbnail, or without excerpts only the fields a view shows, so that editing a
        glimmer's words leaves the archive's key alone. Settings and code are in the site key."""
        if not all(e.digest for e in entries):
            return repr(self.make(entries, root))
        return (f"Listed({root!r}, {self.settings.language!r}, {self.excerpts}, ["
                + ", ".join(map(self._item, entries)) + "])")

    def _item(self, e: Entry) -> str:
        """An entry's part of a listing's key, written once a build: the same glimmer is on
        a home page, under each of its tags, in the archive and on the random page."""
        found = self.items.get(id(e))
        if found is None or found[0] is not e:
            if self.excerpts:
                text = f"{e!r}:{self._thumb(e)!r}"
            else:
                text = repr((e.title, e.url, e.date.isoformat(), e.where, e.felt, e.tags,
                             e.draft, e.lang, self._thumb(e)))
            found = self.items[id(e)] = (e, text)
        return found[1]


class Listed(Sequence[EntryView]):
    """A listing's entries as its template sees them, made only when the page is drawn: a
    page whose stored copy still holds needs only their key (`repr`), and most listings of
    a rebuild are such pages."""

    __slots__ = ("_entries", "_made", "_root", "_views")

    def __init__(self, views: Views, entries: tuple[Entry, ...], root: str):
        self._views, self._entries, self._root = views, entries, root
        self._made: list[EntryView] | None = None

    def _all(self) -> list[EntryView]:
        if self._made is None:
            self._made = self._views.make(self._entries, self._root)
        return self._made

    def __len__(self) -> int:
        return len(self._entries)

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __getitem__(self, index):  # type: ignore[override]
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def __repr__(self) -> str:
        return self._views.key(self._entries, self._root)


def _source(src: str, front: Mapping[str, object], kind: str, template: str,
            lead: Entry | None = None, **context: Any) -> Source:
    return Source(src, document(front), kind, tag=context.get("tag"), template=template,
                  lead=lead, context={"root": root_of(url_of(src)), **context})


# ---------------------------------------------------------------- listings


def home_pages(entries: Sequence[Entry], settings: Settings, views: Views,
               labels: Mapping[str, str], page_size: int) -> list[Source]:
    """The home stream: `/` holds the newest `page_size` glimmers, `page/1/` the first ones
    ever written, `page/2/` the next, and so on up to the page just below the home page.

    Numbered from the oldest, a page keeps its address and its glimmers when a new one is
    written: adding a glimmer changes the home page and the newest numbered page only, so
    a link to `page/3/` still shows the same moments years later, and a rebuild draws two
    pages instead of every page of the stream."""
    size = max(1, page_size)
    home, rest = list(entries[:size]), list(entries[size:])  # entries arrive newest first
    oldest_first = rest[::-1]
    chunks = [oldest_first[i:i + size][::-1] for i in range(0, len(oldest_first), size)]
    count = len(chunks)

    def href(root: str, number: int) -> str:
        return root + ("" if number > count else f"page/{number}/")

    pager = {"newer": None, "older": href("", count), "span": ""} if count else None
    pages = [_source("index.md", {"title": settings.site_name, **LISTING}, "home",
                     "glimmer/home.html", lead=home[0] if home else None,
                     site_name=settings.site_name, intro=settings.site_description,
                     entries=views(home, ""), pager=pager)]
    for number, chunk in enumerate(chunks, start=1):
        src = f"page/{number}/index.md"
        root = root_of(url_of(src))
        span = labels["span"] % {
            "start": long_date(chunk[-1].date.date(), settings.language),
            "end": long_date(chunk[0].date.date(), settings.language)}
        pages.append(_source(
            src, {"title": f"{settings.site_name} · {span}", **LISTING}, "home",
            "glimmer/home.html", lead=chunk[0], site_name=settings.site_name, intro="",
            entries=views(chunk, root),
            pager={"newer": href(root, number + 1),
                   "older": href(root, number - 1) if number > 1 else None, "span": span}))
    return pages


def tag_counts(entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    by_tag: dict[str, list[Entry]] = {}
    for e in entries:
        for t in e.tags:
            by_tag.setdefault(t, []).append(e)
    return dict(sorted(by_tag.items(), key=lambda kv: kv[0].casefold()))


def tag_pages(entries: Sequence[Entry], views: Views,
              labels: Mapping[str, str]) -> list[Source]:
    by_tag = tag_counts(entries)
    index = [{"tag": t, "href": "../" + tag_url(t), "count": len(es)} for t, es in by_tag.items()]
    pages = [_source("tags/index.md", {"title": labels["tags"], **LISTING}, "tags",
                     "glimmer/tags.html", tags=index)]
    for tag, tagged in by_tag.items():
        src = f"tags/{tag}/index.md"
        root = root_of(url_of(src))
        title = labels["tag_title"] % {"tag": tag}
        pages.append(_source(
            src, {"title": title, **LISTING}, "tag", "glimmer/tag.html", lead=tagged[0],
            tag=tag, entries=views(tagged, root),
            feeds=[{"href": name, "type": mime, "label": label} for name, mime, label in FEEDS]))
    return pages


def archive_page(entries: Sequence[Entry], settings: Settings, plain: Views,
                 labels: Mapping[str, str]) -> Source:
    """Every glimmer by year, then month, newest first (entries arrive sorted).

    The archive and random pages list titles only, and their views carry no excerpt
    (`plain`): so editing a glimmer's words does not draw these two long pages again."""
    years: list[dict[str, Any]] = []
    in_month: list[list[Entry]] = []
    for e in entries:
        d = e.date.date()
        if not years or years[-1]["year"] != d.year:
            years.append({"year": d.year, "id": f"y{d.year}", "months": []})
        months = years[-1]["months"]
        if not months or months[-1]["month"] != d.month:
            in_month.append([])
            months.append({"month": d.month, "id": f"y{d.year}-{d.month:02d}",
                           "name": month_name(d, settings.language)})
        in_month[-1].append(e)
    for month, its in zip((m for y in years for m in y["months"]), in_month, strict=True):
        month["entries"] = plain(its, "../")
    return _source("archive/index.md", {"title": labels["archive"], **LISTING}, "archive",
                   "glimmer/archive.html", years=years)


def random_page(entries: Sequence[Entry], plain: Views, labels: Mapping[str, str]) -> Source:
    """JS jumps to one glimmer at random; without JS the list itself is the way in."""
    return _source("random/index.md", {"title": labels["random"], **LISTING}, "random",
                   "glimmer/random.html", entries=plain(entries, "../"))


def follow_context(settings: Settings, tags: Sequence[str]) -> dict[str, Any]:
    """What the Follow page shows: the feeds' absolute addresses, the journal's and each tag's."""
    rss, atom, jsonfeed = (feed_url(settings, name) for name, _, _ in FEEDS)
    return {
        "site_name": settings.site_name,
        "rss": rss, "atom": atom, "json": jsonfeed,
        "subscribe": "feed:" + rss,
        "feedly": FEEDLY + quote(rss, safe=""),
        "opml": feed_url(settings, "follow.opml"),
        "feeds": [{"label": label, "href": feed_url(settings, name)}
                  for name, _, label in FEEDS],
        "tags": [{"tag": tag, "feeds": [{"label": label,
                                         "href": feed_url(settings, f"tags/{tag}/{name}")}
                                        for name, _, label in FEEDS]}
                 for tag in sorted(set(tags))],
    }


def follow_page(settings: Settings, tags: Sequence[str], labels: Mapping[str, str]) -> Source:
    return _source("follow/index.md", {"title": labels["follow"], "hide": ["navigation", "toc"]},
                   "follow", "glimmer/follow.html", **follow_context(settings, tags))


# ---------------------------------------------------------------- entries


def entry_source(entry: Entry) -> Source:
    """The entry's page; its body (rendered once, in markup.py) and frame come later."""
    # Material prints page.title and page.meta.description as HTML (in <title>, the header,
    # <meta name="description"> and search results), so an entry's own text is escaped here.
    front: dict[str, object] = {"title": escape(entry.title),
                                "description": escape(entry.excerpt or entry.title),
                                "hide": ["navigation", "toc"]}
    if entry.draft:
        front["search"] = {"exclude": True}
    return Source(f"{entry.url}index.md", document(front), "entry", entry,
                  template="glimmer/entry.html")


def _caption_rows(text: str, width: int = 48) -> int:
    """Enough rows that the whole caption, link included, shows without scrolling on a phone."""
    return min(18, sum(max(1, -(-len(line) // width)) for line in text.split("\n")))


def caption(entry: Entry, settings: Settings) -> str:
    """A ready-to-post caption: title, excerpt, hashtags, permalink."""
    parts = [entry.title]
    if entry.excerpt and entry.excerpt != entry.title:
        parts.append(entry.excerpt)
    if entry.tags:
        parts.append(" ".join(hashtag(t) for t in entry.tags))
    parts.append(settings.absolute(entry.url))
    return "\n\n".join(parts)


def share_context(entry: Entry, root: str, cards: Cards, settings: Settings) -> dict[str, Any]:
    """Cards to preview/download, a caption to copy, and a Share button (shown by share.js)."""
    mine = cards.get(entry.slug, {})
    formats = [f for f in SHARE_ORDER if f in mine]
    items = []
    for fmt in formats:
        card = mine[fmt]
        ext = card.path.rsplit(".", 1)[-1]
        items.append({
            "format": fmt, "checked": fmt == formats[0], "alt": card.alt,
            "preview": root + card.preview, "preview_width": card.preview_width,
            "preview_height": card.preview_height, "width": card.width,
            "height": card.height, "href": root + card.path, "mime": card.mime,
            "download": f"{entry.slug}-{fmt}.{ext}"})
    text = caption(entry, settings)
    # Older glimmers keep only their link card on the site (card_formats_recent_days):
    # say how to make the others, rather than leave the sharer wondering where they went.
    more = [f for f in SHARE_ORDER if f in settings.card_formats and f not in mine]
    return {"title": entry.title, "url": settings.absolute(entry.url), "cards": items,
            "chosen": formats[0] if formats else "", "caption": text,
            "rows": _caption_rows(text), "more": more,
            "command": f"glimmer cards {entry.slug} --format {more[0]}" if more else ""}


def entry_context(entry: Entry, body_html: str, url: str, cards: Cards, settings: Settings,
                  newer: Entry | None, older: Entry | None) -> dict[str, Any]:
    """What the entry page shows around its (already sanitised) body.

    An entry's photo is shown through its cards only: the original file may carry camera
    and location data, which a re-encoded card never does.
    """
    root = root_of(url)
    return {
        "root": root,
        "entry": entry_view(entry, root, cards, settings),
        "body": body_html,
        "share": share_context(entry, root, cards, settings),
        "older": entry_view(older, root, {}, settings) if older else None,
        "newer": entry_view(newer, root, {}, settings) if newer else None,
    }
