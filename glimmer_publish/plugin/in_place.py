"""Building over the previous build's folder instead of an empty one.

Making the folders of a fresh site (one per glimmer for its page, cards and thumbnails) is
most of a rebuild's time on some file systems, and deleting the old one as much again. So
`glimmer build` alternates between two folders (the site and the one before it) and
`glimmer serve` keeps one: each build writes over what is there. Two rules keep that safe:

- a file that is shared with another (a hard link into the card or page cache, or into the
  other site) is unlinked before MkDocs writes it, because MkDocs writes files in place;
- whatever this build did not make is removed at the end, so the folder holds exactly what
  a clean build gives (tests/test_incremental_properties.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..site_size import Tally


def make_room(paths: Iterable[str | os.PathLike]) -> None:
    """Unlink each of these files if other names share it: MkDocs is about to write it."""
    for path in paths:
        try:
            if os.stat(path, follow_symlinks=False).st_nlink > 1:
                os.unlink(path)
        except OSError:
            continue


def remove_stale(site: Path, made: set[str], since: float, tally: Tally | None = None,
                 folders: list[str] | None = None) -> int:
    """Delete files under `site` this build did not make, and folders left empty.

    `made` holds the site-relative paths the build is known to have made or kept; a file
    written since `since` (another plugin's, say) counts as made too. Returns how many.
    `tally` counts the files that stay (the site's size, without a second walk); `folders`
    gets every folder that stays, site-relative ("." for the site itself)."""
    removed = 0

    def walk(folder: str, rel: str, top: str) -> bool:
        """True when the folder is empty afterwards."""
        nonlocal removed
        empty = True
        try:
            listing = list(os.scandir(folder))
        except OSError:
            return False
        for entry in listing:
            name = f"{rel}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if walk(entry.path, name + "/", top or entry.name):
                        os.rmdir(entry.path)
                        removed += 1
                    else:
                        empty = False
                    continue
                if name in made and tally is None:
                    empty = False
                    continue
                st = entry.stat(follow_symlinks=False)
                if name in made or st.st_mtime >= since:
                    empty = False
                    if tally is not None:
                        tally.add(top, st.st_size)
                    continue
                os.unlink(entry.path)
                removed += 1
            except OSError:
                empty = False
        if folders is not None and (not empty or not rel):
            folders.append(rel.rstrip("/") or ".")
        return empty

    walk(str(site), "", "")
    return removed


def remove_gone(site: Path, made: set[str], before: set[str], since: float) -> int:
    """`remove_stale` for a folder only ever built by this process (the preview's): of the
    files the build before made (`before`), delete those this one did not, and folders they
    leave empty, without walking the whole site after every save."""
    removed = 0
    folders = set()
    for rel in before - made:
        path = os.path.join(site, rel)
        try:
            if os.stat(path, follow_symlinks=False).st_mtime < since:
                os.unlink(path)
                removed += 1
                folders.add(os.path.dirname(path))
        except OSError:
            continue
    root = os.path.normpath(site)
    for folder in sorted(folders, key=len, reverse=True):
        while os.path.normpath(folder) != root and folder.startswith(root):
            try:
                os.rmdir(folder)  # only when empty
            except OSError:
                break
            removed += 1
            folder = os.path.dirname(folder)
    return removed
