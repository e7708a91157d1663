"""Card cache rules: pixels decide when cached cards go stale, not the code that drew them.

The cache key holds STYLE_VERSION instead of a hash of the card code, so a refactor keeps
every cached card. The golden pixel test below is what makes that safe: it draws fixed cards
and compares a hash of their pixels and bytes with the one recorded for this STYLE_VERSION,
and fails with "bump STYLE_VERSION" when they change.

To record golden hashes after bumping STYLE_VERSION (or for a new Pillow/FreeType/fonts,
which the cache key already follows):
    GLIMMER_RECORD_GOLDEN=1 .venv/bin/python -m pytest -p no:xdist -q tests/test_card_style.py
Recording never overwrites hashes already kept for a version: changed pixels need a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from glimmer_publish.cards import render
from glimmer_publish.cards.render import (
    OG_SMALL,
    STYLE_VERSION,
    cache_key,
    draw_entry,
    engine_digest,
    prune_cache,
    render_cards,
    render_entry,
)
from glimmer_publish.entries import load_journal
from glimmer_publish.settings import Settings

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "cards" / "golden.json"
RECORD = os.environ.get("GLIMMER_RECORD_GOLDEN") == "1"
# Latin with an excerpt, emoji, Arabic, Japanese, a long title, a small photo and a phone's
# (decoded at half size for all but the story card).
ENTRIES = {
    "2026-11-20-kettle.md": ('title: "Sunlight on the kettle ☕"\ndate: 2026-11-20 07:10\n'
                             "where: Kitchen window\n", "Steam and light, and nobody in a hurry."),
    "2026-11-21-jasmine.md": ('title: "ياسمين في المساء"\ndate: 2026-11-21\n',
                              "The jasmine by the door opened all at once."),
    "2026-11-22-shoji.md": ('title: "朝の光が障子を通して"\ndate: 2026-11-22 06:40\n', ""),
    "2026-11-23-long.md": ('title: "A stranger held the door and waited although she was in a '
                           'hurry herself, smiling"\ndate: 2026-11-23\n',
                           "Small things, all day long. " * 12),
    "2026-11-24-frost.md": ('title: "Frost on every blade"\ndate: 2026-11-24 08:00\n'
                            "photo: frost.png\nphoto_alt: Frosted grass\n", "Silver lawn."),
    "2026-11-24-meadow.md": ('title: "Light across the meadow"\ndate: 2026-11-24 18:00\n'
                             "photo: meadow.jpg\nphoto_alt: A meadow at dusk\n", "Long shadows."),
    # line breaks from a dictionary (Thai), and two directions in one line
    "2026-11-25-thai.md": ('title: "แสงแดดยามเช้าส่องผ่านหน้าต่างห้องครัว"\ndate: 2026-11-25\n'
                           "lang: th\n", "กาน้ำเดือดเบา ๆ และไม่มีใครรีบร้อนเลยสักคน"),
    "2026-11-26-mixed.md": ('title: "שלום to the morning, שלום"\ndate: 2026-11-26\n',
                            "Light on the wall, אור על הקיר."),
}


def _journal(root: Path) -> Settings:
    folder = root / "entries" / "2026"
    folder.mkdir(parents=True)
    photo = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    photo.save(folder / "frost.png")
    # 12 megapixels, with detail a careless downscale would alias (JPEG is deterministic for
    # one Pillow, whose version the golden hashes are kept under).
    rings = Image.radial_gradient("L").resize((4032, 3024)).point(lambda v: (v * 7) % 256)
    Image.merge("RGB", (rings, Image.linear_gradient("L").resize((4032, 3024)),
                        rings.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).save(
        folder / "meadow.jpg", quality=85)
    for name, (front, body) in ENTRIES.items():
        (folder / name).write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    return Settings(repo_root=root, entries_dir=root / "entries", site_name="Golden Journal",
                    cache_dir=root / ".cache" / "glimmer")


def card_hashes(settings: Settings) -> dict[str, str]:
    """Per entry and format: sha256 of the card's pixels and of its published bytes."""
    journal = load_journal(settings)
    assert not journal.problems
    hashes = {}
    formats = (*settings.card_formats, OG_SMALL)
    for entry in journal.entries:
        images, _, problem = draw_entry(entry, settings, formats)
        published, _ = render_entry(entry, settings, formats)
        assert problem is None
        for fmt, img in images.items():
            h = hashlib.sha256(img.mode.encode() + repr(img.size).encode() + img.tobytes())
            data, _, preview = published[fmt]
            h.update(data)
            h.update(preview)
            hashes[f"{entry.slug}/{fmt}"] = h.hexdigest()
    return hashes


def test_card_pixels_match_the_golden_hashes_of_this_style_version(tmp_path):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    kept = golden.get(str(STYLE_VERSION), {}).get(engine_digest())
    hashes = card_hashes(_journal(tmp_path))
    if kept is None and RECORD:
        golden.setdefault(str(STYLE_VERSION), {})[engine_digest()] = hashes
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        kept = hashes
    assert kept is not None, (
        f"no golden card hashes for STYLE_VERSION {STYLE_VERSION} with this Pillow, FreeType, "
        "raqm and fonts; record them: GLIMMER_RECORD_GOLDEN=1 pytest tests/test_card_style.py")
    changed = sorted(k for k in hashes if hashes[k] != kept.get(k))
    assert not changed, (
        f"card pixels changed ({', '.join(changed)}): bump STYLE_VERSION in "
        "glimmer_publish/cards/render.py so cached cards are redrawn, then record the new "
        "hashes with GLIMMER_RECORD_GOLDEN=1")


def test_a_code_change_that_keeps_pixels_keeps_the_cache_key(tmp_path):
    """A copy of the package with a card module edited (not its drawing) gives the same keys."""
    settings = _journal(tmp_path)
    copy = tmp_path / "pkg"
    shutil.copytree(REPO / "glimmer_publish", copy / "glimmer_publish",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("design.py", "layout.py", "render.py"):
        module = copy / "glimmer_publish" / "cards" / name
        module.write_text(module.read_text(encoding="utf-8") + "\n# a refactor\n",
                          encoding="utf-8")
    script = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "import glimmer_publish\n"
        "from glimmer_publish.cards.render import cache_key\n"
        "from glimmer_publish.entries import load_journal\n"
        "from glimmer_publish.settings import Settings\n"
        "root = Path(sys.argv[1])\n"
        "s = Settings(repo_root=root, entries_dir=root / 'entries', site_name='Golden Journal')\n"
        "print(glimmer_publish.__file__)\n"
        "print(json.dumps(sorted(cache_key(e, s, f, '') for e in load_journal(s).entries "
        "for f in s.card_formats)))\n")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env,
                         capture_output=True, text=True, check=True, cwd=tmp_path)
    where, keys = out.stdout.splitlines()
    assert Path(where).parent == copy / "glimmer_publish"  # the edited copy was imported
    ours = sorted(cache_key(e, settings, f, "") for e in load_journal(settings).entries
                  for f in settings.card_formats)
    assert json.loads(keys) == ours


def test_cache_key_follows_style_version_and_engine(tmp_path, monkeypatch):
    settings = _journal(tmp_path)
    entry = load_journal(settings).entries[0]
    before = cache_key(entry, settings, "og", "")
    monkeypatch.setattr(render, "STYLE_VERSION", STYLE_VERSION + 1)
    assert cache_key(entry, settings, "og", "") != before
    monkeypatch.setattr(render, "STYLE_VERSION", STYLE_VERSION)
    assert cache_key(entry, settings, "og", "") == before
    monkeypatch.setattr(render, "engine_digest", lambda: "another FreeType")
    assert cache_key(entry, settings, "og", "") != before


def test_pruning_keeps_exactly_the_cards_the_last_build_used(tmp_path):
    settings = _journal(tmp_path)
    entries = load_journal(settings).entries
    first = render_cards(entries, settings, tmp_path / "site1", formats=("og",), workers=1)
    cards = settings.cache_dir / "cards"
    thumbs = settings.cache_dir / "thumbs"
    assert len(list(cards.iterdir())) == len(list(thumbs.iterdir())) == len(entries)
    # one entry is deleted and another edited: the next build uses the rest of the cache
    edited = entries[1].path
    edited.write_text(edited.read_text(encoding="utf-8").replace('title: "', 'title: "Again: '),
                      encoding="utf-8")
    entries[0].path.unlink()
    later = load_journal(settings).entries
    second = render_cards(later, settings, tmp_path / "site2", formats=("og",), workers=1)
    assert second.rendered == 1 and second.cached == len(later) - 1
    removed = prune_cache(settings, second.keys, before=float("inf"))
    assert removed == 2 * 2  # two stale cards, each with its preview
    assert {p.stem for p in cards.iterdir()} == second.keys == {p.stem for p in thumbs.iterdir()}
    assert first.keys - second.keys and not (first.keys - second.keys) & second.keys
    # what was just written by a build still running (newer than `before`) is never pruned
    assert prune_cache(settings, set(), before=0.0) == 0
    assert len(list(cards.iterdir())) == len(later)


def test_a_card_pruned_by_another_build_after_the_lookup_is_drawn_again(tmp_path, monkeypatch):
    """Two builds sharing a cache: the file found a moment ago may be gone when it is linked."""
    settings = _journal(tmp_path)
    entries = load_journal(settings).entries[:1]
    render_cards(entries, settings, tmp_path / "site1", formats=("og",), workers=1)
    found = render._cached

    def then_pruned(folder, key, fmt):
        hit = found(folder, key, fmt)
        assert hit is not None
        prune_cache(settings, set(), before=float("inf"))  # the other build prunes everything
        return hit

    monkeypatch.setattr(render, "_cached", then_pruned)
    again = render_cards(entries, settings, tmp_path / "site2", formats=("og",), workers=1)
    assert (again.rendered, again.cached) == (1, 0)
    card = again.cards[entries[0].slug]["og"]
    assert (tmp_path / "site2" / card.path).stat().st_size == card.size > 0
