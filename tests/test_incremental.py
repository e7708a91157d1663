"""Incremental builds: nobody waits for unchanged cards, and no unchanged file is rewritten.

One small journal is built with `glimmer build` three times — cold, again with nothing changed,
and after editing one entry — and every file of site/ and of the card cache is fingerprinted
(inode, mtime in ns, bytes) after each build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

from glimmer_publish.cards import render_cards
from glimmer_publish.cards.render import _photo_digest, cache_key
from glimmer_publish.entries import load_journal
from glimmer_publish.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
ENTRIES = {
    "2026-11-20-kettle.md": ("Sunlight on the kettle ☕", "2026-11-20 07:10", "[light, home]",
                             "Steam and light, and nobody in a hurry."),
    "2026-11-21-jasmine.md": ("ياسمين في المساء", "2026-11-21", "[scent, evening]",
                              "The jasmine by the door opened all at once."),
    "2026-11-22-shoji.md": ("朝の光が障子を通して", "2026-11-22 06:40", "[light, morning]",
                            "Morning light through the paper screen, soft as milk."),
    "2026-11-23-door.md": ("A stranger held the door", "2026-11-23", "[kindness]",
                           "She waited although she was in a hurry herself."),
    "2026-11-24-frost.md": ("Frost on every blade of grass", "2026-11-24 08:00", "[winter]",
                            "The lawn was silver and crunched under my feet."),
}
PHOTO_ENTRY = "2026-11-24-frost.md"
EDITED = "2026-11-21-jasmine.md"
ADDED = "2026-11-25-geese.md"

Fingerprint = dict[str, tuple[int, int, bytes]]


def fingerprint(folder: Path) -> Fingerprint:
    """Every file below `folder`: (inode, mtime_ns, bytes), by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            found[path.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns,
                                                          path.read_bytes())
    return found


def rewritten(before: Fingerprint, after: Fingerprint) -> list[str]:
    """Files present in both whose bytes are the same but which were written again."""
    return sorted(p for p, (ino, mtime, data) in after.items()
                  if p in before and before[p][2] == data and before[p][:2] != (ino, mtime))


def changed(before: Fingerprint, after: Fingerprint) -> set[str]:
    return {p for p in after if p not in before or before[p][2] != after[p][2]}


def write_journal(root: Path) -> None:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "theme"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    entries = root / "entries" / "2026"
    entries.mkdir(parents=True)
    for name, (title, date, tags, body) in ENTRIES.items():
        extra = ""
        if name == PHOTO_ENTRY:
            Image.new("RGB", (640, 480), (182, 201, 214)).save(entries / "frost.jpg", "JPEG")
            extra = "photo: frost.jpg\nphoto_alt: Frosted grass in low sun\n"
        (entries / name).write_text(f'---\ntitle: "{title}"\ndate: {date}\ntags: {tags}\n'
                                    f"{extra}---\n{body}\n", encoding="utf-8")


def glimmer_build(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    result = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "build"], cwd=root,
                            capture_output=True, text=True, timeout=600,
                            env={**env, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@dataclass
class Builds:
    root: Path
    cold: Fingerprint
    again: Fingerprint
    edited: Fingerprint
    cache_cold: Fingerprint
    cache_again: Fingerprint
    cache_edited: Fingerprint
    added: Fingerprint
    cache_added: Fingerprint
    pages: list[Fingerprint]  # the stored pages after each build: cold, again, edited
    items: list[int]  # when feed-items.pickle was written, after the cold build and again

    @property
    def settings(self):
        return load_settings(self.root / "mkdocs.yml")


def stored_pages(root: Path) -> Fingerprint:
    return {p: v for p, v in fingerprint(root / ".cache" / "glimmer" / "pages").items()
            if p.endswith(".html")}



@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    root = tmp_path_factory.mktemp("incremental")
    write_journal(root)
    cache = root / ".cache" / "glimmer" / "cards"
    glimmer_build(root)
    cold, cache_cold = fingerprint(root / "site"), fingerprint(cache)
    pages = [stored_pages(root)]
    items_file = root / ".cache" / "glimmer" / "feed-items.pickle"
    items = [items_file.stat().st_mtime_ns]
    # a rebuild with nothing changed, which the tests below look at: without the stamp
    # (tests/test_build_stamp.py), which vouches for a journal that had settled by the time
    # the cold build looked (on a slow machine it may have)
    (root / ".cache" / "glimmer" / "last-build.json").unlink(missing_ok=True)
    assert "nothing had changed" not in glimmer_build(root).stderr
    again, cache_again = fingerprint(root / "site"), fingerprint(cache)
    pages.append(stored_pages(root))
    items.append(items_file.stat().st_mtime_ns)
    edited = root / "entries" / "2026" / EDITED
    edited.write_text(edited.read_text(encoding="utf-8") + "My neighbour wrote its name for me.\n",
                      encoding="utf-8")
    glimmer_build(root)
    after_edit, cache_edited = fingerprint(root / "site"), fingerprint(cache)
    pages.append(stored_pages(root))
    (root / "entries" / "2026" / ADDED).write_text(
        '---\ntitle: "Geese heading south"\ndate: 2026-11-25 16:20\ntags: [birds]\n---\n'
        "A long, untidy V of them, calling all the way over the school.\n", encoding="utf-8")
    glimmer_build(root)
    return Builds(root, cold, again, after_edit, cache_cold, cache_again, cache_edited,
                  fingerprint(root / "site"), fingerprint(cache), pages, items)


def test_cold_build_renders_every_card_into_the_cache(builds):
    formats = builds.settings.card_formats
    cards = [p for p in builds.cold if p.startswith("cards/")]
    assert len(cards) == len(ENTRIES) * len(formats)
    assert len(builds.cache_cold) == len(ENTRIES) * len(formats)


def test_no_change_rebuild_renders_no_card(builds):
    assert builds.cache_again == builds.cache_cold  # not one cache file written or touched
    journal = load_journal(builds.settings)
    result = render_cards(journal.entries, builds.settings, builds.root / "cards-check")
    # the journal as the last build left it: every card it needs is already in the cache
    assert (result.rendered, result.cached) == (
        0, len(journal.entries) * len(builds.settings.card_formats))


def test_no_change_rebuild_rewrites_no_file(builds):
    assert set(builds.again) == set(builds.cold)
    assert changed(builds.cold, builds.again) == set()
    assert rewritten(builds.cold, builds.again) == []


def test_edit_renders_only_that_entrys_cards(builds):
    settings = builds.settings
    entry = next(e for e in load_journal(settings).entries if e.path.name == EDITED)
    expected = {cache_key(entry, settings, fmt, _photo_digest(entry))
                for fmt in settings.card_formats}
    new_in_cache = set(builds.cache_edited) - set(builds.cache_cold)
    assert {Path(p).stem for p in new_in_cache} == expected
    assert rewritten(builds.cache_again, builds.cache_edited) == []

    cards_changed = {p for p in changed(builds.again, builds.edited) if p.startswith("cards/")}
    assert cards_changed == {p for p in builds.edited if p.startswith(f"cards/{entry.slug}/")}


def test_edit_rewrites_only_files_whose_content_changed(builds):
    slug = EDITED.removesuffix(".md")
    assert f"glimmers/{slug}/index.html" in changed(builds.again, builds.edited)
    assert {"feed.xml", "atom.xml", "feed.json"} <= changed(builds.again, builds.edited)
    # every other card, page and asset keeps its inode and mtime: caches and rsync see no change
    assert rewritten(builds.again, builds.edited) == []


def test_benchmark_quick_runs_end_to_end(tmp_path):
    """`benchmarks/run.py --quick` builds a synthetic journal and prints the results table."""
    out = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--no-reference",
         "--formats", "og", "--output", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = result.stdout
    assert "## N = 20 entries" in table
    for label in ("(a) cold full build", "(b) rebuild, nothing changed",
                  "(b′) rebuild, one entry saved again with the same bytes",
                  "(c) rebuild after editing one entry", "(d) rebuild after adding one entry",
                  "(e) `glimmer validate`"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {label} |"))
        assert row.split("|")[2].strip().endswith(" s"), row
    assert "no-change rebuild ≤ 2 s" in table
    og = next(line for line in table.splitlines() if line.startswith("| (f) cards alone, `og` |"))
    assert og.split("|")[2].strip().endswith(" s"), og
    assert out.read_text(encoding="utf-8") in table + "\n"


def test_adding_an_entry_renders_only_its_cards(builds):
    settings = builds.settings
    entry = next(e for e in load_journal(settings).entries if e.path.name == ADDED)
    expected = {cache_key(entry, settings, fmt, "") for fmt in settings.card_formats}
    assert {Path(p).stem for p in set(builds.cache_added) - set(builds.cache_edited)} == expected
    slug = ADDED.removesuffix(".md")
    assert {p for p in changed(builds.edited, builds.added) if p.startswith("cards/")} == {
        p for p in builds.added if p.startswith(f"cards/{slug}/")}
    assert rewritten(builds.edited, builds.added) == []


def test_no_change_rebuild_makes_no_feed_item_again(builds):
    """Every item the cold build made (while its cards were still being drawn) is found
    again by the next build: the items file is not written again."""
    assert builds.items[1] == builds.items[0]


def test_no_change_rebuild_draws_no_page(builds):
    cold, again, _ = builds.pages
    # every generated page was stored by the cold build and reused as it was
    generated = [p for p in builds.cold if p.endswith("index.html") and not p.startswith("about/")]
    assert len(cold) == len(generated)
    assert again == cold


def test_edit_draws_only_the_pages_whose_html_changed(builds):
    _, again, edited = builds.pages
    drawn = set(edited) - set(again)
    pages_changed = {p for p in changed(builds.again, builds.edited)
                     if p.endswith("index.html") and not p.startswith("about/")}
    slug = EDITED.removesuffix(".md")
    assert f"glimmers/{slug}/index.html" in pages_changed
    # a stored page per changed page (one drawn again with the same bytes keeps its file);
    # every other page was linked from the store
    assert len(drawn) == len(pages_changed)
    assert len(drawn) < len(edited) / 2
    stored = {data for _, _, data in edited.values()}
    assert all(builds.edited[p][2] in stored for p in pages_changed)


@pytest.mark.parametrize("ci", [False, True], ids=["writer's machine", "CI"])
def test_a_first_build_leaves_the_folder_the_next_one_writes_over(tmp_path, ci):
    """The site again, as hard links, so the first rebuild need not make a folder per
    glimmer; CI, where no second build follows, skips it."""
    write_journal(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    if ci:
        env["CI"] = "true"
    result = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "build"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    spare = tmp_path / ".site.previous"
    assert not (tmp_path / ".site.previous.incomplete").exists()
    if ci:
        assert not spare.exists()
        return
    site = fingerprint(tmp_path / "site")
    assert fingerprint(spare) == site  # same inodes, times and bytes: links, not copies
    assert all((spare / p).stat().st_nlink >= 2 for p in site)


def test_older_pages_keep_their_address_and_are_not_drawn_again_when_a_glimmer_is_added(
        tmp_path):
    """The stream is numbered from the first glimmer ever written: page/1/ holds the oldest.
    Writing a new glimmer changes the home page and the newest numbered page only, so a
    link to an older page keeps showing the same moments, and a rebuild leaves it alone."""
    root = tmp_path
    write_journal(root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - glimmer:\n", "  - glimmer:\n      page_size: 2\n", 1), encoding="utf-8")
    glimmer_build(root)  # five glimmers: home 2, page/1/ the 2 oldest, page/2/ the next one

    def stream(url: str) -> tuple[list[str], str | None]:
        doc = lxml.html.fromstring((root / "site" / url / "index.html").read_bytes())
        older = doc.xpath("//nav[@class='glimmer-pager']/a[@rel='next']/@href")
        return ([h.text_content() for h in doc.xpath("//ol[@class='glimmer-stream']//h2")],
                older[0] if older else None)

    def walk() -> list[list[str]]:
        """Home, then every 'older' link to the end, as a reader would page back."""
        pages, url = [], ""
        while url is not None:
            titles, older = stream(url)
            pages.append(titles)
            url = None if older is None else resolve(url, older)
        return pages

    oldest_first = [title for title, *_ in ENTRIES.values()]
    assert walk() == [oldest_first[:2:-1], oldest_first[2:3], oldest_first[1::-1]]
    before = fingerprint(root / "site")
    entries = root / "entries" / "2026"
    for day, title in (("26", "Geese heading south"), ("27", "A whistled tune")):
        (entries / f"2026-11-{day}-new.md").write_text(
            f'---\ntitle: "{title}"\ndate: 2026-11-{day}\n---\nIt was there.\n',
            encoding="utf-8")
        glimmer_build(root)
        oldest_first.append(title)
    after = fingerprint(root / "site")
    # seven glimmers: home 2, then page/3/ 1, page/2/ 2 and page/1/ 2
    assert walk() == [oldest_first[:4:-1], oldest_first[4:5], oldest_first[3:1:-1],
                      oldest_first[1::-1]]
    assert before["page/1/index.html"] == after["page/1/index.html"]  # not even rewritten
    assert {p for p in changed(before, after) if p.startswith("page/")} == {
        "page/2/index.html", "page/3/index.html"}  # page/2/ gained one; page/3/ is new


def resolve(page_url: str, href: str) -> str:
    from urllib.parse import urljoin, urlsplit
    return urlsplit(urljoin("https://x/" + page_url, href)).path.lstrip("/")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_once(root: Path, port: int) -> None:
    """A real `glimmer serve`: started, asked for the home page once it has built, stopped."""
    import time
    import urllib.request

    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    server = subprocess.Popen(
        [sys.executable, "-m", "glimmer_publish.cli", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**env, "NO_MKDOCS_2_WARNING": "1"})
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/journal/", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "glimmer serve never answered"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(30)


def test_going_back_and_forth_between_serve_and_build_draws_nothing_again(tmp_path):
    """The README's promise, with a real `glimmer serve` and real builds: the preview keeps
    its own stored pages beside the build's, so once each has run, neither draws a page or
    a card again for the other's sake (nor forgets the other's pages)."""
    root = tmp_path
    write_journal(root)
    cache = root / ".cache" / "glimmer"
    glimmer_build(root)
    port = _free_port()  # the writer's usual address, each time
    _serve_once(root, port)  # the preview's first run draws its own pages (drafts, its address)
    pages, cards = stored_pages(root), fingerprint(cache / "cards")
    indexes = {name: (cache / "pages" / name).stat().st_mtime_ns
               for name in ("index.json", "index-preview.json")}
    memo = (cache / "cards-memo.json").stat().st_mtime_ns

    (cache / "last-build.json").unlink(missing_ok=True)  # no stamp: this build looks at all
    assert "nothing had changed" not in glimmer_build(root).stderr
    assert stored_pages(root) == pages  # no page drawn, and the preview's pages kept
    assert (cache / "pages" / "index.json").stat().st_mtime_ns == indexes["index.json"]
    assert fingerprint(cache / "cards") == cards
    assert (cache / "cards-memo.json").stat().st_mtime_ns == memo

    _serve_once(root, port)
    assert stored_pages(root) == pages
    assert {name: (cache / "pages" / name).stat().st_mtime_ns for name in indexes} == indexes
    assert fingerprint(cache / "cards") == cards
