"""`glimmer build`: the same MkDocs build the plugin does, made safe and quick.

`build` validates first, builds over the site before last (a folder beside the site, see
plugin/in_place.py) and swaps the two only when the build is complete, so a failed build
leaves the published `site/` exactly as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import gc
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from filelock import FileLock

from . import build_stamp, entry_cache
from .cli import CALM_GC, EXIT_OK, EXIT_PROBLEMS
from .entries import load_journal
from .identity import journal_id_problem
from .problems import render
from .settings import find_config, load_settings, read_mkdocs_yml


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now, not the one there was when it was made."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _show_mkdocs_log(level: int) -> None:
    """MkDocs only prints through logging; show its warnings (and more while serving)."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    logging.getLogger("mkdocs.plugins.glimmer").setLevel(min(level, logging.INFO))  # site size


def site_dir_of(config_file: Path, override: str | None) -> Path:
    if override:
        return Path(override).resolve()
    configured = read_mkdocs_yml(config_file).get("site_dir") or "site"
    return (config_file.parent / str(configured)).resolve()


# Folders whose every file is a hard link into the card or page cache, which keep a file for
# as long as its bytes stay the same: nothing there to compare (and a folder per glimmer).
FROM_CACHES = {"cards", "thumbs", "glimmers"}


def keep_unchanged(new: Path, site: Path) -> int:
    """Hard-link files whose bytes did not change from the old site into the new one.

    The new site is still swapped in whole, but an unchanged file keeps its inode and
    mtime, so rsync, caches and web servers see that nothing changed. Pages and cards are
    links into the caches, whose files only change with their bytes: both sites hold the
    same inode (read from the directory listings, without a system call per file), and a
    cached file is never swapped for an older copy of itself. Returns how many were kept.
    """
    if not site.is_dir():
        return 0
    kept = 0
    folders = [(new, site)]
    while folders:
        fresh_dir, old_dir = folders.pop()
        try:
            old = {e.name: e for e in os.scandir(old_dir)}
            listing = list(os.scandir(fresh_dir))
        except OSError:
            continue
        for entry in listing:
            if fresh_dir == new and entry.name in FROM_CACHES:
                continue
            before = old.get(entry.name)
            if before is None:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if before.is_dir(follow_symlinks=False):
                        folders.append((Path(entry.path), Path(before.path)))
                    continue
                if before.is_symlink() or not before.is_file():
                    continue
                if entry.inode() == before.inode():  # same file system: both sites sit side by side
                    kept += 1  # both linked from the card or page cache
                    continue
                if entry.stat(follow_symlinks=False).st_nlink > 1:
                    continue  # a cached card or page: its own inode is the one to keep from now on
                if not filecmp.cmp(before.path, entry.path, False):
                    continue
                link = Path(fresh_dir) / f".{entry.name}.keep"
                os.link(before.path, link)
                os.replace(link, entry.path)
                kept += 1
            except OSError:
                continue  # a file system without hard links: the fresh copy is just as good
    return kept


@contextlib.contextmanager
def swap_lock(lock: Path, timeout: float = -1):
    """One swap at a time: two builds finishing together must not interleave renames.

    An operating-system lock (flock on Linux and macOS, msvcrt on Windows, both through
    `filelock`) rather than a marker file: the system drops it when a build is killed, so a
    lock file left behind is never stale and never blocks the next build. `timeout` (seconds,
    -1 waits for ever) raises filelock.Timeout when another build keeps the lock."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock, timeout=timeout):
        yield


def swap_in(new: Path, site: Path) -> None:
    """Put `new` where `site` is and `site` where `new` was, with renames only, so readers
    never see half a site; the old site becomes the folder the next build writes over.

    Call it holding `swap_lock`."""
    keep_unchanged(new, site)
    if not site.exists():
        os.replace(new, site)
        return
    parked = site.with_name(f".{site.name}.swap-{os.getpid()}")
    os.replace(site, parked)
    try:
        os.replace(new, site)
    except OSError:
        os.replace(parked, site)
        raise
    os.replace(parked, new)


def make_spare(site: Path, spare: Path) -> None:
    """After a first build, the folder the next build writes over: the site again, its
    folders made anew and its files hard-linked (no bytes copied).

    Making a site's folders (three per glimmer) is most of a rebuild's time on some file
    systems; without this, the first rebuild would pay for all of them. CI skips it: no
    second build follows in the same checkout. The caller's `.incomplete` marker for the
    spare stays until it is whole, so a half-made spare is never written over."""
    marker = spare.with_name(spare.name + ".incomplete")
    try:
        for folder, _dirs, files in os.walk(site):
            inside = spare / Path(folder).relative_to(site)
            inside.mkdir(exist_ok=True)
            for name in files:
                os.link(os.path.join(folder, name), inside / name)
    except OSError:
        return  # no hard links here: the next build makes its own folders, as before
    marker.unlink(missing_ok=True)


def discard(folder: Path) -> None:
    """Delete a folder nobody reads any more without making the writer wait for it.

    The old site is thousands of files and folders (a folder per glimmer for its cards,
    thumbnails and page); unlinking them is most of a no-change rebuild's time on some file
    systems. Where a detached process can do it, one does; elsewhere it is done here."""
    if not folder.exists():
        return
    if os.name == "posix":
        try:
            subprocess.Popen(
                [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)",
                 str(folder)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def discard_leftovers(site: Path) -> None:
    """Old sites and half-built ones a killed build (or an older version) left beside the
    site. Call it holding `swap_lock`."""
    for pattern in ("old", "building", "swap"):
        for leftover in site.parent.glob(f".{site.name}.{pattern}-*"):
            discard(leftover)


class _QuietDirty(logging.Filter):
    """MkDocs warns that a dirty build may leave stale pages and links; ours decides per page
    from its stored copy's key and removes what it did not make (plugin/in_place.py), so the
    warning is wrong here (and would stop a `strict: true` build)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


def build_dirty(config, serve_url: str | None = None) -> None:
    """MkDocs' build in its dirty mode: only the pages the glimmer plugin has no up-to-date
    stored copy of are drawn, and the plugin puts the stored ones in place."""
    from mkdocs.commands.build import build

    quiet = _QuietDirty()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(quiet)
    try:
        build(config, serve_url=serve_url, dirty=True)
    finally:
        logger.removeFilter(quiet)


def run_mkdocs_build(config_file: Path, out: Path, journal=None) -> list[str] | None:
    """The build `mkdocs build` does, into `out` (empty, or the site before last).

    Returns every folder the site holds (site-relative), when our plugin walked them all."""
    from mkdocs.config import load_config

    from .plugin.theme import keep_compiled

    config = load_config(config_file=str(config_file), site_dir=str(out))
    if gc.get_threshold() == CALM_GC:  # glimmer's own process: the code is loaded for good
        gc.freeze()
    if journal is not None:  # already loaded and checked: the plugin need not read it again
        for plugin in config.plugins.values():
            if hasattr(plugin, "preloaded"):
                plugin.preloaded = journal
    keep_compiled(config)
    config.plugins.on_startup(command="build", dirty=True)
    try:
        build_dirty(config)
    finally:
        config.plugins.on_shutdown()
    ours = [p for p in config.plugins.values() if hasattr(p, "site_folders")]
    return ours[0].site_folders if len(ours) == 1 else None


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import MkDocsException

    config_file = find_config(args.config)
    settings = load_settings(config_file, publishing=True)
    journal = load_journal(settings, include_drafts=True)
    # The loader keeps its records in memory for a process that loads again (`glimmer
    # serve`); this one loads once (the plugin is handed the journal): about 1 kB an entry.
    entry_cache.forget()
    fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if journal.problems:
        print(render(journal.problems, fmt))
        n = len(journal.problems)
        print(f"{n} problem{'s' if n != 1 else ''} found; the site was not changed",
              file=sys.stderr)
        return EXIT_PROBLEMS
    shared_id = journal_id_problem(settings, config_file)
    if shared_id:  # the feeds are built all the same; the fix is one line in mkdocs.yml
        print(render([shared_id], fmt))

    site = site_dir_of(config_file, args.site_dir)
    # The build writes over the site before last (see plugin/in_place.py), then the two
    # swap places. A marker says that folder is being written: after a failed or killed
    # build it is not trusted and the next build starts from an empty one.
    building = site.with_name(f".{site.name}.previous")
    marker = building.with_name(building.name + ".incomplete")
    _show_mkdocs_log(logging.WARNING)
    started = time.perf_counter()
    cache = settings.cache_dir or site.parent / ".cache"
    published = len([e for e in journal.entries if not e.draft])
    with swap_lock(cache / "build.lock"):
        discard_leftovers(site)
        stamp = cache / "last-build.json"
        loaded = [*journal.entries, *journal.withheld]
        key = build_stamp.inputs(config_file, read_mkdocs_yml(config_file),
                                 settings.entries_dir, [e.photo for e in loaded if e.photo],
                                 site, {os.path.abspath(e.path): e.digest for e in loaded
                                        if e.digest})
        last = build_stamp.fresh(stamp, key, site) if key else None
        if last is not None:
            build_stamp.say_again(last)
            print(f"built {published} glimmers into {site} in "
                  f"{time.perf_counter() - started:.1f} s: nothing had changed since the last "
                  "build", file=sys.stderr)
            return EXIT_OK
        build_stamp.forget(stamp)
        if marker.exists() or not building.is_dir():
            if building.exists():
                parked = site.with_name(f".{site.name}.old-{os.getpid()}")
                os.replace(building, parked)
                discard(parked)
            building.mkdir(parents=True)
        marker.touch()
        said = build_stamp.Said()
        logging.getLogger("mkdocs").addHandler(said)
        try:
            folders = run_mkdocs_build(config_file, building, (settings, journal))
        except (MkDocsException, OSError) as exc:
            print(f"glimmer build: {exc}\nthe site was not changed", file=sys.stderr)
            return EXIT_PROBLEMS
        finally:
            logging.getLogger("mkdocs").removeHandler(said)
        swap_in(building, site)
        if not building.exists() and not os.environ.get("CI"):
            make_spare(site, building)  # the first build: the next one writes over this
        else:
            marker.unlink()
        if key and folders:
            build_stamp.write(stamp, key, site, folders, said.records)
    print(f"built {published} glimmers into {site} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return EXIT_OK


def add_build_parser(sub) -> None:
    p = sub.add_parser("build", help="make the whole site (pages, cards, feeds) into site/")
    p.add_argument("--site-dir", help="where to put the site (default: site_dir in mkdocs.yml, "
                                      "else ./site)")
    p.set_defaults(func=cmd_build)
