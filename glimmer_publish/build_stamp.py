"""Knowing that nothing changed since the last `glimmer build`, without building again.

A build that has nothing to do still loads MkDocs, plans every page and walks the whole site
to find that out: two seconds at 1,000 glimmers. Like make, `glimmer build` keeps a stamp of
what its last complete build was made from and of the site it left:

- made from: this tool (its version and files), every installed package, the Python, the
  bytes of mkdocs.yml, the environment variables it names, the UTC day (MkDocs dates the
  sitemap), the digest of every entry file as the build read it, and the status (size,
  mtime, ctime, inode, mode) of every other file under entries/, docs/, the theme's
  custom_dir and of each glimmer's photo;
- left: every folder of the site and its mtime, which changes whenever a file in it is
  added, removed or renamed.

When all of it holds, the site is already what a build would make. Anything unsure builds:
a file other than an entry saved less than two seconds before the check (a later save in
the same tick of a coarse clock would look the same), `hooks`, `INHERIT` or plugins other
than ours and search (their pages may depend on anything). As for entry files
(entry_cache.py), statuses are trusted on POSIX only: on Windows every build builds.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .entry_cache import SETTLED_NS, TRUST_STATUS
from .installed import digest, installed_digest

FORMAT = 1
OUR_PLUGINS = {"search", "material/search", "glimmer"}
PACKAGE = Path(__file__).resolve().parent
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Unsure(Exception):
    """Something the stamp cannot vouch for: build."""


def _plugin_names(plugins: object) -> list[str]:
    if isinstance(plugins, dict):
        return [str(k) for k in plugins]
    names = []
    for item in plugins if isinstance(plugins, list) else []:
        names += [str(k) for k in item] if isinstance(item, dict) else [str(item)]
    return names


def _tree(root: Path, limit: int, out: list, read: Mapping[str, str] | None = None) -> None:
    """The status of every file below `root` (none if it does not exist), or for a file in
    `read` (absolute path: digest of the bytes this build was given) that digest. Folders'
    own times are left out: the files' paths say what was added, removed or renamed, and
    Python writing `__pycache__` into the package must not count as a change."""
    try:
        listing = sorted(os.scandir(root), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in listing:
        if entry.name == "__pycache__" or entry.name.endswith(".pyc"):
            continue
        if entry.is_dir():
            _tree(Path(entry.path), limit, out, read)
            continue
        found = read.get(os.path.abspath(entry.path)) if read else None
        if found is not None:
            out.append((entry.path, found))
            continue
        st = entry.stat(follow_symlinks=True)
        if max(st.st_mtime_ns, st.st_ctime_ns) > limit:
            raise Unsure(entry.path)
        out.append((entry.path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                    st.st_mode))


def inputs(config_file: Path, config: dict, entries_dir: Path, photos: Iterable[Path],
           site: Path, read: Mapping[str, str] | None = None) -> str | None:
    """A digest of everything a build is made from, or None when a build must run.

    `read` holds the entry files the build was loaded from, by absolute path, with the
    digest of their bytes as read: those stand for themselves, whatever their times say, so
    an entry saved again unchanged (an editor's autosave, a `git stash` and `pop`) builds
    nothing, and one saved an instant ago is no worry (its bytes, not its status, count)."""
    if not TRUST_STATUS or config.get("hooks") or "INHERIT" in config:
        return None
    if any(name.strip() not in OUR_PLUGINS for name in _plugin_names(config.get("plugins"))):
        return None
    here = config_file.parent
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    roots = [entries_dir, here / str(config.get("docs_dir") or "docs"), PACKAGE]
    if custom:
        roots.append(here / str(custom))
    text = config_file.read_bytes()
    names = set(_NAME.findall(text.decode("utf-8", "replace"))) | {"CI", "SOURCE_DATE_EPOCH"}
    env = sorted((k, v) for k, v in os.environ.items() if k in names or k.startswith("GLIMMER_"))
    limit = time.time_ns() - SETTLED_NS
    status: list = []
    try:
        for root in roots:
            status.append(str(root))
            _tree(root, limit, status, read)
        for photo in sorted(set(photos)):
            st = os.stat(photo)
            if max(st.st_mtime_ns, st.st_ctime_ns) > limit:
                return None
            status.append((str(photo), st.st_size, st.st_mtime_ns, st.st_ino))
    except (Unsure, OSError):
        return None
    day = os.environ.get("SOURCE_DATE_EPOCH") or datetime.now(UTC).date().isoformat()
    return digest(FORMAT, __version__, sys.version, sys.prefix, installed_digest(),
                  config_file.resolve(), text, json.dumps(env), day, site,
                  json.dumps(status))


def _folders_hold(site: Path, folders: list) -> bool:
    top = str(site)
    try:
        return all(os.stat(os.path.join(top, rel)).st_mtime_ns == mtime
                   for rel, mtime in folders)
    except OSError:
        return False


def fresh(stamp: Path, key: str, site: Path) -> dict | None:
    """The last build's stamp when it was made from `key` and left `site` as it is now."""
    try:
        last = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(last, dict) or last.get("key") != key or not last.get("folders"):
        return None
    return last if _folders_hold(site, last["folders"]) else None


def forget(stamp: Path) -> None:
    stamp.unlink(missing_ok=True)


def write(stamp: Path, key: str, site: Path, folders: Iterable[str],
          said: list[tuple[int, str, str]]) -> None:
    """Stamp a complete build: `folders` (site-relative) are every folder it left."""
    top = str(site)
    try:
        held = [(rel, os.stat(os.path.join(top, rel)).st_mtime_ns) for rel in folders]
    except OSError:
        return  # the site changed under us: no stamp, the next build builds
    tmp = stamp.with_name(f".{stamp.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"key": key, "folders": held, "said": said}), encoding="utf-8")
    os.replace(tmp, stamp)


class Said(logging.Handler):
    """What a build says through MkDocs' logging (warnings, our site-size line), kept so a
    build that finds nothing changed can say it again."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[int, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.name == "mkdocs.plugins.glimmer":
            self.records.append((record.levelno, record.name, record.getMessage()))


def say_again(last: dict) -> None:
    for level, name, message in last.get("said") or []:
        logging.getLogger(name).log(level, "%s", message)
