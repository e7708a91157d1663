"""Cards draw every script people write in, in the entry's Han forms, or say what is left out."""

from __future__ import annotations

import contextlib
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, features

from glimmer_publish.cards import shaping
from glimmer_publish.cards.drawable import undrawable
from glimmer_publish.cards.fonts import (
    _IGNORABLE,
    HAN,
    TITLE,
    chain,
    coverage,
    invisible,
    load,
    pick_face,
    resolve,
)
from glimmer_publish.cards.render import cache_key
from glimmer_publish.cli import main
from glimmer_publish.entries import load_journal


def _union(faces) -> frozenset[int]:
    return frozenset().union(*(coverage(f) for f in faces))


def _standard(codec: str, leads: range, trails: range) -> set[str]:
    out: set[str] = set()
    for a in leads:
        for b in trails:
            with contextlib.suppress(UnicodeDecodeError):
                out.update(bytes([a, b]).decode(codec))
    return {c for c in out if unicodedata.name(c, "").startswith("CJK")}


def test_korean_cards_have_all_11172_hangul_syllables():
    assert set(range(0xAC00, 0xD7A4)) <= coverage(HAN["kr"])
    assert pick_face("똠", chain("title", "ko"), None) == HAN["kr"]


@pytest.mark.parametrize("codec,leads,trails", [
    ("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),  # the 6,763 everyday Simplified hanzi
    ("big5", range(0xA4, 0xFA), range(0x40, 0xFF)),  # Big5 levels 1 and 2 (Traditional)
    ("euc_jis_2004", range(0xB0, 0xFF), range(0xA1, 0xFF)),  # JIS X 0208 and 0213 kanji
    ("euc_kr", range(0xCA, 0xFE), range(0xA1, 0xFF)),  # KS X 1001 hanja
])
def test_the_everyday_han_of_each_national_standard_is_drawn(codec, leads, trails):
    han = _standard(codec, leads, trails)
    assert len(han) > 4000
    drawn = _union(TITLE)
    assert sorted(c for c in han if ord(c) not in drawn) == []
    assert 0x20BB7 in drawn  # 𠮷, the Extension B character of Yoshinoya


def _drawn(face, ch: str) -> Image.Image:
    img = Image.new("L", (140, 140), 0)
    ImageDraw.Draw(img).text((10, 10), ch, font=load(face, 110), fill=255)
    return img


@pytest.mark.parametrize("lang,region", [("ja", "jp"), ("ko", "kr"), ("zh-Hans", "sc"),
                                         ("zh-CN", "sc"), ("zh-Hant", "tc"), ("zh-TW", "tc"),
                                         ("zh-HK", "tc"), ("en", "jp")])
def test_han_takes_the_glyph_forms_of_the_entry_language(lang, region):
    assert pick_face("直", chain("title", lang, "直"), None) == HAN[region]


def test_regional_forms_really_differ():
    # 直 is drawn differently in Japan and mainland China, 骨 in mainland China and Taiwan.
    shapes = {r: _drawn(HAN[r], "直") for r in ("jp", "sc")}
    assert ImageChops.difference(shapes["jp"], shapes["sc"]).getbbox() is not None
    assert ImageChops.difference(_drawn(HAN["sc"], "骨"), _drawn(HAN["tc"], "骨")).getbbox()


def test_kana_or_hangul_pick_the_region_when_no_language_says():
    assert pick_face("光", chain("text", "en", "ひかり 光"), None) == HAN["jp"]
    assert pick_face("光", chain("text", "en", "빛 光"), None) == HAN["kr"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
@example(title="0\U000e0020")  # a tag character after a digit was reported as missing
def test_every_character_is_drawn_by_a_face_with_its_glyph_or_reported(title):
    clusters, missing = resolve(title, TITLE)
    for c in clusters:  # drawn characters: each one is in the face's cmap
        for ch in c.text:
            assert ch == " " or ord(ch) in _IGNORABLE or ord(ch) in coverage(c.face), (
                c.face.file, f"U+{ord(ch):04X}")
    text = unicodedata.normalize("NFC", title)
    expected = Counter(ch for ch in text if not ch.isspace() and not invisible(ch)
                       and ord(ch) not in _IGNORABLE)
    drawn = Counter(ch for c in clusters for ch in c.text
                    if ch != " " and ord(ch) not in _IGNORABLE)
    reported = Counter(ch for ch in missing if ord(ch) not in _IGNORABLE)
    assert drawn + reported == expected


def _site(journal, title: str):
    (journal.root / "mkdocs.yml").write_text(
        "site_name: Small Glimmers\nsite_url: https://example.org/\n"
        "plugins:\n  - glimmer:\n      card_formats: [og]\n", encoding="utf-8")
    journal.entry("2026-03-14-clay.md", title, where="Museum 𒀀")
    return journal


def test_a_character_no_font_has_is_a_warning_at_its_line_and_column(journal):
    _site(journal, "Clay 𒀀 tablet")
    entry = load_journal(journal.settings).entries[0]
    texts = [p.text() for p in undrawable(entry)]
    assert texts == [
        "entries/2026-03-14-clay.md:2:14: warning: title: '𒀀' (U+12000 CUNEIFORM SIGN A) "
        "cannot be drawn on the cards\n  hint: the cards' fonts have no glyph for it, so the "
        "card leaves it out; the page and the feeds keep it",
        "entries/2026-03-14-clay.md:4:15: warning: where: '𒀀' (U+12000 CUNEIFORM SIGN A) "
        "cannot be drawn on the cards\n  hint: the cards' fonts have no glyph for it, so the "
        "card leaves it out; the page and the feeds keep it",
    ]


def test_validate_warns_and_still_succeeds(journal, capsys):
    _site(journal, "Clay 𒀀 tablet")
    assert main(["--config", str(journal.root / "mkdocs.yml"), "validate"]) == 0
    out = capsys.readouterr().out
    assert "2:14: warning: title: '𒀀' (U+12000 CUNEIFORM SIGN A)" in out


def test_cards_counts_what_it_left_out(journal, capsys):
    _site(journal, "Clay 𒀀 tablet 🧌")
    out = journal.root / "preview"
    assert main(["--config", str(journal.root / "mkdocs.yml"), "cards", "--out", str(out),
                 "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "U+12000" in err and "U+1F9CC" not in err  # the troll emoji is drawn
    assert "1 rendered, 0 from cache, 0 failed, 2 characters left out" in err


@pytest.fixture
def no_fribidi(monkeypatch):
    real = features.check
    monkeypatch.setattr(features, "check", lambda name: False if name == "fribidi" else real(name))


@pytest.mark.parametrize("command", ["cards", "build", "serve"])
def test_without_fribidi_drawing_commands_stop_with_install_help(journal, capsys, no_fribidi,
                                                                 command):
    _site(journal, "Sun on the kettle")
    assert main(["--config", str(journal.root / "mkdocs.yml"), command]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0  # one line
    for words in ("apt install libfribidi0", "dnf install fribidi", "brew install fribidi",
                  "fribidi.dll"):
        assert words in err
    assert not any(journal.root.rglob("*.jpg"))  # nothing drawn
    assert main(["--config", str(journal.root / "mkdocs.yml"), "validate"]) == 0  # no drawing


def test_without_fribidi_the_plugin_stops_mkdocs_before_drawing(journal, no_fribidi, caplog):
    from mkdocs.exceptions import MkDocsException

    from glimmer_publish.build import run_mkdocs_build

    _site(journal, "Sun on the kettle")
    (journal.root / "docs").mkdir()
    with pytest.raises(MkDocsException):
        run_mkdocs_build(journal.root / "mkdocs.yml", journal.root / "site")
    assert "apt install libfribidi0" in caplog.text
    assert not any(journal.root.rglob("*.jpg"))


def test_another_shaping_library_version_changes_the_card_cache_key(journal, monkeypatch):
    _site(journal, "Sun on the kettle")
    entry = load_journal(journal.settings).entries[0]
    before = cache_key(entry, journal.settings, "og", "")
    real = features.version
    for name in shaping.LIBRARIES:
        with monkeypatch.context() as m:
            m.setattr(features, "version",
                      lambda lib, name=name: "0.0.1" if lib == name else real(lib))
            assert cache_key(entry, journal.settings, "og", "") != before, name
    assert cache_key(entry, journal.settings, "og", "") == before


def test_the_build_log_names_what_the_cards_leave_out(journal, caplog):
    from glimmer_publish.build import run_mkdocs_build

    _site(journal, "Clay 𒀀 tablet")
    (journal.root / "docs").mkdir()
    run_mkdocs_build(journal.root / "mkdocs.yml", journal.root / "site")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("2026-03-14-clay.md:2:14: warning: title: '𒀀' (U+12000" in w for w in warnings)
    assert (journal.root / "site" / "cards" / "2026-03-14-clay" / "og.jpg").is_file()


def test_warnings_point_into_folded_values_bodies_and_felt(journal):
    journal.write("2026-01-02-a.md", '---\ntitle: "Quoted 𒀁"\ndate: 2026-01-02\nwhere: >\n'
                  '  folded place\n  with 𒀂\n---\n\nFirst line here.\nA clay 𒀀 tablet.\n',
                  dedent=False)
    journal.write("2026-01-03-b.md", "---\ntitle: Plain\ndate: 2026-01-03\n"
                  "felt: warm 𒀃 chest\n---\n", dedent=False)
    found = [(p.path, p.line, p.col, p.field, p.message.split("'")[1])
             for e in load_journal(journal.settings).entries for p in undrawable(e)]
    assert sorted(found) == [
        ("entries/2026-01-02-a.md", 2, 16, "title", "𒀁"),
        ("entries/2026-01-02-a.md", 6, 8, "where", "𒀂"),
        ("entries/2026-01-02-a.md", 10, 8, "body", "𒀀"),
        ("entries/2026-01-03-b.md", 4, 12, "felt", "𒀃"),
    ]


def test_a_changed_font_changes_the_fonts_fingerprint(tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    from glimmer_publish.cards import fonts

    for path in fonts.FONT_DIR.iterdir():
        (tmp_path / path.name).symlink_to(path)
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    before = fonts.fonts_digest.__wrapped__()
    changed = tmp_path / "NotoSansThaana-Regular.ttf"
    font = TTFont(changed.resolve())
    font["head"].fontRevision += 0.001  # a new release of one font
    changed.unlink()
    font.save(changed)
    assert fonts.fonts_digest.__wrapped__() != before


def test_plain_entries_are_passed_quickly_but_an_entity_in_the_body_is_still_reported(journal):
    """The fast path (every character in the first face) must not hide what Markdown makes."""
    _site(journal, "Sun on the kettle")
    journal.entry("2026-03-15-plain.md", "Steam, and “light”", body="Warm -- and quiet...")
    journal.entry("2026-03-16-entity.md", "A clay tablet", body="It said &#x12000; to me.")
    entries = {e.slug: e for e in load_journal(journal.settings).entries}
    assert undrawable(entries["2026-03-15-plain"]) == []
    (warning,) = undrawable(entries["2026-03-16-entity"])
    assert warning.field == "body" and "U+12000" in warning.message
