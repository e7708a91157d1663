"""`glimmer build` and `glimmer serve`: the same MkDocs build the plugin does, made safe.

`build` validates first, builds into a fresh folder beside the site and swaps it in only
when the build is complete, so a failed build leaves the published `site/` exactly as it
was.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from filelock import FileLock

from .cli import EXIT_OK, EXIT_PROBLEMS
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


def keep_unchanged(new: Path, site: Path) -> int:
    """Hard-link files whose bytes did not change from the old site into the new one.

    The new site is still swapped in whole, but an unchanged file keeps its inode and
    mtime, so rsync, caches and web servers see that nothing changed. Returns how many.
    """
    if not site.is_dir():
        return 0
    kept = 0
    for dirpath, _, filenames in os.walk(new):
        for name in filenames:
            fresh = Path(dirpath) / name
            old = site / fresh.relative_to(new)
            try:
                if not old.is_file() or old.is_symlink():
                    continue
                if os.path.samefile(old, fresh):  # both linked from the card cache
                    kept += 1
                    continue
                if not filecmp.cmp(old, fresh, False):
                    continue
                link = fresh.with_name(f".{name}.keep")
                os.link(old, link)
                os.replace(link, fresh)
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


def swap_in(new: Path, site: Path, lock: Path) -> None:
    """Replace `site` by `new` with renames only, so readers never see half a site.

    `lock` is a file in the cache folder (out of the way, and never published)."""
    with swap_lock(lock):
        keep_unchanged(new, site)
        old = site.with_name(f".{site.name}.old-{os.getpid()}")
        if site.exists():
            os.replace(site, old)
        try:
            os.replace(new, site)
        except OSError:
            if old.exists():
                os.replace(old, site)
            raise
    shutil.rmtree(old, ignore_errors=True)


def run_mkdocs_build(config_file: Path, out: Path) -> None:
    """The very build `mkdocs build` does, into `out`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(out))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import MkDocsException

    config_file = find_config(args.config)
    settings = load_settings(config_file, publishing=True)
    journal = load_journal(settings, include_drafts=True)
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
    building = site.with_name(f".{site.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    _show_mkdocs_log(logging.WARNING)
    started = time.perf_counter()
    try:
        run_mkdocs_build(config_file, building)
    except (MkDocsException, OSError) as exc:
        shutil.rmtree(building, ignore_errors=True)
        print(f"glimmer build: {exc}\nthe site was not changed", file=sys.stderr)
        return EXIT_PROBLEMS
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    swap_in(building, site, (settings.cache_dir or site.parent / ".cache") / "build.lock")
    published = len([e for e in journal.entries if not e.draft])
    print(f"built {published} glimmers into {site} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    config_file = find_config(args.config)
    _show_mkdocs_log(logging.INFO)
    try:
        serve(config_file=str(config_file), dev_addr=args.dev_addr,
              open_in_browser=args.open)
    except MkDocsException as exc:
        print(f"glimmer serve: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def add_build_parser(sub) -> None:
    p = sub.add_parser("build", help="make the whole site (pages, cards, feeds) into site/")
    p.add_argument("--site-dir", help="where to put the site (default: site_dir in mkdocs.yml, "
                                      "else ./site)")
    p.set_defaults(func=cmd_build)


def add_serve_parser(sub) -> None:
    p = sub.add_parser("serve", help="preview the site while you write (drafts shown)")
    p.add_argument("--dev-addr", "-a", default=None, metavar="IP:PORT",
                   help="address to serve on (default: 127.0.0.1:8000)")
    p.add_argument("--open", action="store_true", help="open the preview in a browser")
    p.set_defaults(func=cmd_serve)
