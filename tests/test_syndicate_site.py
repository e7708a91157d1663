"""Pages link to where a glimmer was posted ("Also on Bluesky · Mastodon", u-syndication),
from the state branch fetched before the build, as the workflow does it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from lxml import html as lxml_html
from syndicate_testing import git

from glimmer_publish.cli import main
from glimmer_publish.syndicate.state import GitStore, State

REPO = Path(__file__).resolve().parent.parent
POSTED, QUIET = "2026-06-02-birds-before-the-alarm", "2026-06-09-barefoot-on-the-grass"


def test_a_posted_glimmer_links_its_posts_after_fetching_the_state_branch(tmp_path):
    root = tmp_path / "journal"
    root.mkdir()
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8").replace(
        "      timezone: Europe/London", "      timezone: Europe/London\n      syndicate:\n"
        "        mastodon: {instance: https://masto.example}\n"
        "        bluesky: {handle: me.example}\n        since: 2026-01-01", 1)
    assert "syndicate:" in config
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    for folder in ("docs", "theme"):
        shutil.copytree(REPO / folder, root / folder)
    for slug in (POSTED, QUIET):
        (root / "entries").mkdir(exist_ok=True)
        shutil.copy(REPO / "entries" / "2026" / f"{slug}.md", root / "entries")

    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(root, "init", "-q")
    git(root, "remote", "add", "origin", str(origin))
    state = State(enabled_at="2026-06-01T00:00:00+00:00")
    state.record(POSTED, "mastodon", {"url": "https://masto.example/@me/1", "id": "1"})
    state.record(POSTED, "bluesky", {"url": "https://bsky.app/profile/me.example/post/3k",
                                     "id": "at://did:plc:x/app.bsky.feed.post/3k"})
    state.record(QUIET, "mastodon", {"url": "javascript:alert(1)", "id": "2"})
    GitStore(root).save(state, "recorded by the syndicate job")

    assert main(["--config", str(root / "mkdocs.yml"), "syndicate", "--fetch-state"]) == 0
    assert (root / ".cache" / "glimmer" / "syndication.json").is_file()
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                            str(root / "mkdocs.yml")], cwd=root, capture_output=True,
                           text=True, timeout=300)
    assert built.returncode == 0, built.stderr

    page = lxml_html.fromstring((root / "site/glimmers" / POSTED / "index.html").read_bytes())
    (line,) = page.xpath('//article[contains(@class, "glimmer-entry")]'
                         '//p[@class="glimmer-also-on"]')
    assert " ".join(line.text_content().split()) == "Also on Bluesky · Mastodon"
    links = [(a.text, a.get("href"), a.get("rel")) for a in line.xpath('a[@class="u-syndication"]')]
    assert links == [("Bluesky", "https://bsky.app/profile/me.example/post/3k", "syndication"),
                     ("Mastodon", "https://masto.example/@me/1", "syndication")]
    quiet = lxml_html.fromstring((root / "site/glimmers" / QUIET / "index.html").read_bytes())
    assert quiet.xpath('//*[contains(@class, "u-syndication")]') == []  # no script link
