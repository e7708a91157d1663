"""Collage cards (`glimmer cards --year/--month`): sizes, bytes, alt text, nothing clipped."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from PIL import Image

from glimmer_publish.cards.collage import (
    SIZES,
    Period,
    collage_alt,
    draw_collage,
    layout_collage,
    period_entries,
)
from glimmer_publish.cards.content import palette_for
from glimmer_publish.cards.render import encode
from glimmer_publish.cli import main
from glimmer_publish.entries import load_journal
from glimmer_publish.palettes import rgb

GOLDEN = Path(__file__).resolve().parent / "practice"
MKDOCS_YML = "site_name: Small Glimmers\nplugins:\n  - glimmer:\n      timezone: Europe/Paris\n"
TITLES = [
    ("2026-01-15", "Bread rising by the stove"),
    ("2026-03-02", "Tea in grandmother's cups"),
    ("2026-06-21", "The longest light of the year, and nobody in a hurry to go home"),
    ("2026-09-19", "ياسمين في المساء"),
    ("2026-10-03", "朝の光が障子を通して"),
    ("2026-11-03", "Sun through the fog 🌫️"),
    ("2026-11-08", "Pneumonoultramicroscopicsilicovolcanoconiosis, said slowly"),
    ("2025-11-03", "Last year's frost"),
]


@pytest.fixture
def repo(journal, monkeypatch):
    (journal.root / "mkdocs.yml").write_text(MKDOCS_YML)
    for i, (day, title) in enumerate(TITLES):
        journal.entry(f"{day}-glimmer-{i}.md", title, day)
    monkeypatch.chdir(journal.root)
    return journal


def ink_inside(layout) -> list[str]:
    """Every text run's pixels inside its own box, and boxes inside the picture or tile."""
    bad = []
    boxes = [(layout.label, (0, 0, layout.width, layout.height)),
             (layout.heading, (0, 0, layout.width, layout.height)),
             *((t.title, t.box) for t in layout.tiles if t.title)]
    for placed, outer in boxes:
        bx0, by0, bx1, by1 = placed.box
        for x0, y0, x1, y1 in placed.ink():
            if x0 < bx0 - 1 or x1 > bx1 + 1 or y0 < by0 - 2 or y1 > by1 + 2:
                bad.append(f"{placed.kind} {placed.block.text!r} ink leaves its box")
            if x0 < outer[0] or x1 > outer[2] or y0 < outer[1] or y1 > outer[3]:
                bad.append(f"{placed.kind} {placed.block.text!r} leaves its tile or the card")
    for t in layout.tiles:
        x0, y0, x1, y1 = t.box
        if x0 < 0 or y0 < 0 or x1 > layout.width or y1 > layout.height:
            bad.append(f"tile {t.entry.title!r} leaves the card")
    return bad


def test_year_collages_come_in_both_sizes_within_the_byte_budget(repo, capsys):
    assert main(["cards", "--year", "2026", "--out", "out"]) == 0
    folder = repo.root / "out" / "collages"
    for fmt, size in (("square", (1080, 1080)), ("portrait", (1080, 1350))):
        path = folder / f"2026-{fmt}.png"
        with Image.open(path) as img:
            assert img.size == size
        assert path.stat().st_size <= 1_000_000
    alt = (folder / "2026.txt").read_text(encoding="utf-8").strip()
    golden = GOLDEN / "collage-2026.txt"
    if os.environ.get("GLIMMER_REGOLD"):
        golden.write_text(alt + "\n", encoding="utf-8")
    assert alt == golden.read_text(encoding="utf-8").strip()
    assert f"alt text: {alt}" in capsys.readouterr().out


def test_alt_text_names_every_glimmer_of_the_period_in_order(repo):
    entries = load_journal(repo.settings).entries
    alt = collage_alt(period_entries(entries, Period(2026)), Period(2026), repo.settings)
    spots = [alt.index(title.rstrip(".")) for day, title in TITLES if day.startswith("2026")]
    assert spots == sorted(spots)
    assert "Last year's frost" not in alt
    assert len(alt) <= 1500


def test_a_month_collage_holds_only_that_month(repo, capsys):
    assert main(["cards", "--month", "2026-11", "--out", "out"]) == 0
    alt = (repo.root / "out" / "collages" / "2026-11.txt").read_text(encoding="utf-8")
    assert alt.startswith("Glimmers of November 2026: Sun through the fog")
    assert "Bread rising" not in alt and "Last year's frost" not in alt
    with Image.open(repo.root / "out" / "collages" / "2026-11-portrait.png") as img:
        assert img.size == (1080, 1350)


@pytest.mark.parametrize("args", [["--month", "2026-13"], ["--year", "twenty"],
                                  ["--year", "1999"]])
def test_a_wrong_or_empty_period_is_a_kind_usage_error(repo, capsys, args):
    assert main(["cards", *args, "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert "glimmer cards:" in err and "Traceback" not in err
    assert not (repo.root / "out" / "collages").exists() or not any(
        (repo.root / "out" / "collages").iterdir())


@pytest.mark.parametrize("count", [1, 2, 7, 16, 40, 150])
@pytest.mark.parametrize("fmt", list(SIZES))
def test_no_text_is_clipped_at_any_count(repo, fmt, count):
    base = load_journal(repo.settings).entries
    entries = [base[i % len(base)] for i in range(count)]
    layout = layout_collage(entries, Period(2026), repo.settings, fmt)
    assert len(layout.tiles) == min(count, 120)
    assert not ink_inside(layout)
    # Tiles never overlap one another.
    for a, b in itertools.combinations([t.box for t in layout.tiles], 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    if count <= 16:
        assert all(t.title and t.title.block.lines for t in layout.tiles)


def test_a_full_year_stays_within_the_byte_budget(repo):
    base = load_journal(repo.settings).entries
    entries = [base[i % len(base)] for i in range(365)]
    for fmt in SIZES:
        data, ext = encode(draw_collage(layout_collage(entries, Period(2026), repo.settings,
                                                       fmt)), False)
        assert ext == "png" and len(data) <= 1_000_000


def test_each_tile_is_drawn_in_its_glimmers_palette(repo):
    entries = period_entries(load_journal(repo.settings).entries, Period(2026))
    layout = layout_collage(entries, Period(2026), repo.settings, "portrait")
    img = draw_collage(layout).convert("RGB")
    for tile in layout.tiles:
        x0, y0, x1, y1 = tile.box
        # Near the bottom-left corner, inside the rounded edge: the palette's own base.
        got = img.getpixel((round(x0 + (x1 - x0) * 0.2), round(y1 - (y1 - y0) * 0.08)))
        want = rgb(palette_for(tile.entry).background)
        assert sum(abs(g - w) for g, w in zip(got, want, strict=True)) < 60, tile.entry.title


def test_private_and_draft_glimmers_never_reach_a_collage(repo):
    repo.entry("2026-04-01-secret.md", "Only for me", "2026-04-01", private=True)
    repo.entry("2026-04-02-unfinished.md", "Half written", "2026-04-02", draft=True)
    assert main(["cards", "--month", "2026-04", "--out", "out"]) == 2  # nothing published
    assert main(["cards", "--year", "2026", "--out", "out"]) == 0
    alt = (repo.root / "out" / "collages" / "2026.txt").read_text(encoding="utf-8")
    assert "Only for me" not in alt and "Half written" not in alt
