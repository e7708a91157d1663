"""The browser tests' plumbing: build a site with real MkDocs, serve it, watch a page.

Each `Tab` records every request, console error, page error, failed response and dialog,
so any test can assert that a visitor's browser had nothing to complain about.
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page

from glimmer_publish.entries import Entry
from glimmer_publish.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium calls home, which this network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE = REPO / "tests" / "node_modules" / "axe-core" / "axe.min.js"
BASE_PATH = "/journal/"  # served below a path, like a GitHub project page

SIZES: dict[str, dict] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}


# ------------------------------------------------------------------ building and serving


def copy_project(dest: Path, entries: Path | None = None) -> Path:
    """A throwaway copy of the site's sources (config, theme, pages), optionally other entries."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for name in ("docs", "theme"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    shutil.copytree(entries or REPO / "entries", dest / "entries")
    return dest


def use_card_cache(project: Path, card_cache: Path) -> None:
    """Make the project's card cache folder (wherever its settings put it) the shared one."""
    cache_dir = load_settings(project / "mkdocs.yml").cache_dir
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.symlink_to(card_cache, target_is_directory=True)


@contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file, across processes, for the `with` block."""
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def set_site_url(config: Path, url: str) -> None:
    """Point site_url at the local server (a line edit: mkdocs.yml may hold custom YAML tags)."""
    text = config.read_text(encoding="utf-8")
    line = f"site_url: {url}"
    text, found = re.subn(r"(?m)^site_url:.*$", line, text)
    config.write_text(text if found else f"{line}\n{text}", encoding="utf-8")


def mkdocs_build(project: Path, site_dir: Path) -> None:
    """A real `mkdocs build`; on failure the test shows MkDocs' own messages."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"),
         "-d", str(site_dir)],
        cwd=project, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if done.returncode != 0:
        pytest.fail(f"mkdocs build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the built site below BASE_PATH and answers misses with its 404.html, like Pages."""

    def send_head(self):
        if not urlsplit(self.path).path.startswith(BASE_PATH):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + urlsplit(path).path[len(BASE_PATH):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


@dataclass
class Site:
    """A built site being served: `url` ends with '/', `root` is the folder on disk."""

    url: str
    root: Path
    project: Path

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc


def serve_site(project: Path, site_dir: Path, card_cache: Path) -> Iterator[Site]:
    """Bind a free port first (site_url needs it), build with that URL, then serve.

    Builds share one card cache and take turns (xdist workers too): the first draws the
    cards, the others reuse them, so two cores never draw the same cards twice.
    """
    handler = functools.partial(_SiteHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    with server:
        set_site_url(project / "mkdocs.yml", url)
        use_card_cache(project, card_cache)
        with exclusive(card_cache / ".lock"):
            mkdocs_build(project, site_dir)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield Site(url=url, root=site_dir, project=project)
        finally:
            server.shutdown()


@dataclass
class Tab:
    """A page in its own context, with everything it did recorded."""

    page: Page
    site: Site
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def goto(self, path: str = "", wait_until: str = "networkidle"):
        return self.page.goto(self.site.url + path, wait_until=wait_until)

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the local server (data: and blob: URLs stay in the page)."""
        return [
            url for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).netloc != self.site.netloc
        ]

    def problems(self) -> list[str]:
        """Everything a visitor's browser would complain about, one line each."""
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed]
            + [f"third-party request: {u}" for u in self.foreign_requests()]
            + [f"dialog: {m}" for m in self.dialogs]
        )


def watch(tab: Tab) -> None:
    page = tab.page

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_response(response) -> None:
        if response.status >= 400:
            tab.failed.append(f"{response.status} {response.url}")

    def on_failed(request) -> None:
        # Leaving a page cancels what it still had in flight; that is no fault of the site.
        if request.failure != "net::ERR_ABORTED":
            tab.failed.append(f"{request.failure} {request.url}")

    def on_dialog(dialog) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("request", lambda request: tab.requests.append(request.url))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    page.on("dialog", on_dialog)


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (from npm) inside the page; one readable line per violating element."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` in tests/ (tests/run.sh does)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node['failureSummary']}"
        for v in result["violations"] for node in v["nodes"]
    ]


def page_path(name: str, entry: Entry) -> str:
    """Where the pages every test visits live, by the shared URL scheme."""
    return {"home": "", "entry": entry.url, "tag": f"tags/{entry.tags[0]}/",
            "archive": "archive/"}[name]
