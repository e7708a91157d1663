"""Building small journals: failures keep the old site, drafts only in preview, safe bodies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from glimmer_publish.build import run_mkdocs_build
from glimmer_publish.cli import main

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
site_name: Tiny Test Journal
site_url: https://example.org/journal/
theme:
  name: material
  custom_dir: theme
  language: {language}
  font: false
plugins:
  - search
  - glimmer:
      page_size: {page_size}
      card_formats: [og]
      cache_dir: {cache}
"""


@pytest.fixture(scope="session")
def card_cache(tmp_path_factory) -> Path:
    """One card cache for all these builds: each test's journal has the same entries."""
    return tmp_path_factory.mktemp("card-cache")


def config_text(cache: Path, language: str = "en", page_size: int = 1) -> str:
    return CONFIG.format(language=language, page_size=page_size, cache=json.dumps(str(cache)))


@pytest.fixture
def small(journal, card_cache):
    """A two-entry journal with our theme, a draft, a private note and an About page."""
    root = journal.root
    journal.card_cache = card_cache
    (root / "mkdocs.yml").write_text(config_text(card_cache), "utf-8")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text("# About me\n\nHello.\n", "utf-8")
    journal.entry("2026-03-14-kettle.md", "Sun on the kettle", "2026-03-14",
                  "Steam and light.", tags=["home", "light"])
    journal.entry("2026-03-15-crow.md", "A crow said hello", "2026-03-15", "Caw, it said.")
    journal.entry("2026-03-16-draft.md", "Half-written moss", "2026-03-16", "Soft.", draft=True)
    journal.entry("2026-03-17-secret.md", "Only for me", "2026-03-17", "Shh.", private=True)
    return journal


def mkdocs(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root,
                          capture_output=True, text=True)


def page(site: Path, url: str):
    return lxml_html.fromstring((site / url / "index.html").read_bytes())


def test_a_bad_entry_stops_mkdocs_build_with_file_and_line(small):
    small.write("2026-03-18-colon.md", "---\ntitle: Tea: at last\ndate: 2026-03-18\n---\nHi\n")
    result = mkdocs(small.root)
    assert result.returncode != 0
    assert "entries/2026-03-18-colon.md:2:" in result.stderr
    assert 'put it in quotes: title: "Tea: at last"' in result.stderr
    assert not (small.root / "site" / "index.html").exists()


def test_glimmer_build_keeps_the_old_site_when_a_build_fails(small, monkeypatch, capsys):
    monkeypatch.chdir(small.root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert main(["build"]) == 0
    site = small.root / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert (site / "glimmers" / "2026-03-15-crow" / "index.html").is_file()

    # An entry problem: stopped before MkDocs runs, reported like `glimmer validate`.
    bad = small.write("2026-03-18-colon.md", "---\ntitle: Tea: at last\ndate: 2026-03-18\n---\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["build"]) == 1
    assert "::error file=entries/2026-03-18-colon.md,line=2," in capsys.readouterr().out
    bad.unlink()

    # A bad plugin option: stopped before anything is built (exit 2, like every settings
    # problem), with its line in mkdocs.yml; same promise.
    config = small.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("page_size: 1", "page_size: lots"))
    assert main(["build"]) == 2
    assert "plugins.glimmer.page_size: should be a whole number" in capsys.readouterr().err

    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    # nothing half-built beside the site: only the whole folder the next build writes over
    assert [p.name for p in small.root.iterdir() if p.name.startswith(".site")] == [
        ".site.previous"]


def test_glimmer_build_replaces_the_site_when_it_succeeds(small, monkeypatch):
    monkeypatch.chdir(small.root)
    site = small.root / "site"
    site.mkdir()
    (site / "stale.html").write_text("old")
    assert main(["build", "--site-dir", "site"]) == 0
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file() and (site / "feed.xml").is_file()


def test_drafts_show_only_in_preview_and_are_marked(small, tmp_path):
    built, preview = tmp_path / "built", tmp_path / "preview"
    run_mkdocs_build(small.root / "mkdocs.yml", built)
    assert not (built / "glimmers" / "2026-03-16-draft").exists()

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(small.root / "mkdocs.yml"), site_dir=str(preview))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    doc = page(preview, "glimmers/2026-03-16-draft")
    assert doc.xpath("//p[@class='glimmer-draft']")
    assert "Half-written moss" not in (preview / "search" / "search_index.json").read_text()
    assert not (preview / "glimmers" / "2026-03-17-secret").exists()
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert "Half-written" not in (preview / name).read_text(encoding="utf-8")


def test_entry_body_html_is_sanitised_but_the_page_frame_is_not(small, tmp_path):
    small.entry("2026-03-19-html.md", "Raw HTML", "2026-03-19",
                'Hi <script>alert(1)</script><img src=x onerror="alert(2)">'
                ' <a href="javascript:alert(3)">link</a> <b>bold</b>')
    site = tmp_path / "site"
    run_mkdocs_build(small.root / "mkdocs.yml", site)
    doc = page(site, "glimmers/2026-03-19-html")
    body = doc.xpath("//div[@class='glimmer-body']")[0]
    assert body.xpath(".//b/text()") == ["bold"]
    assert not body.xpath(".//script") and not body.xpath(".//@onerror")
    assert not [h for h in body.xpath(".//a/@href") if h.startswith("javascript")]
    assert doc.xpath("//script[contains(@src, 'glimmer.js')]")  # our own script survives


def test_user_pages_and_pagination_in_a_small_journal(small, tmp_path):
    site = tmp_path / "site"
    run_mkdocs_build(small.root / "mkdocs.yml", site)
    assert page(site, "about").xpath("string(//h1)") == "About me"
    # one glimmer a page: the newest at home, the first one written on page/1/
    assert (site / "page" / "1" / "index.html").is_file()
    assert not (site / "page" / "2").exists()


def test_dates_and_words_follow_the_site_language(small, tmp_path):
    config = small.root / "mkdocs.yml"
    config.write_text(config_text(small.card_cache, "de", 10), "utf-8")
    site = tmp_path / "site"
    run_mkdocs_build(config, site)
    doc = page(site, "glimmers/2026-03-14-kettle")
    assert doc.xpath("string(//header//time)") == "14. März 2026"
    assert doc.xpath("string(//h2[@id='share-title'])") == "Diesen Glimmer teilen"
    assert page(site, "archive").xpath("string(//h3)") == "März"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(check, seconds: float = 60):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    return None


def test_glimmer_serve_shows_drafts_and_picks_up_a_new_entry(small):
    port = free_port()
    base = f"http://127.0.0.1:{port}/journal/"
    server = subprocess.Popen(
        [sys.executable, "-m", "glimmer_publish.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=small.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        draft = wait_for(lambda: fetch(base + "glimmers/2026-03-16-draft/"))
        assert draft and "glimmer-draft" in draft
        small.entry("2026-03-20-new.md", "Written while serving", "2026-03-20", "Fresh.")
        page = wait_for(lambda: fetch(base + "glimmers/2026-03-20-new/"), 30)
        assert page and "Written while serving" in page
    finally:
        server.terminate()
        server.wait(10)


def test_an_entry_photo_reaches_the_site_only_inside_its_cards(small, tmp_path):
    from PIL import Image

    Image.new("RGB", (640, 480), "#88aacc").save(small.entries_dir / "sky-original.jpg")
    small.entry("2026-03-21-sky.md", "A wide blue sky", "2026-03-21", "So blue.",
                photo="sky-original.jpg", photo_alt="A clear blue sky over rooftops")
    site = tmp_path / "site"
    run_mkdocs_build(small.root / "mkdocs.yml", site)
    assert list(site.rglob("sky-original*")) == []
    doc = page(site, "glimmers/2026-03-21-sky")
    card = doc.xpath("//a[contains(@class,'share-download')]/@href")
    assert card and (site / "glimmers" / "2026-03-21-sky" / card[0]).resolve().is_file()


def _with_hook(journal, name: str, code: str) -> None:
    """The journal's mkdocs.yml with a hook module (MkDocs runs it like a plugin; each test
    hook has its own name: one process would not load a changed module of the same name)."""
    (journal.root / f"{name}.py").write_text(code, "utf-8")
    (journal.root / "mkdocs.yml").write_text(
        config_text(journal.card_cache) + f"hooks:\n  - {name}.py\n", "utf-8")


def _drawn(journal, site: Path) -> None:
    """A build that draws every page (none taken from an earlier build's stored copies)."""
    shutil.rmtree(journal.card_cache / "pages", ignore_errors=True)
    run_mkdocs_build(journal.root / "mkdocs.yml", site)


def test_another_plugin_sees_our_pages_html_and_the_pages_are_the_same(small, tmp_path):
    # Our pages are drawn just before they are written unless another plugin reads pages'
    # HTML as MkDocs reads them; both ways must give the same site, byte for byte.
    alone, hooked, changed = tmp_path / "alone", tmp_path / "hooked", tmp_path / "changed"
    _drawn(small, alone)
    _with_hook(small, "same_html", "def on_page_content(html, page, **kwargs):\n    return html\n")
    _drawn(small, hooked)
    pages = sorted(p.relative_to(alone) for p in alone.rglob("*.html"))
    assert pages and pages == sorted(p.relative_to(hooked) for p in hooked.rglob("*.html"))
    for rel in pages:
        assert (alone / rel).read_bytes() == (hooked / rel).read_bytes(), rel
    for rel in ("search/search_index.json", "feed.xml", "sitemap.xml"):
        assert (alone / rel).read_bytes() == (hooked / rel).read_bytes(), rel

    _with_hook(small, "replaces_a_word", "from mkdocs.plugins import event_priority\n\n"
                                         "@event_priority(-50)  # after the glimmer plugin\n"
                                         "def on_page_content(html, page, **kwargs):\n"
                                         "    return html.replace('Steam and light.', "
                                         "'Steam, hooked.')\n")
    _drawn(small, changed)
    body = page(changed, "glimmers/2026-03-14-kettle").xpath("//div[@class='glimmer-body']")
    assert body[0].text_content().strip() == "Steam, hooked."


def test_a_build_script_without_a_main_guard_builds_once_with_every_card(journal, tmp_path):
    """Card workers start as fresh interpreters, which run the parent's main script again
    unless it checks `__name__`: a writer's own script that calls MkDocs' build at its top
    level must still build once, with all its cards (twelve: enough for worker processes)."""
    root = journal.root
    config = config_text(tmp_path / "cache").replace(
        "card_formats: [og]", "card_formats: [og, square, portrait, story]")
    (root / "mkdocs.yml").write_text(config, "utf-8")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "docs").mkdir()
    for day in (14, 15, 16):
        journal.entry(f"2026-03-{day}-light.md", f"Light on day {day}", f"2026-03-{day}")
    (root / "build_site.py").write_text(
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n\n"
        "build(load_config('mkdocs.yml'))\n"
        "print('built')\n", "utf-8")
    done = subprocess.run([sys.executable, "build_site.py"], cwd=root, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("built") == 1
    assert len(list((root / "site" / "cards").rglob("*.jpg"))) == 12
