"""A rebuild keeps unchanged entries' cards from the last build (plugin/card_memo.py): it must
never publish a card that is no longer in the cache, and a damaged memo is only slower."""

from __future__ import annotations

import json
from pathlib import Path

from test_incremental import fingerprint, glimmer_build, write_journal


def test_a_card_gone_from_the_cache_is_drawn_again_and_published(tmp_path):
    write_journal(tmp_path)
    glimmer_build(tmp_path)
    cold = fingerprint(tmp_path / "site")
    memo = json.loads((tmp_path / ".cache" / "glimmer" / "cards-memo.json").read_text("utf-8"))
    assert len(memo["entries"]) == 5  # every entry's cards are remembered
    # someone empties the card cache (a CI cache restored half, say)
    cards = tmp_path / ".cache" / "glimmer" / "cards"
    gone = sorted(cards.iterdir())[0]
    gone.unlink()
    # the site is still whole, so a stamp (if the journal had settled) would stop the build
    (tmp_path / ".cache" / "glimmer" / "last-build.json").unlink(missing_ok=True)
    glimmer_build(tmp_path)
    again = fingerprint(tmp_path / "site")
    assert set(again) == set(cold)
    assert {p: v[2] for p, v in again.items()} == {p: v[2] for p, v in cold.items()}
    assert gone.is_file()  # drawn again into the cache


def test_a_damaged_memo_is_ignored(tmp_path):
    write_journal(tmp_path)
    glimmer_build(tmp_path)
    cold = fingerprint(tmp_path / "site")
    memo = tmp_path / ".cache" / "glimmer" / "cards-memo.json"
    for damage in ('{"version": 1, "entries": {"x": 3}}', "not json", ""):
        memo.write_text(damage, encoding="utf-8")
        # the site is still whole, so the build's stamp would stop it before the memo is read
        (memo.parent / "last-build.json").unlink(missing_ok=True)
        glimmer_build(tmp_path)
        assert {p: v[2] for p, v in fingerprint(tmp_path / "site").items()} == \
            {p: v[2] for p, v in cold.items()}
    assert json.loads(memo.read_text("utf-8"))["version"] == 1  # written whole again


def test_an_edited_entry_gets_its_new_card(tmp_path):
    write_journal(tmp_path)
    glimmer_build(tmp_path)
    before = fingerprint(tmp_path / "site")
    entry = next(Path(tmp_path / "entries" / "2026").glob("*door.md"))
    entry.write_text(entry.read_text("utf-8").replace("A stranger held the door",
                                                      "Two strangers held the door"), "utf-8")
    glimmer_build(tmp_path)
    after = fingerprint(tmp_path / "site")
    slug = entry.stem
    changed = {p for p in after if before.get(p, (0, 0, b""))[2] != after[p][2]}
    assert {p for p in changed if p.startswith("cards/")} == {
        p for p in after if p.startswith(f"cards/{slug}/")}


def test_a_photo_replaced_under_the_same_name_gets_a_new_card(tmp_path):
    """The entry's file is untouched: only the photo it names changed (a better shot)."""
    from PIL import Image

    write_journal(tmp_path)
    glimmer_build(tmp_path)
    before = fingerprint(tmp_path / "site")
    Image.new("RGB", (640, 480), (120, 60, 40)).save(
        tmp_path / "entries" / "2026" / "frost.jpg", "JPEG")
    glimmer_build(tmp_path)
    after = fingerprint(tmp_path / "site")
    changed = {p for p in after if p.startswith("cards/2026-11-24-frost/")
               and before[p][2] != after[p][2]}
    assert changed == {p for p in after if p.startswith("cards/2026-11-24-frost/")}
