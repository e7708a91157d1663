"""Each entry's cards as the last build left them, so a rebuild need not work out again
which cards an unchanged entry has (its cache keys read its whole card text).

Kept in memory while previewing, and in `<cache>/cards-memo.json` between builds. An entry
is kept when its file's digest, its place, its photo file (size and time), its formats, the
settings and whatever else the card cache key holds besides the entry (style version, Pillow
and fonts, shaping and layout libraries) are the same; its cards are then linked from the
card cache, and if any of them has gone from the cache the entry is looked at the usual way.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import fields
from pathlib import Path

from ..cards.layout import engine_versions
from ..cards.model import Card
from ..cards.render import (
    CARD_EXT,
    OG_SMALL,
    PREVIEW_EXT,
    PREVIEWS,
    STYLE_VERSION,
    _base,
    engine_digest,
)
from ..cards.shaping import shaping_versions
from ..entries import Entry
from ..files import link_if_changed, write_if_changed
from .page_cache import digest

Memo = tuple[list, dict[str, Card], dict[str, str]]  # key, cards by format, cache key by name
VERSION = 1


def settings_key(settings) -> str:
    """Everything a card depends on that is not the entry: settings and drawing engine."""
    return digest(repr(settings), STYLE_VERSION, engine_digest(), repr(shaping_versions()),
                  engine_versions())


def entry_key(entry: Entry, formats, settings: str) -> list:
    try:
        stat = entry.photo.stat() if entry.photo else None
        photo = [str(entry.photo), stat.st_size, stat.st_mtime_ns] if stat else None
    except OSError:
        photo = [str(entry.photo), "unreadable"]
    return [entry.digest, str(entry.path), photo, list(formats or ()), settings]


def load(cache: Path) -> dict[str, Memo]:
    try:
        data = json.loads((cache / "cards-memo.json").read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return {}
        return {slug: (m["key"], {f: Card(**c) for f, c in m["cards"].items()}, m["keys"])
                for slug, m in data["entries"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # none yet, or damaged: every entry is looked at


def save(cache: Path, memo: dict[str, Memo]) -> None:
    names = [f.name for f in fields(Card)]  # not asdict(): it deep-copies every value
    data = {"version": VERSION, "entries": {
        slug: {"key": key, "cards": {f: {n: getattr(c, n) for n in names}
                                     for f, c in cards.items()}, "keys": keys}
        for slug, (key, cards, keys) in sorted(memo.items())}}
    with contextlib.suppress(OSError):  # read-only: the next build looks at every entry
        write_if_changed(cache / "cards-memo.json",
                         json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


class Cached:
    """The card cache's files by name, with their inodes, read in one pass of each folder
    (a directory listing carries them): whether the site's copy of a card is the cached file
    then takes one stat of the site's file, not two."""

    def __init__(self, cards_cache: Path):
        self.cards, self.previews = str(cards_cache), str(cards_cache.parent / PREVIEWS)
        self.inodes: dict[str, int] = {}
        self.device: int | None = None
        for folder in (self.cards, self.previews):
            try:
                self.device = os.stat(folder).st_dev
                with os.scandir(folder) as listing:
                    self.inodes.update((e.path, e.inode()) for e in listing)
            except OSError:
                continue

    def same(self, source: str, target: str) -> bool:
        """Whether `target` is the cached file `source` (a hard link to it)."""
        inode = self.inodes.get(source)
        if inode is None:
            return False
        try:
            st = os.stat(target, follow_symlinks=False)
        except OSError:
            return False
        return st.st_ino == inode and st.st_dev == self.device


def publish(memo: Memo, cached: Cached, out_dir: str) -> bool:
    """Link an entry's cards and previews from the card cache into the site; False when one
    of them is no longer in the cache.

    Most are already there from the build before last, as the same file."""
    _, cards, keys = memo
    links = []
    for name, key in keys.items():
        card = cards.get(_base(name))
        if card is None:
            return False
        links.append((f"{cached.cards}{os.sep}{key}.{CARD_EXT}", f"{out_dir}{os.sep}{card.path}"))
        if name != OG_SMALL:
            links.append((f"{cached.previews}{os.sep}{key}.{PREVIEW_EXT}",
                          f"{out_dir}{os.sep}{card.preview}"))
    pending = [(source, target) for source, target in links if not cached.same(source, target)]
    if not all(source in cached.inodes or os.path.isfile(source) for source, _ in pending):
        return False
    for source, target in pending:
        link_if_changed(Path(source), Path(target))
    return True
