"""The plugin's options, declared the MkDocs way so typos in mkdocs.yml get clear errors."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..settings import CARD_FORMATS


class BuddyConfig(base.Config):
    """One glimmer buddy: a name, their site and their feed."""

    name = c.Type(str)
    site = c.URL()
    feed = c.URL()


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
    # A "Write a glimmer" page that opens GitHub's editor on a new, dated entry: true puts it
    # in the menu, "unlisted" builds it without a menu entry (for a home-screen bookmark).
    write_link = c.Choice((False, True, "unlisted"), default=False)
    # The GitHub repository to write into (default: repo_url). Setting this instead of
    # repo_url keeps Material's repository widget, which calls GitHub's API, off the site.
    write_repo = c.Optional(c.Type(str))
    # The branch new glimmers are committed to (default: from edit_uri, else "main").
    write_branch = c.Optional(c.Type(str))
    # Glimmer buddies: other journals, as a Buddies page and buddies.opml.
    buddies = c.ListOfItems(c.SubConfig(BuddyConfig), default=[])
    # Fetch each buddy's newest glimmer while building (off: builds never touch the network).
    buddies_fetch = c.Type(bool, default=False)
    # Seconds all buddy fetches together may take; after that the build goes on without them.
    buddies_timeout = c.Type((int, float), default=5)
