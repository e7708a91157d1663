"""Card text: every script draws with real glyphs, and text never leaves its box."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import features

from glimmer_publish.cards.design import FORMATS, CardText, layout_card
from glimmer_publish.cards.fonts import EMOJI, LABEL, TEXT, TITLE, assign, coverage, glyphs_needed
from glimmer_publish.cards.layout import fit, measure

SAMPLES = {
    "latin": "Crème brûlée, Straße, Łódź, Ærøskøbing, naïve façade, São Tomé, Ðakovo",
    "vietnamese": "Ánh nắng sớm mai trên mặt hồ",
    "greek": "Το φως του πρωινού στο παράθυρο",
    "cyrillic": "Утренний свет на подоконнике, ёжик",
    "arabic": "ياسمين في المساء",
    "hebrew": "אור הבוקר על אדן החלון",
    "devanagari": "सुबह की रोशनी खिड़की पर",
    "chinese": "清晨的阳光照在窗台上",
    "traditional": "清晨的陽光照在窗臺上",
    "japanese": "朝の光が障子を通して、部屋がやわらかく光った。",
    "korean": "아침 햇살이 창문에 비쳤다",
    "emoji": "🐈☀️🧡 👨‍👩‍👧 🇯🇵 👍🏽 1️⃣ 🏳️‍🌈",
}
CHAINS = {"title": TITLE, "text": TEXT, "label": LABEL}


def test_right_to_left_shaping_is_available():
    # Without FriBiDi, raqm leaves Arabic unjoined and in the wrong order without any error.
    assert features.check("raqm") and features.check("fribidi")


@pytest.mark.parametrize("chain", CHAINS.values(), ids=CHAINS.keys())
@pytest.mark.parametrize("script", SAMPLES)
def test_every_character_is_drawn_by_a_face_that_has_its_glyph(script, chain):
    text = unicodedata.normalize("NFC", SAMPLES[script])
    clusters = assign(text, chain)
    assert "".join(c.text for c in clusters) == text  # nothing dropped
    for c in clusters:
        assert set(glyphs_needed(c.text)) <= coverage(c.face), (c.text, c.face.file)
    if script == "emoji":
        assert all(c.face == EMOJI for c in clusters if c.text != " ")


def test_emoji_sequences_become_one_glyph():
    one = measure("🧡", EMOJI, 100).width
    for sequence in ("👨‍👩‍👧", "🇯🇵", "👍🏽", "🏳️‍🌈"):
        assert measure(sequence, EMOJI, 100).width == pytest.approx(one), sequence


def test_arabic_letters_join():
    word = "ياسمين"
    face = assign(word, TEXT)[0].face
    joined = measure(word, face, 60, "rtl").width
    isolated = sum(measure(ch, face, 60, "rtl").width for ch in word)
    assert joined < isolated * 0.95


def test_japanese_breaks_between_characters_but_never_before_closing_marks():
    block = fit(SAMPLES["japanese"] * 2, TITLE, 500, 2000, max_size=80, min_size=40,
                max_lines=10, leading=1.2)
    lines = block.text.split("\n")
    assert len(lines) > 2
    assert not any(line[0] in "、。」" for line in lines)


def test_long_title_of_ordinary_words_fits_without_ellipsis_in_every_format():
    title = ("The morning the kettle sang, the cat stretched in the one warm square of sun "
             "and I remembered to breathe out")[:120]
    excerpt = "It was nothing, really. A moment of warmth that stayed with me all day long."
    for fmt in FORMATS.values():
        layout = layout_card(CardText(title, excerpt, "14 March 2026", "Small Glimmers"), fmt)
        block = next(p.block for p in layout.blocks if p.kind == "title")
        assert not block.truncated and block.text.replace("\n", " ") == title


def test_an_overlong_excerpt_ends_in_an_ellipsis():
    block = fit("word " * 400, TEXT, 900, 200, max_size=36, min_size=28, max_lines=4,
                leading=1.4)
    assert block.truncated and block.text.endswith("…") and block.height <= 200


WORDS = st.sampled_from([
    "sun", "kettle", "grandmother's", "Überraschungsmoment", "ánh", "φως", "свет", "ياسمين",
    "אור", "रोशनी", "朝の光が障子を通して", "햇살이", "🐈☀️", "👨‍👩‍👧", "🇯🇵", "—", "!",
    "a" * 40, "supercalifragilisticexpialidocious",
])
TITLES = st.one_of(
    st.lists(WORDS, min_size=1, max_size=60).map(lambda ws: " ".join(ws)[:120].strip() or "a"),
    st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1,
            max_size=120).filter(str.strip),
)


def _inside(inner, outer, slack=0.5):
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


@pytest.mark.parametrize("fmt", FORMATS.values(), ids=FORMATS.keys())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TITLES, excerpt=st.one_of(st.just(""), TITLES), where=st.one_of(st.just(""), WORDS))
def test_text_never_leaves_its_box_or_the_safe_area(fmt, title, excerpt, where):
    text = CardText(title, excerpt, "14 March 2026" + (f"  ·  {where}" if where else ""),
                    "Small Glimmers")
    layout = layout_card(text, fmt)
    safe = layout.safe
    if fmt.name == "story":
        assert safe[1] >= 250 and safe[3] <= fmt.height - 250
    previous_bottom = 0.0
    for placed in layout.blocks:
        assert _inside(placed.box, safe), (placed.kind, placed.box, safe)
        assert placed.box[1] >= previous_bottom - 0.5, "blocks overlap"
        previous_bottom = placed.box[3]
        for ink in placed.ink():
            assert _inside(ink, placed.box), (placed.kind, ink, placed.box)
    title_block = next(p.block for p in layout.blocks if p.kind == "title")
    drawable = any(c.text.strip() for c in assign(title, TITLE))
    assert title_block.lines or not drawable, "the title is always shown"


def test_faces_drawn_without_hinting_keep_their_glyphs_and_advances():
    """Cards load hinted faces with hinting switched off (much quicker to rasterise): the
    same characters, the same advances (so the same line breaks), ink in the same place."""
    from PIL import ImageFont

    from glimmer_publish.cards.fonts import ALL_FACES, load, unhinted

    switched = [face for face in ALL_FACES if unhinted(face) is not None]
    assert {face.file for face in switched} == {  # the faces of site names, dates, excerpts
        "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSerif-Bold.ttf"}
    for face in switched:
        sample = "".join(chr(cp) for cp in sorted(coverage(face))
                         if unicodedata.category(chr(cp))[0] == "L")[:24]
        hinted = ImageFont.truetype(str(face.path), 40, layout_engine=ImageFont.Layout.RAQM)
        font = load(face, 40)
        assert font.getlength(sample) == hinted.getlength(sample), face.file
        drawn, kept = font.getbbox(sample, anchor="ls"), hinted.getbbox(sample, anchor="ls")
        assert all(abs(a - b) <= 2 for a, b in zip(drawn, kept, strict=True)), face.file
        assert font.getmask(sample).getbbox() is not None, face.file


def _anon_kb() -> int:
    with open("/proc/self/smaps_rollup") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("Pss_Anon:"))


@pytest.mark.skipif(not hasattr(__import__("os"), "memfd_create")
                    or not __import__("os").path.exists("/proc/self/smaps_rollup"),
                    reason="in-memory font files and smaps are Linux's")
def test_every_size_of_an_unhinted_face_shares_one_copy_of_the_font_and_draws_the_same():
    """Card workers load dozens of sizes of each face while fitting text. Handed as bytes,
    Pillow kept a copy of the (unhinted) font per size: 0.6 MB a size for Noto Serif, about
    19 MB a worker. Now every size maps one in-memory file, and draws the same glyphs."""
    import io

    from PIL import ImageFont

    from glimmer_publish.cards import fonts

    face = next(f for f in fonts.ALL_FACES if f.file == "NotoSerif-Bold.ttf")
    data = fonts.unhinted(face)
    assert data is not None and len(data) > 500_000
    path = fonts._unhinted_file(face)
    assert path is not None and Path(path).read_bytes() == data
    fonts.load(face, 11).getlength("warm")  # libraries loaded before counting
    before = _anon_kb()
    loaded = [fonts.load(face, size) for size in range(100, 140)]
    for font in loaded:
        font.getlength("Small glimmers")
    assert _anon_kb() - before < 8_000  # 40 copies would be 24 MB
    for size in (24, 57, 132):
        ours = fonts.load(face, size).getmask2("Ĥéllo wörld, ἀγάπη", "L", anchor="ls")
        from_bytes = ImageFont.truetype(io.BytesIO(data), size, layout_engine=ImageFont.Layout.RAQM
                                        ).getmask2("Ĥéllo wörld, ἀγάπη", "L", anchor="ls")
        assert ours[1] == from_bytes[1] and bytes(ours[0]) == bytes(from_bytes[0])
