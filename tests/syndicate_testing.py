"""Shared parts of the syndication tests: a journal in a git clone whose `origin` is a local
bare repository (where the state branch goes), and a loopback web server standing in for the
deployed site, so "is the page live?" gets a real HTTP answer."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from glimmer_testing import TmpJournal

from glimmer_publish.syndicate.state import BRANCH, STATE_FILE, State

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          timeout=60).stdout


class Site:
    """Answers 200 for the pages in `live`, 404 for everything else (like a fresh deploy)."""

    def __init__(self) -> None:
        self.live: set[str] = set()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                ok = self.path in site.live
                self.send_response(200 if ok else 404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<p>a glimmer</p>" if ok else b"not here")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/journal/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, slug: str) -> None:
        self.live.add(f"/journal/glimmers/{slug}/")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def clone_journal(tmp: Path, name: str, syndicate: dict, site: Site,
                  origin: Path | None = None, cache: Path | None = None
                  ) -> tuple[TmpJournal, Path]:
    """A journal checked out from `origin` (a new bare repository unless given)."""
    if origin is None:
        origin = tmp / "origin.git"
        git(tmp, "init", "-q", "--bare", str(origin))
    root = tmp / name
    journal = TmpJournal(root)
    journal.settings = replace(journal.settings, site_url=site.url,
                               extra={"syndicate": syndicate},
                               cache_dir=cache or journal.settings.cache_dir)
    git(root, "init", "-q")
    git(root, "remote", "add", "origin", str(origin))
    return journal, origin


def remote_state(origin: Path) -> State | None:
    shown = subprocess.run(["git", "show", f"{BRANCH}:{STATE_FILE}"], cwd=origin,
                           capture_output=True, text=True)
    return State.from_json(shown.stdout) if shown.returncode == 0 else None


class Output:
    """Collects what a run prints, to check what the writer would read."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)
