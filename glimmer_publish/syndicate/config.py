"""Which networks to post to, read from the `syndicate:` option of the glimmer plugin.

    plugins:
      - glimmer:
          syndicate:
            bluesky: {handle: you.bsky.social}          # service: https://bsky.social
            mastodon: {instance: https://example.social}
            card: square                                # which card goes with the post
            since: 2026-12-01                           # optional: post glimmers from this day

Credentials never live here: they come from the environment (GitHub environment secrets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from ..entries import SYNDICATE_TARGETS
from ..settings import Settings, SettingsError

TARGETS = SYNDICATE_TARGETS
PASSWORD_ENV = {"bluesky": "BLUESKY_APP_PASSWORD", "mastodon": "MASTODON_TOKEN"}
_WHERE = "mkdocs.yml: plugins.glimmer.syndicate"


@dataclass(frozen=True)
class Target:
    name: str  # "bluesky" or "mastodon"
    service: str  # the PDS or Mastodon server, https://...
    handle: str = ""  # Bluesky handle or DID (the login identifier)
    web: str = ""  # where people see Bluesky posts, for links


@dataclass(frozen=True)
class SyndicateOptions:
    targets: tuple[Target, ...] = ()
    card: str = "square"
    since: datetime | None = None
    branch: str = "glimmer-syndication"

    def target(self, name: str) -> Target | None:
        return next((t for t in self.targets if t.name == name), None)


def _url(value: Any, key: str) -> str:
    text = str(value or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise SettingsError(f"{_WHERE}.{key}: {value!r} is not a web address "
                            "(write it like https://example.social)")
    return text


def _mapping(value: Any, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"{_WHERE}.{key}: should be a group of options, like\n"
                            "  bluesky:\n    handle: you.bsky.social")
    return value


def syndicate_options(settings: Settings) -> SyndicateOptions:
    """The options, with a message naming the option when one is wrong.

    Their names, shapes and the card's format were checked with every other plugin option
    when the settings were loaded (`plugin.config.SyndicateConfig`); what is checked here is
    what that schema cannot say: addresses, the Bluesky handle, the first day."""
    raw = _mapping(settings.extra.get("syndicate"), "")
    targets = []
    bsky = _mapping(raw.get("bluesky"), "bluesky")
    if bsky:
        handle = str(bsky.get("handle") or "").strip().lstrip("@")
        if not handle:
            raise SettingsError(f"{_WHERE}.bluesky.handle: your Bluesky handle is needed "
                                "(like you.bsky.social)")
        targets.append(Target("bluesky", _url(bsky.get("service") or "https://bsky.social",
                                              "bluesky.service"), handle,
                              _url(bsky.get("web") or "https://bsky.app", "bluesky.web")))
    masto = _mapping(raw.get("mastodon"), "mastodon")
    if masto:
        targets.append(Target("mastodon", _url(masto.get("instance"), "mastodon.instance")))
    card = str(raw.get("card") or "square")
    since = raw.get("since")
    when = None
    if since is not None:
        if isinstance(since, datetime):
            when = since
        elif isinstance(since, date):
            when = datetime.combine(since, time())
        else:
            try:
                when = datetime.fromisoformat(str(since))
            except ValueError:
                raise SettingsError(f"{_WHERE}.since: {since!r} is not a date "
                                    "(write it like 2026-12-01)") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=settings.tz)
    branch = str(raw.get("branch") or "glimmer-syndication")
    return SyndicateOptions(tuple(targets), card, when, branch)
