"""Every writing system a card promises is really drawn: OCR reads each title back.

The journal in tests/multilingual/ has one glimmer per script (plus emoji sequences, a
mixed-direction title, mathematical letters and a 63-letter word). Each og card is drawn with
the real code, its title cropped and read by Tesseract with that script's language pack; the
read-back must recover most of the title. Every glyph of every format is also looked up in
the font that draws it.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import os
import shutil
import subprocess
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageOps, ImageStat

from glimmer_publish.cards.content import card_text, palette_for
from glimmer_publish.cards.design import FORMATS, colours_for, draw_card, layout_card
from glimmer_publish.cards.drawable import undrawable
from glimmer_publish.cards.fonts import _IGNORABLE, coverage, invisible
from glimmer_publish.cli import main
from glimmer_publish.entries import load_journal
from glimmer_publish.settings import load_settings

JOURNAL = Path(__file__).parent / "multilingual"

# slug -> (Tesseract languages, the least similarity accepted). 0.6 unless a script's model
# reads our clean cards worse than that; each lower bar says why.
OCR = {
    "latin": ("eng", 0.9),
    "vietnamese": ("vie", 0.8),
    "greek": ("ell", 0.8),
    "cyrillic": ("rus", 0.9),
    "armenian": ("hye", 0.6),
    "hebrew": ("heb", 0.8),
    "arabic": ("ara", 0.6),
    "thaana": ("div", 0.6),
    "devanagari": ("hin", 0.6),
    "bengali": ("ben", 0.6),
    "gurmukhi": ("pan", 0.6),
    "gujarati": ("guj", 0.6),
    "oriya": ("ori", 0.6),
    "tamil": ("tam", 0.6),
    "telugu": ("tel", 0.6),
    "kannada": ("kan", 0.6),
    "malayalam": ("mal", 0.6),
    "sinhala": ("sin", 0.6),
    "thai": ("tha", 0.6),
    "lao": ("lao", 0.6),
    "tibetan": ("bod", 0.6),
    "myanmar": ("mya", 0.6),
    "georgian": ("kat", 0.6),
    "hangul": ("kor", 0.6),
    "ethiopic": ("amh", 0.6),
    "khmer": ("khm", 0.6),
    "japanese": ("jpn", 0.6),
    "katakana": ("jpn", 0.6),
    "yoshinoya": ("jpn", 0.6),
    "simplified": ("chi_sim", 0.6),
    "traditional": ("chi_tra", 0.6),
    # chi_tra reads the Bopomofo letters as look-alike Han and Latin (ㄓ as 出, ㄨ as X) and
    # the Han after them exactly (measured 0.50); every Bopomofo glyph is also looked up below.
    "bopomofo": ("chi_tra", 0.45),
    "emoji": ("eng", 0.6),
    "mixed-direction": ("ara+eng+ell", 0.6),
    "math": ("eng", 0.6),
    "long-word": ("eng", 0.8),
}
# OCR reads words, not emoji: the emoji title is read back as its words.
EXPECTED = {"emoji": "Family walk"}
# Tesseract reads mixed scripts better as a block than as a single line.
PSM = {"mixed-direction": "6"}
# Traditional Mongolian is written top to bottom; Tesseract's `mon` model reads Mongolian in
# Cyrillic only, so this card is checked by glyph look-up alone.
NO_OCR = {"mongolian"}


@cache
def journal():
    # the loader keeps parsed entries in the cache folder: a temporary one, not the repository
    cache_dir = Path(tempfile.mkdtemp(prefix="glimmer-ocr-cache-"))
    settings = dataclasses.replace(load_settings(JOURNAL / "mkdocs.yml"), cache_dir=cache_dir)
    loaded = load_journal(settings)
    assert not loaded.problems
    return settings, {e.slug.split("-", 3)[3]: e for e in loaded.entries}


def _title_lines(slug: str) -> list[Image.Image]:
    """Each line of the og card's title, cropped, as dark text on white (what OCR reads best)."""
    settings, entries = journal()
    entry = entries[slug]
    layout = layout_card(card_text(entry, settings), FORMATS["og"])
    img = draw_card(layout, colours_for(palette_for(entry)))
    title = next(p for p in layout.blocks if p.kind == "title")
    lines: dict[float, list[tuple[float, float, float, float]]] = {}
    for piece, x, y in title.pieces():
        if piece.text.strip():
            lines.setdefault(y, []).append((x + piece.ink[0], y + piece.ink[1],
                                            x + piece.ink[2], y + piece.ink[3]))
    out = []
    pad = 16
    for _, boxes in sorted(lines.items()):
        box = (max(0, int(min(b[0] for b in boxes)) - pad),
               max(0, int(min(b[1] for b in boxes)) - pad),
               int(max(b[2] for b in boxes)) + pad, int(max(b[3] for b in boxes)) + pad)
        grey = ImageOps.grayscale(img.crop(box))
        if ImageStat.Stat(grey).mean[0] < 128:  # light text on a dark palette
            grey = ImageOps.invert(grey)
        out.append(ImageOps.autocontrast(grey))
    return out


def _read(slug: str, tmp: Path) -> str:
    """The title read line by line (`--psm 7`, one line of text): page segmentation breaks
    stacked scripts such as Myanmar and Thaana into fragments on large type."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # two readers at once, one core each
    read = []
    for i, line in enumerate(_title_lines(slug)):
        path = tmp / f"{slug}-{i}.png"
        line.save(path)
        done = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", OCR[slug][0], "--psm", PSM.get(slug, "7")],
            capture_output=True, text=True, timeout=120, env=env, check=True)
        read.append(done.stdout.strip())
    return "\n".join(read)


@pytest.fixture(scope="module")
def readings(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("ocr")
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(OCR, pool.map(lambda s: _read(s, tmp), OCR), strict=True))


def _comparable(text: str) -> str:
    """NFKC (so 𝓗 is H), without spaces, direction marks and the hyphens line breaking adds."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text
                   if not c.isspace() and c not in "-‐" and unicodedata.category(c) != "Cf")


def similarity(expected: str, read: str) -> float:
    return difflib.SequenceMatcher(None, _comparable(expected), _comparable(read)).ratio()


def test_the_multilingual_journal_builds_with_a_card_for_every_glimmer(tmp_path, capsys):
    root = tmp_path / "journal"
    shutil.copytree(JOURNAL, root)
    (root / "docs").mkdir()
    assert main(["--config", str(root / "mkdocs.yml"), "build"]) == 0
    assert "warning" not in capsys.readouterr().err.lower()
    _, entries = journal()
    for slug, entry in entries.items():
        assert (root / "site" / "cards" / entry.slug / "og.jpg").is_file(), slug
        page = (root / "site" / "glimmers" / entry.slug / "index.html").read_text("utf-8")
        assert html.escape(entry.title, quote=False) in page, slug


def test_the_journal_has_at_least_25_writing_systems():
    _, entries = journal()
    assert len(set(entries) - {"emoji", "mixed-direction", "math", "long-word", "katakana",
                               "yoshinoya", "vietnamese"}) >= 25
    assert set(entries) == set(OCR) | NO_OCR


@pytest.mark.parametrize("slug", sorted(OCR))
def test_ocr_reads_the_title_back(slug, readings):
    _, entries = journal()
    expected = EXPECTED.get(slug, entries[slug].title)
    score = similarity(expected, readings[slug])
    print(f"{slug}: {score:.2f} {readings[slug].strip()!r}")
    assert score >= OCR[slug][1], (expected, readings[slug])


@pytest.mark.parametrize("slug", sorted(OCR.keys() | NO_OCR))
def test_every_glyph_of_every_format_is_in_the_font_that_draws_it(slug):
    settings, entries = journal()
    entry = entries[slug]
    assert undrawable(entry) == []
    wanted = [c for c in unicodedata.normalize("NFC", entry.title)
              if not c.isspace() and not invisible(c)]
    for fmt in FORMATS.values():
        layout = layout_card(card_text(entry, settings), fmt)
        title = next(p for p in layout.blocks if p.kind == "title")
        assert not title.block.truncated, fmt.name
        drawn = []
        for piece, _, _ in title.pieces():
            have = coverage(piece.face)
            for ch in piece.text:
                if ch.isspace() or ord(ch) in _IGNORABLE:
                    continue
                assert ord(ch) in have, (fmt.name, piece.face.file, f"U+{ord(ch):04X}")
                drawn.append(ch)
        # Every character of the title is drawn (in any visual order, plus added hyphens).
        for ch in set(wanted):
            if ord(ch) not in _IGNORABLE:
                assert drawn.count(ch) >= wanted.count(ch), (fmt.name, ch)
