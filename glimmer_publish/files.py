"""Writing the site's and the cache's files safely: whole or not at all, and only when the
bytes change (a file left alone keeps its time, so servers and `rsync` see nothing new).

Card workers use these too, so this module imports nothing heavier than the standard library.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write `data` unless the file already holds exactly these bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    return _write_atomically(path, (data,))


def write_parts_if_changed(path: Path, parts: Iterable[bytes]) -> bool:
    """`write_if_changed(path, b"".join(parts))` without holding all the bytes at once: they
    are written aside, then compared with the file there."""
    return _write_atomically(path, parts, unless_same=True)


def _write_atomically(path: Path, parts: Iterable[bytes], unless_same: bool = False) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except FileNotFoundError:  # the folder first (only then: a cold build writes thousands)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            for part in parts:
                fh.write(part)
        if unless_same and path.is_file() and filecmp.cmp(tmp, path, shallow=False):
            os.unlink(tmp)
            return False
        os.chmod(tmp, 0o644)  # mkstemp makes files private; cards are published
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def link_if_changed(source: Path, path: Path) -> None:
    """Publish a cached file as a hard link (no copy, no rewrite); copy where links fail."""
    try:
        # A card new to this site (most of a cold build's): the link is made whole at once.
        try:
            os.link(source, path)
            return
        except FileNotFoundError:
            if not source.exists():
                raise
            path.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, path)
            return
    except FileExistsError:
        pass
    except OSError:
        write_if_changed(path, source.read_bytes())
        return
    try:
        if os.path.samefile(source, path):
            return
    except OSError:
        pass
    try:
        link = path.with_name(f".{path.name}.{os.getpid()}.link")
        link.unlink(missing_ok=True)
        os.link(source, link)
        if filecmp.cmp(source, path, shallow=False):
            link.unlink()  # same bytes already there: keep that file as it is
            return
        os.replace(link, path)
    except OSError:
        write_if_changed(path, source.read_bytes())
