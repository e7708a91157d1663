"""How big the built site is, against GitHub Pages' limit, and what to do before it is reached.

A daily writer's site grows by the same amount every day, so the build says where it stands
long before a deploy is refused: at 80 % of the limit it warns and names the setting to change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PAGES_LIMIT = 1_000_000_000  # GitHub Pages: a published site may be at most 1 GB
WARN_SHARE = 0.8


@dataclass(frozen=True)
class SiteSize:
    total: int  # bytes of every file
    cards: int  # cards/: the images people post
    previews: int  # thumbs/: the small pictures pages show
    files: int

    @property
    def pages(self) -> int:
        return self.total - self.cards - self.previews

    @property
    def share(self) -> float:
        return self.total / PAGES_LIMIT


class Tally:
    """Bytes and files counted during a walk of the site, by the top folder they are in."""

    def __init__(self) -> None:
        self.total = self.cards = self.previews = self.files = 0

    def add(self, top: str, size: int) -> None:
        self.total += size
        self.files += 1
        if top == "cards":
            self.cards += size
        elif top == "thumbs":
            self.previews += size

    def size(self) -> SiteSize:
        return SiteSize(self.total, self.cards, self.previews, self.files)


def measure(site: Path) -> SiteSize:
    """Bytes on disk of every file below `site`, split into cards, previews and the rest.

    A file hard-linked twice (cards published straight from the cache) counts as GitHub
    counts it: once per path, since the uploaded archive holds a copy for each."""
    tally = Tally()
    folders = [(str(site), "")]
    while folders:
        folder, top = folders.pop()
        try:
            listing = list(os.scandir(folder))
        except OSError:
            continue
        for entry in listing:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, top or entry.name))
                    continue
                tally.add(top, entry.stat(follow_symlinks=False).st_size)
            except OSError:
                continue
    return tally.size()


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.0f} MB" if n >= 10_000_000 else f"{n / 1_000_000:,.1f} MB"


def summary(size: SiteSize) -> str:
    return (f"the site is {_mb(size.total)} ({size.share:.0%} of GitHub Pages' 1 GB limit): "
            f"cards {_mb(size.cards)}, previews {_mb(size.previews)}, "
            f"pages and feeds {_mb(size.pages)}")


def warning(size: SiteSize, formats: tuple[str, ...], recent_days: int | None) -> str | None:
    """At 80 % of the limit: what to change in mkdocs.yml, kindest change first."""
    if size.share < WARN_SHARE:
        return None
    others = [f for f in formats if f != "og"]
    if others and recent_days is None:
        advice = ("keep the posting formats only for recent glimmers: add "
                  "`card_formats_recent_days: 365` under plugins.glimmer in mkdocs.yml "
                  "(older glimmers keep their link-preview card)")
    elif others:
        advice = (f"keep the posting formats for fewer days: lower card_formats_recent_days "
                  f"(now {recent_days}) under plugins.glimmer in mkdocs.yml")
    else:
        advice = ("the site is mostly link-preview cards and pages now; consider moving "
                  "older years to a second journal")
    return (f"the site is {_mb(size.total)}, {size.share:.0%} of the 1 GB GitHub Pages "
            f"allows: {advice}. Any card stays one command away: "
            f"`glimmer cards SLUG --format story`")
