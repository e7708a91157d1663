"""`glimmer serve` in a real browser: a broken entry says what is wrong, and recovers.

The writer has an entry's page open while editing it. Saving a mistake must not leave the
tab stuck (MkDocs' live reload waits forever after a failed build): the page reloads into a
panel naming file:line and a hint, and reloads back into the entry once the fix is saved.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import REPO, set_site_url, use_card_cache
from playwright.sync_api import Browser, expect

ENTRY = "2026-06-02-birds-before-the-alarm"
WAIT_MS = 120_000  # a loaded machine: the reload comes when the rebuild ends


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path, card_cache: Path) -> Iterator[tuple[str, Path]]:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("docs", "theme"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project / name)
    entries = project / "entries" / "2026"
    entries.mkdir(parents=True)
    for path in sorted((REPO / "entries" / "2026").glob("*.md"))[:4]:
        shutil.copy2(path, entries / path.name)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/journal/"
    set_site_url(project / "mkdocs.yml", base)
    use_card_cache(project, card_cache)
    server = subprocess.Popen(
        [sys.executable, "-m", "glimmer_publish.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                with urllib.request.urlopen(base, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "glimmer serve never answered"
                time.sleep(0.3)
        yield base, entries / f"{ENTRY}.md"
    finally:
        server.terminate()
        server.wait(20)


def test_a_broken_entry_shows_its_problems_in_the_open_page_and_recovers(
        browser: Browser, served: tuple[str, Path]):
    base, source = served
    good = source.read_text(encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{base}glimmers/{ENTRY}/")
        expect(page.locator("h1").first).to_contain_text("Birds before the alarm")
        panel = page.locator("#glimmer-problems")
        expect(panel).to_have_count(0)

        # the most common mistake: an unquoted colon in the title
        source.write_text(good.replace("title: Birds before the alarm",
                                       "title: Birds: before the alarm"), encoding="utf-8")
        expect(panel).to_be_visible(timeout=WAIT_MS)
        expect(panel).to_contain_text(f"entries/2026/{ENTRY}.md:2:")
        expect(panel).to_contain_text("hint:")
        expect(panel).to_contain_text("One thing in your journal needs a look")

        # other pages of the preview carry the same panel and still work
        other = context.new_page()
        other.goto(base)
        expect(other.locator("#glimmer-problems")).to_contain_text(f"{ENTRY}.md:2:")
        other.close()

        source.write_text(good, encoding="utf-8")
        expect(panel).to_have_count(0, timeout=WAIT_MS)
        expect(page.locator("h1").first).to_contain_text("Birds before the alarm")
    finally:
        context.close()


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _until(check, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_a_renamed_or_deleted_entry_leaves_the_preview(served: tuple[str, Path]):
    """The preview only removes what the last rebuild made and this one did not: a page,
    its cards and their folders go as soon as their entry is renamed or deleted."""
    base, source = served
    others = sorted(p for p in source.parent.glob("*.md") if p != source)
    gone, kept = others[0], others[1]
    old, new = f"{base}glimmers/{ENTRY}/", f"{base}glimmers/{ENTRY}-renamed/"
    card = f"{base}cards/{gone.stem}/og.jpg"
    assert _status(old) == 200 and _status(card) == 200
    source.rename(source.with_name(f"{ENTRY}-renamed.md"))
    gone.unlink()
    _until(lambda: _status(new) == 200, "the renamed entry never showed")
    _until(lambda: _status(old) == 404 and _status(f"{base}glimmers/{gone.stem}/") == 404,
           "the old pages stayed in the preview")
    assert _status(card) == 404
    assert _status(f"{base}glimmers/{kept.stem}/") == 200
