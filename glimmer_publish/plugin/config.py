"""The plugin's options, declared the MkDocs way, and the one check both entry points run.

`glimmer` (through `settings.load_settings`) and plain `mkdocs build` (through the plugin)
validate the `glimmer:` options with these same classes, so they can never disagree. Every
problem becomes one line, `mkdocs.yml:LINE: plugins.glimmer.OPTION: what is wrong`, and all
of them are reported together before any card is drawn.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..settings import CARD_FORMATS, RECENT_DAYS, option_line

SITE_URL_HINT = "https://YOUR-NAME.github.io/YOUR-REPO/"


class WholeNumber(c.BaseConfigOption[int]):
    """A count like `feed_items: 50`; `lots`, `yes` and `0` are refused in plain words."""

    def __init__(self, default: int, minimum: int = 1) -> None:
        super().__init__()
        self.default = default
        self.minimum = minimum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            shown = str(value).lower() if isinstance(value, bool) else repr(value)
            raise base.ValidationError(
                f"should be a whole number like {self.default}, not {shown}")
        if value < self.minimum:
            raise base.ValidationError(f"should be at least {self.minimum}, not {value}")
        return value


class Text(c.Type):
    """A piece of text; a list or a number here is a mistake worth naming."""

    def __init__(self, default: str | None = None, example: str = "") -> None:
        super().__init__(str, default=default)
        self.example = example

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            like = f" like {self.example!r}" if self.example else ""
            raise base.ValidationError(f"should be text{like}, not {value!r}")
        return value


class TimeZone(Text):
    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise base.ValidationError(
                f"unknown timezone {value!r} (use a name like 'Europe/Berlin' or 'UTC')"
            ) from exc
        return value


class CardFormats(c.BaseConfigOption[list]):
    def __init__(self) -> None:
        super().__init__()
        self.default = list(CARD_FORMATS)

    def run_validation(self, value: object) -> list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise base.ValidationError(f"should be a list like [og, square], not {value!r}")
        for v in value:
            if v not in CARD_FORMATS:
                raise base.ValidationError(
                    f"unknown format {v!r} (choose from {', '.join(CARD_FORMATS)})")
        return value


class EntriesDir(Text):
    """The journal's folder must exist: a typo would otherwise publish an empty journal."""

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        root = Path(self.config_file_path or "mkdocs.yml").resolve().parent
        if (root / value).is_dir():
            return value
        near = difflib.get_close_matches(
            value, [p.name for p in root.iterdir() if p.is_dir()], n=1, cutoff=0.6) \
            if root.is_dir() else []
        hint = f"; did you mean {near[0]!r}?" if near else \
            " (create it, or set entries_dir to the folder that holds your glimmers)"
        raise base.ValidationError(f"there is no folder {value!r} next to mkdocs.yml{hint}")

    def pre_validation(self, config: base.Config, key_name: str) -> None:
        self.config_file_path = config.config_file_path


class CardFormat(Text):
    """One card format, named in plain words when it is not one we make."""

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        if value not in CARD_FORMATS:
            raise base.ValidationError(
                f"unknown card {value!r} (choose from {', '.join(CARD_FORMATS)})")
        return value


class BuddyConfig(base.Config):
    """One glimmer buddy: a name, their site and their feed."""

    name = c.Type(str)
    site = c.URL()
    feed = c.URL()


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
    card = CardFormat(default="square", example="square")  # which card goes with each post
    since = c.Optional(c.Type((str, date)))  # post glimmers dated from this day on
    branch = c.Type(str, default="glimmer-syndication")  # where post links are recorded


class GlimmerConfig(base.Config):
    # Where the journal lives, relative to mkdocs.yml.
    entries_dir = EntriesDir(default="entries", example="entries")
    # Entries without a zone in their date are read in this timezone.
    timezone = TimeZone(default="UTC", example="Europe/Berlin")
    # Which cards to make for every entry.
    card_formats = CardFormats()
    # Glimmers older than this many days (before the newest) keep only the og card on the
    # site, so a long journal fits GitHub Pages; `glimmer cards` still makes any card.
    card_formats_recent_days = WholeNumber(default=RECENT_DAYS, minimum=0)
    # How many items each feed carries.
    feed_items = WholeNumber(default=50)
    # Your handle, shown on cards (e.g. "@me@example.social").
    handle = Text(default="", example="@me@example.social")
    # Where rendered cards are cached between builds.
    cache_dir = c.Optional(Text(example=".cache/glimmer"))
    # Names this journal inside feed ids; set it once, before the first publish, and keep it.
    journal_id = Text(default="glimmer", example="my-journal")
    # How many glimmers one page of the home stream shows.
    page_size = WholeNumber(default=10)
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
    # Post new glimmers to Bluesky and Mastodon (see README: Share automatically).
    syndicate = c.SubConfig(SyndicateConfig)


def check_options(options: dict[str, Any], config_file: Path | None) -> list[str]:
    """Every problem in the `glimmer:` options, one line each, in the order of the file.

    MkDocs' own `Config.validate` stops at the first bad option; each option is checked on
    its own here (by the same classes) so a writer sees every problem in one run."""
    schema = dict(GlimmerConfig._schema)
    names = list(schema)
    config = GlimmerConfig(config_file_path=str(config_file) if config_file else None)
    found: list[tuple[int, str]] = []
    for key, option in schema.items():
        if key not in options and key != "entries_dir":  # the default folder must exist too
            continue
        try:
            option.pre_validation(config, key)
            option.validate(options.get(key, option.default))
        except base.ValidationError as error:
            found.append(_line(config_file, key, str(error)))
        # A misspelt sub-option (syndicate: {mastodn: ...}) is only a warning to MkDocs; here
        # it is a problem like a misspelt option, or it would be silently ignored.
        for warning in option.warnings:
            typo = re.match(r"Sub-option '([^']+)': Unrecognised configuration name", warning)
            found.append(_line(config_file, key,
                               f"unknown option {typo.group(1)!r}" if typo else warning))
        option.reset_warnings()  # the option objects are shared by every config
    for key in options:
        if key not in names:
            near = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else \
                f" (known options: {', '.join(sorted(names))})"
            found.append(_line(config_file, str(key), f"unknown option {key!r}{hint}"))
    return [text for _, text in sorted(found, key=lambda f: f[0])]


def site_problems(site_url: str | None, config_file: Path | None) -> list[str]:
    """Feeds and cards need absolute addresses: without site_url they would be wrong."""
    parts = urlsplit(site_url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    where = _where(config_file, ("site_url",))
    now = f"it is {site_url!r}" if site_url else "it is not set"
    return [f"{where}site_url: feeds, cards and link previews need the site's full address "
            f"({now}); write it like site_url: {SITE_URL_HINT}"]


def _where(config_file: Path | None, keys: tuple[str, ...]) -> str:
    if config_file is None:
        return "mkdocs.yml: "
    line = option_line(config_file, keys)
    return f"{config_file.name}:{line}: " if line else f"{config_file.name}: "


def _line(config_file: Path | None, key: str, message: str) -> tuple[int, str]:
    """(line, text): the line sorts problems in file order."""
    keys = ("plugins", "glimmer", key)
    line = (option_line(config_file, keys) or 0) if config_file else 0
    sub = re.match(r"Sub-option '([^']+)': (.*)", message, re.S)
    if sub:  # a nested option (syndicate.card): name its whole path, as the writer sees it
        key, message = f"{key}.{sub.group(1)}", sub.group(2)
    return line, f"{_where(config_file, keys)}plugins.glimmer.{key}: {message}"
