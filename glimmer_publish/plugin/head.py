"""The `<head>` tags that make link previews and feed readers work, as plain data.

The template only prints what these functions return, so tests can check the same values
the page carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cards.model import Card
from ..entries import Entry
from ..languages import og_locale
from ..settings import Settings
from .pages import FEEDS


@dataclass(frozen=True)
class Meta:
    attr: str  # "property" (Open Graph) or "name" (Twitter and others)
    key: str
    content: str


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    type: str
    title: str


def card_tags(card: Card | None, settings: Settings) -> list[Meta]:
    if card is None:
        return [Meta("name", "twitter:card", "summary")]
    return [
        Meta("property", "og:image", settings.absolute(card.path)),
        Meta("property", "og:image:type", card.mime),
        Meta("property", "og:image:width", str(card.width)),
        Meta("property", "og:image:height", str(card.height)),
        Meta("property", "og:image:alt", card.alt),
        Meta("name", "twitter:card", "summary_large_image"),
        Meta("name", "twitter:image:alt", card.alt),
    ]


def entry_meta(entry: Entry, settings: Settings, card: Card | None) -> list[Meta]:
    """Open Graph and Twitter tags for an entry page (og:image is the entry's `og` card)."""
    description = entry.excerpt or entry.title
    tags = [
        Meta("property", "og:type", "article"),
        Meta("property", "og:site_name", settings.site_name),
        Meta("property", "og:url", settings.absolute(entry.url)),
        Meta("property", "og:title", entry.title),
        Meta("property", "og:description", description),
        Meta("property", "og:locale", og_locale(entry.lang or settings.language)),
        *card_tags(card, settings),
        Meta("name", "twitter:title", entry.title),
        Meta("name", "twitter:description", description),
        Meta("property", "article:published_time", entry.date.isoformat()),
    ]
    if entry.updated:
        tags.append(Meta("property", "article:modified_time", entry.updated.isoformat()))
    if entry.author or settings.site_author:
        tags.append(Meta("property", "article:author", entry.author or settings.site_author))
    tags.extend(Meta("property", "article:tag", t) for t in entry.tags)
    return tags


def page_meta(title: str, description: str, url: str, settings: Settings,
              card: Card | None) -> list[Meta]:
    """Previews for home, tag and other listing pages: the newest glimmer's card."""
    return [
        Meta("property", "og:type", "website"),
        Meta("property", "og:site_name", settings.site_name),
        Meta("property", "og:url", settings.absolute(url)),
        Meta("property", "og:title", title),
        Meta("property", "og:description", description),
        Meta("property", "og:locale", og_locale(settings.language)),
        *card_tags(card, settings),
        Meta("name", "twitter:title", title),
        Meta("name", "twitter:description", description),
    ]


def feed_links(settings: Settings) -> list[Link]:
    """Feed autodiscovery on every page. `href` is site-relative: the template prefixes the
    page's way back to the root, so previews served on another host stay on that host
    (Material fetches a sitemap beside every alternate link, so tag feeds are only linked
    in the tag page's body, where that lookup would miss)."""
    return [Link("alternate", name, mime, f"{settings.site_name} ({kind})")
            for name, mime, kind in FEEDS]
