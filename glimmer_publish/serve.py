"""`glimmer serve`: the live preview, quick enough to write with.

MkDocs' own `serve` builds every page again after each save and looks for changes twice a
second. This one builds over the preview's folder with the stored pages (so a save draws
only the pages it changes: the entry, its neighbours, the listings that show it, the feeds)
and is told of a save by the operating system (inotify, FSEvents, ReadDirectoryChangesW),
falling back to looking every 0.1 s where that is not available.
"""

from __future__ import annotations

import argparse
import gc
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .build import _show_mkdocs_log, build_dirty
from .cli import CALM_GC, EXIT_OK, EXIT_PROBLEMS
from .plugin.theme import keep_compiled
from .settings import find_config

log = logging.getLogger("mkdocs.commands.serve")
POLL = 0.1  # seconds between looks, where the system cannot tell us of changes
CHANGES = ("created", "modified", "deleted", "moved")


def _observer():
    """The system's own file watcher where there is one; polling where there is not.

    Only changes count: a system watcher also reports files being opened and closed, and
    the build itself reads every entry (that would start a new build after each one)."""
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class ChangesOnly:
        def __init__(self, handler):
            self.handler = handler

        def dispatch(self, event) -> None:
            if event.event_type in CHANGES:
                self.handler.dispatch(event)

    class Watcher(Observer):
        def schedule(self, handler, path, *args, **kwargs):
            return super().schedule(ChangesOnly(handler), path, *args, **kwargs)

    try:
        watcher = Watcher()
        watcher.unschedule(watcher.schedule(ChangesOnly(None), tempfile.gettempdir()))
        return watcher
    except Exception:  # no inotify instances left, an exotic file system...
        return PollingObserver(timeout=POLL)


def serve(config_file: Path, dev_addr: str | None = None, open_in_browser: bool = False) -> None:
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer, _serve_url

    site_dir = tempfile.mkdtemp(prefix="glimmer-preview-")
    options = {"dev_addr": dev_addr} if dev_addr else {}

    def get_config():
        config = load_config(config_file=str(config_file), site_dir=site_dir, **options)
        keep_compiled(config)
        return config

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=True)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)

    def builder(config=None) -> None:
        if config is None:  # mkdocs.yml may have changed: read it again, as MkDocs does
            config = get_config()
            config.plugins.on_startup(command="serve", dirty=True)
        config.site_url = serve_url
        build_dirty(config, serve_url)

    server = LiveReloadServer(builder=builder, host=host, port=port, root=site_dir,
                              mount_path=mount_path, polling_interval=POLL)
    server.observer = _observer()

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir) / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        builder(config)
        if gc.get_threshold() == CALM_GC:  # what the first build keeps lives until the end
            gc.collect()
            gc.freeze()
        server.watch(config.docs_dir)
        server.watch(str(config_file))
        if config.theme.custom_dir:
            server.watch(config.theme.custom_dir)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve(open_in_browser=open_in_browser)
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import MkDocsException

    config_file = find_config(args.config)
    _show_mkdocs_log(logging.INFO)
    try:
        serve(config_file, dev_addr=args.dev_addr, open_in_browser=args.open)
    except MkDocsException as exc:
        print(f"glimmer serve: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def add_serve_parser(sub) -> None:
    p = sub.add_parser("serve", help="preview the site while you write (drafts shown)")
    p.add_argument("--dev-addr", "-a", default=None, metavar="IP:PORT",
                   help="address to serve on (default: 127.0.0.1:8000)")
    p.add_argument("--open", action="store_true", help="open the preview in a browser")
    p.set_defaults(func=cmd_serve)
