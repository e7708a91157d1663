"""The plugin's options, declared the MkDocs way so typos in mkdocs.yml get clear errors."""

from __future__ import annotations

from datetime import date

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..settings import CARD_FORMATS


class _Bluesky(base.Config):
    handle = c.Type(str, default="")  # you.bsky.social (the app password is a secret, never here)
    service = c.Type(str, default="https://bsky.social")  # your PDS
    web = c.Type(str, default="https://bsky.app")  # where post links point


class _Mastodon(base.Config):
    instance = c.Type(str, default="")  # https://your.server (the token is a secret, never here)


class SyndicateConfig(base.Config):
    """`glimmer syndicate` (checked again, with hints, by glimmer_publish.syndicate.config)."""

    bluesky = c.SubConfig(_Bluesky)
    mastodon = c.SubConfig(_Mastodon)
    card = c.Choice(CARD_FORMATS, default="square")  # which card goes with each post
    since = c.Optional(c.Type((str, date)))  # post glimmers dated from this day on
    branch = c.Type(str, default="glimmer-syndication")  # where post links are recorded


class GlimmerConfig(base.Config):
    # Where the journal lives, relative to mkdocs.yml.
    entries_dir = c.Type(str, default="entries")
    # Entries without a zone in their date are read in this timezone.
    timezone = c.Type(str, default="UTC")
    # Which cards to make for every entry.
    card_formats = c.ListOfItems(c.Choice(CARD_FORMATS), default=list(CARD_FORMATS))
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
    # Post new glimmers to Bluesky and Mastodon (see README: Share automatically).
    syndicate = c.SubConfig(SyndicateConfig)
