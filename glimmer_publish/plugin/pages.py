"""Turn entries into the site's pages: data in, Markdown/HTML text out, no MkDocs imports.

Listing pages are raw HTML inside a Markdown file (MkDocs passes it through), so their
links are written relative to the page's own address; `root` is the way back to '/'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import yaml

from ..cards.model import Card
from ..entries import Entry
from ..settings import Settings
from .labels import long_date, month_name

Cards = Mapping[str, Mapping[str, Card]]
SHARE_ORDER = ("square", "portrait", "story", "og")


@dataclass(frozen=True)
class Source:
    """One generated page: where it lives in docs/ and what it says."""

    src_uri: str
    markdown: str
    kind: str  # home, entry, tags, tag, archive, random
    entry: Entry | None = None
    tag: str | None = None


def url_of(src_uri: str) -> str:
    """The page address MkDocs gives a generated `.../index.md` (directory URLs)."""
    return src_uri.removesuffix("index.md")


def root_of(url: str) -> str:
    return "../" * url.count("/")


def document(front: Mapping[str, object], body: str) -> str:
    """A Markdown file with YAML front matter that MkDocs reads as page meta."""
    meta = yaml.safe_dump(dict(front), allow_unicode=True, sort_keys=False)
    return f"---\n{meta}---\n\n{body}\n"


LISTING = {"hide": ["navigation", "toc"], "search": {"exclude": True}}


def _attrs(**values: object) -> str:
    return "".join(
        f' {k.rstrip("_").replace("_", "-")}="{escape(str(v))}"'
        for k, v in values.items() if v is not None
    )


def time_tag(entry: Entry, language: str) -> str:
    return (f'<time datetime="{entry.date.isoformat()}">'
            f"{escape(long_date(entry.date.date(), language))}</time>")


def meta_line(entry: Entry, language: str) -> str:
    parts = [time_tag(entry, language)]
    if entry.where:
        parts.append(f'<span class="glimmer-where">{escape(entry.where)}</span>')
    return '<p class="glimmer-meta">' + '<span aria-hidden="true"> · </span>'.join(parts) + "</p>"


def draft_badge(entry: Entry, labels: Mapping[str, str]) -> str:
    return f'<p class="glimmer-draft">{escape(labels["draft"])}</p>' if entry.draft else ""


def tag_url(tag: str) -> str:
    return f"tags/{tag}/"


def tag_list(entry: Entry, root: str, labels: Mapping[str, str]) -> str:
    if not entry.tags:
        return ""
    items = "".join(f'<li><a href="{escape(root + tag_url(t))}">#{escape(t)}</a></li>'
                    for t in entry.tags)
    return (f'<ul class="glimmer-tags" aria-label="{escape(labels["tagged"])}">'
            f"{items}</ul>")


# ---------------------------------------------------------------- listings


def stream_item(entry: Entry, root: str, cards: Cards, settings: Settings,
                labels: Mapping[str, str]) -> str:
    href = escape(root + entry.url)
    card = cards.get(entry.slug, {}).get("og")
    thumb = ""
    if card:
        thumb = (f'<a class="glimmer-thumb" href="{href}" tabindex="-1" aria-hidden="true">'
                 f'<img{_attrs(src=root + card.preview, alt="", width=card.preview_width)}'
                 f'{_attrs(height=card.preview_height)}'
                 ' loading="lazy" decoding="async"></a>')
    excerpt = f'<p class="glimmer-excerpt">{escape(entry.excerpt)}</p>' if entry.excerpt else ""
    draft = ' glimmer-item--draft' if entry.draft else ""
    return (f'<li class="glimmer-item{draft}">{thumb}<div class="glimmer-item__text">'
            f'<h2 class="glimmer-item__title"><a href="{href}">{escape(entry.title)}</a></h2>'
            f"{meta_line(entry, settings.language)}{draft_badge(entry, labels)}{excerpt}"
            "</div></li>")


def stream(entries: Sequence[Entry], root: str, cards: Cards, settings: Settings,
           labels: Mapping[str, str]) -> str:
    items = "".join(stream_item(e, root, cards, settings, labels) for e in entries)
    return f'<ol class="glimmer-stream" reversed>{items}</ol>'


def home_pages(entries: Sequence[Entry], settings: Settings, cards: Cards,
               labels: Mapping[str, str], page_size: int) -> list[Source]:
    """The home stream, `page_size` glimmers a page: `/`, `page/2/`, `page/3/`..."""
    size = max(1, page_size)
    chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        src = "index.md" if number == 1 else f"page/{number}/index.md"
        root = root_of(url_of(src))
        body = stream(chunk, root, cards, settings, labels) if chunk else (
            f'<p class="glimmer-empty">{escape(labels["empty"])}</p>')
        if len(chunks) > 1:
            body += pager(number, len(chunks), root, labels)
        intro = (f'<p class="glimmer-intro">{escape(settings.site_description)}</p>'
                 if settings.site_description and number == 1 else "")
        title = settings.site_name if number == 1 else (
            f'{settings.site_name} · {labels["page_of"].format(page=number, pages=len(chunks))}')
        front = {"title": title, **LISTING}
        heading = f'<h1 class="glimmer-home-title">{escape(settings.site_name)}</h1>'
        pages.append(Source(src, document(front, heading + intro + body), "home"))
    return pages


def pager(number: int, count: int, root: str, labels: Mapping[str, str]) -> str:
    def page_url(n: int) -> str:
        return root + ("" if n == 1 else f"page/{n}/")

    newer = (f'<a class="md-button" rel="prev" href="{escape(page_url(number - 1))}">'
             f'← {escape(labels["newer"])}</a>' if number > 1 else "")
    older = (f'<a class="md-button" rel="next" href="{escape(page_url(number + 1))}">'
             f'{escape(labels["older"])} →</a>' if number < count else "")
    where = escape(labels["page_of"].format(page=number, pages=count))
    return (f'<nav class="glimmer-pager" aria-label="{escape(labels["pages"])}">{newer}'
            f'<span class="glimmer-pager__where">{where}</span>{older}</nav>')


def tag_counts(entries: Sequence[Entry]) -> dict[str, list[Entry]]:
    by_tag: dict[str, list[Entry]] = {}
    for e in entries:
        for t in e.tags:
            by_tag.setdefault(t, []).append(e)
    return dict(sorted(by_tag.items(), key=lambda kv: kv[0].casefold()))


def tag_pages(entries: Sequence[Entry], settings: Settings, cards: Cards,
              labels: Mapping[str, str]) -> list[Source]:
    by_tag = tag_counts(entries)
    root = "../"
    items = "".join(
        f'<li><a href="{escape(root + tag_url(t))}">#{escape(t)}</a> '
        f'<span class="glimmer-count">{escape(_count(len(es), labels))}</span></li>'
        for t, es in by_tag.items())
    index = (f'<h1>{escape(labels["tags"])}</h1><p class="glimmer-intro">'
             f'{escape(labels["tags_intro"])}</p><ul class="glimmer-tag-index">{items}</ul>')
    pages = [Source("tags/index.md", document({"title": labels["tags"], **LISTING}, index),
                    "tags")]
    for tag, tagged in by_tag.items():
        src = f"tags/{tag}/index.md"
        root = root_of(url_of(src))
        title = labels["tag_title"].format(tag=tag)
        feeds = "".join(
            f'<li><a href="{escape(name)}" type="{mime}">{label}</a></li>'
            for name, mime, label in FEEDS)
        body = (f"<h1>{escape(title)}</h1>"
                f'<p class="glimmer-intro">{escape(_count(len(tagged), labels))}</p>'
                + stream(tagged, root, cards, settings, labels)
                + f'<aside class="glimmer-feeds"><h2>{escape(labels["tag_feeds"])}</h2>'
                  f"<ul>{feeds}</ul></aside>")
        pages.append(Source(src, document({"title": title, **LISTING}, body), "tag", tag=tag))
    return pages


FEEDS = (
    ("feed.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)


def _count(n: int, labels: Mapping[str, str]) -> str:
    return labels["tag_count_one"] if n == 1 else labels["tag_count"].format(count=n)


def archive_page(entries: Sequence[Entry], settings: Settings,
                 labels: Mapping[str, str]) -> Source:
    """Every glimmer by year, then month, newest first (entries arrive sorted)."""
    root = "../"
    parts = [f'<h1>{escape(labels["archive"])}</h1>'
             f'<p class="glimmer-intro">{escape(labels["archive_intro"])}</p>']
    year = month = None
    for e in entries:
        d = e.date.date()
        if d.year != year:
            if month is not None:
                parts.append("</ul></section>")
                month = None
            if year is not None:
                parts.append("</section>")
            year = d.year
            parts.append(f'<section class="glimmer-year"><h2 id="y{year}">{year}</h2>')
        if d.month != month:
            if month is not None:
                parts.append("</ul></section>")
            month = d.month
            name = month_name(d, settings.language)
            parts.append(f'<section class="glimmer-month"><h3 id="y{year}-{month:02d}">'
                         f'{escape(name)}</h3><ul class="glimmer-archive">')
        parts.append(f'<li>{time_tag(e, settings.language)} '
                     f'<a href="{escape(root + e.url)}">{escape(e.title)}</a></li>')
    if month is not None:
        parts.append("</ul></section>")
    if year is not None:
        parts.append("</section>")
    return Source("archive/index.md",
                  document({"title": labels["archive"], **LISTING}, "".join(parts)), "archive")


def random_page(entries: Sequence[Entry], labels: Mapping[str, str]) -> Source:
    """JS jumps to one glimmer at random; without JS the list itself is the way in."""
    root = "../"
    links = "".join(f'<li><a href="{escape(root + e.url)}">{escape(e.title)}</a></li>'
                    for e in entries)
    body = (f'<h1>{escape(labels["random"])}</h1>'
            f'<p class="glimmer-random-note" hidden>{escape(labels["random_intro"])}</p>'
            f'<p>{escape(labels["random_nojs"])}</p>'
            f'<ul class="glimmer-random-list" id="glimmer-random">{links}</ul>')
    return Source("random/index.md",
                  document({"title": labels["random"], **LISTING}, body), "random")


# ---------------------------------------------------------------- entries


def entry_source(entry: Entry) -> Source:
    """The entry's page: its own Markdown body; the frame is added after it is rendered."""
    # Material prints page.title and page.meta.description as HTML (in <title>, the header,
    # <meta name="description"> and search results), so an entry's own text is escaped here.
    front = {"title": escape(entry.title), "description": escape(entry.excerpt or entry.title),
             "hide": ["navigation", "toc"]}
    if entry.draft:
        front["search"] = {"exclude": True}
    return Source(f"{entry.url}index.md", document(front, entry.body or ""), "entry", entry)


def hashtag(tag: str) -> str:
    """'small-things' -> '#SmallThings': hashtags cannot hold dashes, capitals help readers."""
    words = [w for w in tag.split("-") if w]
    return "#" + (words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words))


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


def share_panel(entry: Entry, root: str, cards: Cards, settings: Settings,
                labels: Mapping[str, str]) -> str:
    """Cards to preview/download, a caption to copy, and a Share button (shown by share.js)."""
    mine = cards.get(entry.slug, {})
    formats = [f for f in SHARE_ORDER if f in mine]
    chosen = formats[0] if formats else ""
    items = []
    for fmt in formats:
        card = mine[fmt]
        ext = card.path.rsplit(".", 1)[-1]
        name = labels.get(f"format_{fmt}", fmt)
        checked = " checked" if fmt == chosen else ""
        items.append(
            f'<li class="share-card share-card--{fmt}">'
            f'<figure><img{_attrs(src=root + card.preview, alt=card.alt)}'
            f'{_attrs(width=card.preview_width, height=card.preview_height)}'
            ' loading="lazy" decoding="async">'
            f'<figcaption><label class="share-pick"><input type="radio" name="share-format"'
            f' value="{fmt}"{checked}> {escape(name)}</label>'
            f' <span class="share-size">{card.width}×{card.height}</span></figcaption></figure>'
            f'<a class="share-download"'
            f'{_attrs(href=root + card.path, data_format=fmt, type=card.mime)}'
            f' download="{escape(entry.slug)}-{fmt}.{ext}">{escape(labels["download"])}'
            f'<span class="md-visually-hidden"> {escape(name)}</span></a></li>')
    cards_html = f'<ul class="share-cards">{"".join(items)}</ul>' if items else ""
    text = caption(entry, settings)
    return (
        f'<section id="share" class="glimmer-share" aria-labelledby="share-title"'
        f' data-search-exclude data-title="{escape(entry.title)}"'
        f' data-url="{escape(settings.absolute(entry.url))}">'
        f'<h2 id="share-title">{escape(labels["share"])}</h2>'
        f'<p class="share-intro">{escape(labels["share_intro"])}</p>{cards_html}'
        f'<label class="share-caption-label" for="share-caption">'
        f'{escape(labels["caption"])}</label>'
        f'<textarea id="share-caption" readonly rows="{_caption_rows(text)}">'
        f'{escape(text)}</textarea>'
        f'<div class="share-actions">'
        f'<button type="button" class="md-button md-button--primary share-native" hidden'
        f' data-format="{chosen}">{escape(labels["share_button"])}</button>'
        f'<button type="button" class="md-button share-copy" hidden>'
        f'{escape(labels["copy"])}</button>'
        f'<p class="share-status" role="status" aria-live="polite"'
        f' data-copied="{escape(labels["copied"])}"'
        f' data-fallback="{escape(labels["shared_fallback"])}"></p></div></section>'
    )


def entry_article(entry: Entry, body_html: str, url: str, cards: Cards, settings: Settings,
                  labels: Mapping[str, str], newer: Entry | None, older: Entry | None,
                  also_on: str = "") -> str:
    """The whole entry page content around its (already sanitised) body.

    An entry's photo is shown through its cards only: the original file may carry camera
    and location data, which a re-encoded card never does.
    """
    root = root_of(url)
    felt = ""
    if entry.felt:
        felt = (f'<p class="glimmer-felt"><span class="glimmer-felt__label">'
                f'{escape(labels["felt"])}</span> {escape(entry.felt)}</p>')
    nav = []
    if older:
        nav.append(f'<a rel="prev" href="{escape(root + older.url)}"><span>'
                   f'{escape(labels["previous_entry"])}</span>{escape(older.title)}</a>')
    if newer:
        nav.append(f'<a rel="next" href="{escape(root + newer.url)}"><span>'
                   f'{escape(labels["next_entry"])}</span>{escape(newer.title)}</a>')
    return (
        f'<article class="glimmer-entry">'
        f'<header class="glimmer-entry__head"><h1>{escape(entry.title)}</h1>'
        f"{meta_line(entry, settings.language)}{draft_badge(entry, labels)}</header>"
        f'<div class="glimmer-body">{body_html}</div>{felt}'
        f"{tag_list(entry, root, labels)}{also_on}</article>"
        f"{share_panel(entry, root, cards, settings, labels)}"
        + (f'<nav class="glimmer-neighbours" aria-label="{escape(labels["pages"])}"'
           ' data-search-exclude>'
           f'{"".join(nav)}</nav>' if nav else "")
    )

