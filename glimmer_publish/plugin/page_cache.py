"""Finished pages kept between builds, so a rebuild only draws the pages that changed.

Each generated page gets a key: a digest of everything its HTML is made from (the site's
settings, theme, navigation and code, see `site_key`, plus the page's own data, see the
plugin). A page whose key has a stored copy is not built again: the copy is linked into the
site, and its search-index entries are put back in the same place. A clean build and a
rebuild therefore give the same bytes (tests/test_incremental_properties.py).

The store lives in the journal's cache folder (see `PageStore`).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..files import write_if_changed, write_parts_if_changed
from ..installed import digest, installed_digest

PACKAGE = Path(__file__).resolve().parent.parent
VERSION = 1  # bump when the way pages are stored changes
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Our own code, templates, styles and catalogs (not the fonts: pages never see them)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "fonts" not in path.relative_to(PACKAGE).parts \
                and path.suffix not in (".pyc", ".ttf", ".otf"):
            h.update(path.relative_to(PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def stable(value: Any) -> Any:
    """A JSON-able form of a config value that is the same from one run to the next."""
    if isinstance(value, Mapping):
        return {str(k): stable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Path):
        return str(value)
    config = getattr(value, "config", None)  # a plugin: its class and its options
    if isinstance(config, Mapping):
        return {"plugin": f"{type(value).__module__}.{type(value).__qualname__}",
                "options": stable(config)}
    module_file = getattr(value, "__file__", None)  # a hook module: its source
    if isinstance(module_file, str) and os.path.isfile(module_file):
        return {"module": digest(Path(module_file).read_bytes())}
    if hasattr(value, "__dict__") and not callable(value):
        return {"type": type(value).__qualname__, **stable(vars(value))}
    return _ADDRESS.sub("", repr(value))


def _tree(folder: str | os.PathLike | None, only: tuple[str, ...] = ()) -> list[str]:
    """Names and bytes of a folder's files (the journal's own templates and pages)."""
    if not folder or not os.path.isdir(folder):
        return []
    out = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and (not only or path.suffix in only):
            out.append(f"{path.relative_to(folder).as_posix()}:{digest(path.read_bytes())}")
        elif path.is_file():
            out.append(path.relative_to(folder).as_posix())
    return out


SKIP = {"config_file_path", "site_dir", "docs_dir", "plugins", "watch", "dev_addr"}


def site_key(config: Mapping[str, Any], theme_custom_dir: str | None, docs_dir: str,
             extra: Iterable[object] = ()) -> str:
    """What every page's HTML depends on besides its own data: MkDocs' settings (the
    journal's mkdocs.yml as read, navigation included), the journal's theme overrides, its
    own pages in docs/ (their titles are in every page's menu), our code and the versions
    of everything installed."""
    settings = {k: stable(v) for k, v in config.items() if k not in SKIP}
    plugins = config.get("plugins") or {}
    settings["plugins"] = {name: stable(p) for name, p in plugins.items()}
    return digest(VERSION, code_digest(), installed_digest(),
                  json.dumps(settings, sort_keys=True, default=repr),
                  *_tree(theme_custom_dir), *_tree(docs_dir, (".md", ".markdown")), *extra)


def fingerprint(value: object) -> str | None:
    """A digest of a page's own data (dataclasses, dicts, lists of them): None when the data
    holds something whose text changes from run to run, so that page is always built."""
    text = repr(value)
    if _ADDRESS.search(text):
        return None
    return digest(text)


class PageStore:
    """The stored pages, in `<cache>/pages/`: each page's HTML once per distinct content
    (`<digest of the bytes>.html`), and `index.json` mapping each page key of the last build
    to its HTML and its search entries. A page drawn again with the same bytes therefore
    keeps its file, and so its inode and mtime in the site (rsync sees no change)."""

    def __init__(self, cache: Path, preview: bool = False):
        self.folder = cache / "pages"
        self.folder_text = str(self.folder)
        # The preview's pages (drafts shown, its own address) have their own index, so a
        # `glimmer serve` does not make the next `glimmer build` draw every page again.
        self.index_file = self.folder / ("index-preview.json" if preview else "index.json")
        self.index: dict[str, dict] = {}
        self.new: dict[str, dict] = {}
        self.used: set[str] = set()
        self.listed: set[str] | None = None
        try:
            data = json.loads(self.index_file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == VERSION:
                self.index = data.get("pages") or {}
        except (OSError, ValueError):
            pass  # no store yet, or a damaged one: those pages are simply built

    def _entry(self, key: str) -> dict | None:
        return self.new.get(key) or self.index.get(key)

    def path(self, key: str) -> str:
        """Where the page's stored HTML is (text: a rebuild asks for a thousand of them)."""
        entry = self._entry(key) or {}
        return os.path.join(self.folder_text, f"{entry.get('html', 'missing')}.html")

    def has(self, key: str, with_search: bool) -> bool:
        entry = self.index.get(key)
        return (isinstance(entry, dict) and isinstance(entry.get("html"), str)
                and (not with_search or isinstance(entry.get("search"), list))
                and f"{entry['html']}.html" in self._stored())

    def _stored(self) -> set[str]:
        """The stored pages' file names, listed once (a stat per page was slower)."""
        if self.listed is None:
            try:
                self.listed = set(os.listdir(self.folder))
            except OSError:
                self.listed = set()
        return self.listed

    def search(self, key: str) -> list:
        return (self._entry(key) or {}).get("search") or []

    def put(self, key: str, html: bytes) -> None:
        """Store a page just built (atomically: a killed build never leaves half a page)."""
        name = hashlib.sha256(html).hexdigest()
        self.new[key] = {"html": name}
        target = self.folder / f"{name}.html"
        if not target.is_file():
            write_if_changed(target, html)

    def set_search(self, key: str, entries: list) -> None:
        if key in self.new:
            self.new[key]["search"] = entries

    def save(self) -> None:
        """Keep the index of this build's pages (and only those)."""
        if not self.new and self.used == set(self.index):
            return  # the same pages as last time
        pages = {k: self._entry(k) for k in sorted(self.used) if self._entry(k)}
        # The bytes json.dumps gives for the whole index, made a page at a time: the index
        # holds every page's search entries (7 MB at N = 10,000), and a build's memory
        # peaks at its end, where the whole text and its bytes would be two more copies.
        def dump(value) -> str:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

        parts = (f"{dump(k)}:{dump(v)}".encode() for k, v in pages.items())
        write_parts_if_changed(self.index_file, itertools.chain(
            [f'{{"version":{dump(VERSION)},"pages":{{'.encode()], _joined(parts), [b"}}"]))

    def place(self, key: str, target: str) -> None:
        """The stored page at `target`, as a hard link (a copy where links fail). Unlike the
        cards' `link_if_changed`, an equal file already there is replaced too: the site must
        share the stored file's inode, so the next build finds it unchanged for free."""
        stored = self.path(key)
        try:
            if os.path.samefile(stored, target):
                return
        except OSError:
            pass
        folder, name = os.path.split(target)
        os.makedirs(folder, exist_ok=True)
        link = os.path.join(folder, f".{name}.{os.getpid()}.link")
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(link)
            os.link(stored, link)
            os.replace(link, target)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(link)
            write_if_changed(Path(target), Path(stored).read_bytes())

    def prune(self, before: float) -> int:
        """Delete stored pages this build did not use (older than its start), but for those
        the last preview used: `glimmer serve` then starts without drawing them again."""
        keep = {str((self._entry(k) or {}).get("html")) for k in self.used}
        for name in ("index.json", "index-preview.json"):
            if self.folder / name != self.index_file:
                keep |= _html_names(self.folder / name)
        removed = 0
        try:
            with os.scandir(self.folder) as listing:
                found = [e for e in listing if e.name.endswith(".html")
                         and e.name[:-5] not in keep]
        except OSError:
            return 0
        for entry in found:
            try:
                if entry.stat(follow_symlinks=False).st_mtime < before:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                continue
        return removed


def _joined(parts: Iterable[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """`b",".join(parts)` in pieces of about `size` bytes."""
    piece: list[bytes] = []
    held = 0
    for i, part in enumerate(parts):
        if i:
            piece.append(b",")
        piece.append(part)
        held += len(part)
        if held >= size:
            yield b"".join(piece)
            piece, held = [], 0
    if piece:
        yield b"".join(piece)


def _html_names(index: Path) -> set[str]:
    """The stored pages another index refers to (none if it is missing or damaged)."""
    try:
        pages = json.loads(index.read_text(encoding="utf-8")).get("pages") or {}
        return {str(entry.get("html")) for entry in pages.values() if isinstance(entry, dict)}
    except (OSError, ValueError, AttributeError):
        return set()
