"""What a card says (title, excerpt, date, place, site) and its alt text, from one entry."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache

from babel.core import UnknownLocaleError
from babel.dates import format_date

from ..entries import Entry
from ..palettes import PALETTE_NAMES, PALETTES, Palette
from ..settings import Settings
from .design import CardText

MAX_ALT = 1500  # Mastodon's limit, the smallest of the platforms we post to


def card_date(entry: Entry, settings: Settings) -> str:
    """The entry's date as people of the site's language write it ("2 June 2026")."""
    return _long_date(entry.date.date(), settings.language)


@lru_cache(maxsize=4096)
def _long_date(day: date, language: str) -> str:
    """Babel takes about a millisecond a date, and every card, key and alt text asks."""
    try:
        return format_date(day, format="long", locale=language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="long", locale="en")


def card_excerpt(entry: Entry) -> str:
    return entry.card.excerpt or entry.excerpt or (entry.felt or "")


def card_label(settings: Settings) -> str:
    return settings.handle or settings.site_name


def card_text(entry: Entry, settings: Settings) -> CardText:
    footer = card_date(entry, settings) + (f"  ·  {entry.where}" if entry.where else "")
    return CardText(entry.title, card_excerpt(entry), footer, card_label(settings),
                    entry.lang, settings.language)


def palette_for(entry: Entry) -> Palette:
    """The entry's chosen palette, else one picked from its slug (stable across builds)."""
    if entry.card.palette in PALETTES:
        return PALETTES[entry.card.palette]
    digest = hashlib.sha256(entry.slug.encode("utf-8")).digest()
    return PALETTES[PALETTE_NAMES[digest[0] % len(PALETTE_NAMES)]]


def card_alt(entry: Entry, settings: Settings) -> str:
    """Alt text for every card of an entry: title, excerpt, date (and place), <= 1,500 chars."""
    when = card_date(entry, settings) + (f", {entry.where}" if entry.where else "")
    title = entry.title.rstrip()
    head = title if title.endswith((".", "!", "?", "…", "。", "！", "？")) else title + "."
    tail = f" {when}."
    excerpt = " ".join(card_excerpt(entry).split())
    room = MAX_ALT - len(head) - len(tail) - 1
    if len(excerpt) > room:
        excerpt = excerpt[: max(0, room - 1)].rstrip() + "…" if room > 1 else ""
    text = " ".join(part for part in (head, excerpt) if part) + tail
    return text[:MAX_ALT]
