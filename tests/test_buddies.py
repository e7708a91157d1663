"""Glimmer buddies: the Buddies page, OPML files readers import, and a fetch that never hurts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from lxml import etree
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "practice"

CONFIG = """\
site_name: Tiny Test Journal
site_url: https://example.org/journal/
theme:
  name: material
  custom_dir: theme
  font: false
plugins:
  - glimmer:
      card_formats: [og]
      cache_dir: {cache}
      buddies_fetch: {fetch}
      buddies_timeout: 2
      buddies:
{buddies}
"""

BUDDIES = [
    ("Robin's small joys", "https://robin.example/", "https://robin.example/feed.xml"),
    ("Ana & Lou", "https://ana.example/glimmers/", "https://ana.example/glimmers/atom.xml"),
]
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
<item><title>Geese over the river</title><link>https://good.example/geese/</link></item>
<item><title>Older</title><link>https://good.example/older/</link></item></channel></rss>"""


def buddies_yaml(buddies) -> str:
    return "\n".join(f"        - name: {json.dumps(n)}\n          site: {s}\n          feed: {f}"
                     for n, s, f in buddies)


@pytest.fixture(scope="module")
def card_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("card-cache")


def make_journal(root: Path, cache: Path, buddies, fetch: bool) -> Path:
    (root / "entries").mkdir(parents=True)
    (root / "entries" / "2026-03-14-kettle.md").write_text(
        "---\ntitle: Sun on the kettle\ndate: 2026-03-14 07:30\n---\nSteam and light.\n")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(CONFIG.format(
        cache=json.dumps(str(cache)), fetch=str(fetch).lower(), buddies=buddies_yaml(buddies)))
    return root


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict`: any warning would fail it, so notes must stay calm info."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(root / "site")],
        cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture(scope="module")
def built(tmp_path_factory, card_cache) -> Path:
    root = make_journal(tmp_path_factory.mktemp("buddies"), card_cache, BUDDIES, fetch=False)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


def check_opml(data: bytes) -> etree._Element:
    """Well-formed OPML 2.0 whose every outline a feed reader can subscribe to."""
    root = etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    assert root.findtext("head/dateCreated")
    outlines = root.findall("body/outline")
    assert outlines
    for o in outlines:
        assert o.get("type") == "rss"
        for attr in ("text", "title", "xmlUrl", "htmlUrl"):
            assert o.get(attr), attr
        assert o.get("xmlUrl").startswith("https://")
    return root


@pytest.mark.parametrize("name", ["buddies.opml", "follow.opml"])
def test_opml_files_match_their_golden_copies(built: Path, name: str):
    data = (built / name).read_bytes()
    golden = GOLDEN / name
    if os.environ.get("GLIMMER_REGOLD"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()
    check_opml(data)


def test_buddies_opml_lists_every_buddy_with_their_feed_and_site(built: Path):
    root = check_opml((built / "buddies.opml").read_bytes())
    got = [(o.get("text"), o.get("htmlUrl"), o.get("xmlUrl")) for o in root.iter("outline")]
    assert got == BUDDIES  # '&' in a name survives as text, escaped in the XML


def test_follow_opml_holds_this_journals_feed(built: Path):
    root = check_opml((built / "follow.opml").read_bytes())
    (outline,) = root.iter("outline")
    assert outline.get("xmlUrl") == "https://example.org/journal/feed.xml"
    assert outline.get("htmlUrl") == "https://example.org/journal/"
    follow = lxml_html.parse(str(built / "follow" / "index.html"))
    assert follow.xpath("//a[@href='https://example.org/journal/follow.opml']")


def test_buddies_page_links_each_buddy_and_the_opml(built: Path):
    page = lxml_html.parse(str(built / "buddies" / "index.html"))
    hrefs = page.xpath("//article//a/@href")
    for _, site, feed in BUDDIES:
        assert site in hrefs and feed in hrefs
    assert "../buddies.opml" in hrefs
    nav = lxml_html.parse(str(built / "index.html")).xpath("//nav//a/@href")
    assert any(h.rstrip("/").endswith("buddies") for h in nav)


def test_a_misspelt_buddy_is_named_by_mkdocs(tmp_path, card_cache):
    root = make_journal(tmp_path, card_cache, [("Robin", "https://r.example/", "not a url")],
                        fetch=False)
    done = mkdocs_build(root)
    assert done.returncode != 0
    assert "buddies" in done.stderr and "feed" in done.stderr


# ------------------------------------------------------------ fetching at build time


class Feeds(BaseHTTPRequestHandler):
    """Buddies' servers on a bad day: slow, garbage, broken; and one good one."""

    seen: ClassVar[list[str]] = []

    def do_GET(self):
        Feeds.seen.append(self.path)
        if self.path == "/slow.xml":
            self.send_response(200)
            self.end_headers()
            for _ in range(60):  # dribbles forever (for a build)
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.5)
            return
        if self.path == "/broken.xml":
            self.send_error(500)
            return
        body = RSS if self.path == "/good.xml" else b"\x00\x01 not a feed <<<"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def feeds() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Feeds.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_bad_buddy_servers_never_break_or_stall_the_build(tmp_path, card_cache, feeds):
    buddies = [(name, f"{feeds}/", f"{feeds}/{name}.xml")
               for name in ("good", "slow", "garbage", "broken")]
    root = make_journal(tmp_path, card_cache, buddies, fetch=True)
    start = time.monotonic()
    done = mkdocs_build(root)
    took = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert took < 20, f"the build waited {took:.0f}s for buddies"
    text = " ".join(lxml_html.parse(str(root / "site" / "buddies" / "index.html"))
                    .xpath("//article")[0].text_content().split())
    assert "good Feed Lately: Geese over the river" in text
    assert "slow Feed took too long to answer this time" in text
    assert "garbage Feed the feed could not be read this time" in text
    assert "broken Feed answered with an error (500) this time" in text
    assert "Traceback" not in done.stderr


def test_fetching_is_off_unless_asked(tmp_path, card_cache, feeds):
    root = make_journal(tmp_path, card_cache, [("good", f"{feeds}/", f"{feeds}/good.xml")],
                        fetch=False)
    assert mkdocs_build(root).returncode == 0
    assert Feeds.seen == []
    assert "Geese" not in (root / "site" / "buddies" / "index.html").read_text()


@pytest.mark.parametrize("feed", [
    b"<rss><channel><item><title>hi</title><link>javascript:alert(1)</link></item></channel></rss>",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>hi</title>'
    b'<link href="data:text/html,x"/></entry></feed>',
])
def test_a_buddys_feed_never_puts_a_script_link_on_our_page(feed: bytes):
    from glimmer_publish.buddies import latest_from_feed

    assert latest_from_feed(feed, "https://robin.example/feed.xml") == ("hi", "")


def test_a_buddys_relative_link_is_made_absolute():
    from glimmer_publish.buddies import latest_from_feed

    feed = b"<rss><channel><item><title>hi</title><link>/g/1/</link></item></channel></rss>"
    assert latest_from_feed(feed, "https://robin.example/feed.xml") == (
        "hi", "https://robin.example/g/1/")
