"""A long journal stays under GitHub Pages' 1 GB, and the build says where it stands."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from glimmer_publish.build import run_mkdocs_build
from glimmer_publish.site_size import PAGES_LIMIT, SiteSize, measure, summary, warning

REPO = Path(__file__).resolve().parent.parent
ENTRIES = {  # the newest, one within a year of it, one older than a year
    "2026-11-20-kettle.md": ("Sunlight on the kettle", "2026-11-20 07:10"),
    "2026-01-10-snow.md": ("Snow on the railings", "2026-01-10"),
    "2025-06-01-cherries.md": ("Cherries from the neighbour", "2025-06-01"),
}


def _project(root: Path, extra: str = "") -> Path:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "theme"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    if extra:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(text.replace("  - glimmer:\n", "  - glimmer:\n" + extra),
                                         encoding="utf-8")
    folder = root / "entries"
    folder.mkdir()
    for name, (title, date) in ENTRIES.items():
        (folder / name).write_text(f'---\ntitle: "{title}"\ndate: {date}\n---\nA small thing.\n',
                                   encoding="utf-8")
    return root


def test_glimmers_older_than_a_year_keep_only_their_link_preview_card(tmp_path):
    root = _project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "build"], cwd=root,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    cards = {p.relative_to(site / "cards").as_posix() for p in (site / "cards").rglob("*.jpg")}
    formats = ("og", "square", "portrait", "story")
    assert cards == {*(f"2026-11-20-kettle/{f}.jpg" for f in formats),
                     *(f"2026-01-10-snow/{f}.jpg" for f in formats),
                     "2025-06-01-cherries/og.jpg"}
    # the old glimmer keeps a half-size og card, which is also its thumbnail
    with Image.open(site / "cards" / "2025-06-01-cherries" / "og.jpg") as im:
        assert im.size == (600, 315)
    assert not (site / "thumbs" / "2025-06-01-cherries").exists()
    with Image.open(site / "cards" / "2026-01-10-snow" / "og.jpg") as im:
        assert im.size == (1200, 630)
    page = (site / "glimmers" / "2025-06-01-cherries" / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image:width" content="600"' in page
    assert "og.jpg" in page and "story.jpg" not in page and "thumbs/" not in page
    assert "glimmer cards 2025-06-01-cherries --format square" in page
    recent = (site / "glimmers" / "2026-01-10-snow" / "index.html").read_text(encoding="utf-8")
    assert "glimmer cards" not in recent and "story.jpg" in recent
    # and the build says how big the site is
    size = measure(site)
    assert f"the site is {size.total / 1_000_000:,.1f} MB" in result.stderr
    # any card of an old glimmer is still one command away
    out = root / "wanted"
    made = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "cards", "cherries",
                           "--format", "story", "--out", str(out)],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    assert (out / "cards" / "2025-06-01-cherries" / "story.jpg").is_file()
    full = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "cards", "cherries",
                           "--format", "og", "--out", str(out)],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert full.returncode == 0, full.stderr
    with Image.open(out / "cards" / "2025-06-01-cherries" / "og.jpg") as im:
        assert im.size == (1200, 630)  # on request, the full-size link card


def test_the_setting_keeps_every_format_for_longer(tmp_path):
    root = _project(tmp_path, "      card_formats_recent_days: 1000\n")
    run_mkdocs_build(root / "mkdocs.yml", root / "site")
    assert (root / "site" / "cards" / "2025-06-01-cherries" / "story.jpg").is_file()


def test_size_is_split_into_cards_previews_and_pages(tmp_path):
    for rel, n in (("cards/a/og.jpg", 700), ("thumbs/a/og.webp", 70), ("index.html", 30),
                   ("glimmers/a/index.html", 200)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x" * n)
    size = measure(tmp_path)
    assert (size.total, size.cards, size.previews, size.pages, size.files) == (
        1000, 700, 70, 230, 4)


def test_a_site_near_the_pages_limit_gets_a_warning_that_names_the_setting():
    small = SiteSize(total=int(PAGES_LIMIT * 0.5), cards=0, previews=0, files=1)
    assert warning(small, ("og", "square"), 365) is None
    assert "50% of GitHub Pages' 1 GB limit" in summary(small)
    big = SiteSize(total=int(PAGES_LIMIT * 0.85), cards=0, previews=0, files=1)
    every = warning(big, ("og", "square", "portrait", "story"), None)
    assert every and "85%" in every and "card_formats_recent_days: 365" in every
    fewer = warning(big, ("og", "square"), 365)
    assert fewer and "lower card_formats_recent_days (now 365)" in fewer
    assert "glimmer cards SLUG --format story" in fewer
