"""The plugin's options, declared the MkDocs way so typos in mkdocs.yml get clear errors."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..settings import CARD_FORMATS, RECENT_DAYS


class GlimmerConfig(base.Config):
    # Where the journal lives, relative to mkdocs.yml.
    entries_dir = c.Type(str, default="entries")
    # Entries without a zone in their date are read in this timezone.
    timezone = c.Type(str, default="UTC")
    # Which cards to make for every entry.
    card_formats = c.ListOfItems(c.Choice(CARD_FORMATS), default=list(CARD_FORMATS))
    # Glimmers older than this many days (before the newest) keep only the og card on the
    # site, so a long journal fits GitHub Pages; `glimmer cards` still makes any card.
    card_formats_recent_days = c.Type(int, default=RECENT_DAYS)
    # How many items each feed carries.
    feed_items = c.Type(int, default=50)
    # Your handle, shown on cards (e.g. "@me@example.social").
    handle = c.Type(str, default="")
    # Where rendered cards are cached between builds.
    cache_dir = c.Optional(c.Type(str))
    # Names this journal inside feed ids; set it once, before the first publish, and keep it.
    journal_id = c.Type(str, default="glimmer")
    # How many glimmers one page of the home stream shows.
    page_size = c.Type(int, default=10)
