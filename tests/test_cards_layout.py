"""Card text layout by the standards: bidi order, dictionary line breaks, hyphens, clusters.

Every expectation comes from a library other than the code under test: python-bidi (the Rust
unicode-bidi crate) for visual order, ICU's break iterators for line and grapheme breaks,
pyphen for hyphenation points.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise

import pyphen
import pytest
from bidi import get_display
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icu4py.breakers import CharacterBreaker, LineBreaker

from glimmer_publish.cards.design import FORMATS, CardText, layout_card
from glimmer_publish.cards.fonts import TITLE, Face, assign, clusters
from glimmer_publish.cards.layout import HYPHEN, MIN_FRAGMENT, Block, fit


def _fit(text: str, width: float, *, lang: str | None = None, size: int = 60,
         lines: int = 12, chain: tuple[Face, ...] | None = None) -> Block:
    return fit(text, chain or TITLE, width, 5000, max_size=size, min_size=size,
               max_lines=lines, leading=1.2, lang=lang, default_lang="en")


def _visual(line) -> str:
    """The characters of a laid-out line from left to right, as they appear on the card:
    pieces in the order they are drawn, each right-to-left piece read backwards."""
    return "".join(p.text[::-1] if p.direction == "rtl" else p.text for p in line.pieces)


MIXED = {
    "arabic, latin and greek": "ياسمين في Athens και Αθήνα",
    "hebrew with numbers": "הטיסה 714 יצאה ב-07:30 מרציף 3 אל אתונה",
    "english with an arabic phrase": "The word مرحبا بكم means welcome, said Grandma 2026",
    "arabic with a latin name and digits": "زرنا Café Central سنة 2019 مع جدتي",
}


@pytest.mark.parametrize("width", [2000, 700, 420])
@pytest.mark.parametrize("title", MIXED.values(), ids=MIXED.keys())
def test_mixed_direction_lines_are_in_the_bidi_algorithms_visual_order(title, width):
    block = _fit(title, width)
    assert "".join(block.text.split("\n")).replace(" ", "") == title.replace(" ", "")
    rtl_paragraph = unicodedata.bidirectional(
        next(ch for ch in title if unicodedata.bidirectional(ch) in "LRAL")) in ("R", "AL")
    for line in block.lines:
        expected = get_display(line.text, base_dir="R" if rtl_paragraph else "L")
        assert _visual(line) == expected, (line.text, [p.text for p in line.pieces])
        for piece in line.pieces:  # raqm gets each run in reading order with its direction
            assert piece.text in line.text
            strong = {unicodedata.bidirectional(c) for c in piece.text} & {"L", "R", "AL"}
            assert strong <= ({"R", "AL"} if piece.direction == "rtl" else {"L"}), piece.text
    if width == 420:
        assert len(block.lines) > 1


@pytest.mark.parametrize(("text", "lang", "base"), [
    ("iPhone חדש הגיע היום!", "he", "R"),  # Hebrew entry: reads right to left, like its page
    ("iPhone חדש הגיע היום!", None, "L"),  # no language: the first strong letter decides
    ("A glimmer written in Arabic.", "ar", "L"),  # no Arabic letter in it: stays as typed
    ("2026!", "ar", "R"),  # no letters at all: the entry's language
    ("2026!", None, "L"),
    # the language's direction is the one its page has (`languages.direction`):
    ("2026!", "ar-Latn", "L"),  # Arabic written in Latin letters
    ("2026!", "ota", "R"),  # Ottoman Turkish, which CLDR knows only by its likely script
])
def test_the_paragraph_direction_follows_the_language_where_the_text_is_in_it(text, lang, base):
    line = _fit(text, 2000, lang=lang).lines[0]
    assert _visual(line) == get_display(text, base_dir=base)


SPACELESS = {
    "th": "แสงแดดยามเช้าส่องผ่านหน้าต่างบานเล็กในครัวของคุณยายที่เชียงใหม่ทุกวัน",
    "lo": "ແສງແດດຍາມເຊົ້າສ່ອງຜ່ານປ່ອງຢ້ຽມນ້ອຍໃນເຮືອນຄົວຂອງແມ່ຕູ້",
    "km": "ពន្លឺព្រះអាទិត្យពេលព្រឹកចាំងតាមបង្អួចតូចនៅក្នុងផ្ទះបាយរបស់យាយ",
    "my": "မနက်ခင်းနေရောင်ခြည်သည်အဖွားရဲ့မီးဖိုချောင်ပြတင်းပေါက်ကလေးထဲကိုဖြာကျသည်",
}


@pytest.mark.parametrize("lang", SPACELESS)
def test_scripts_without_spaces_break_only_between_dictionary_words(lang):
    text = SPACELESS[lang]
    words = {end for _, end in LineBreaker(text, lang).segments()}
    block = _fit(text, 380, lang=lang, size=40)
    lines = block.text.split("\n")
    assert len(lines) >= 3 and "".join(lines) == text
    offset = 0
    for line in lines[:-1]:
        offset += len(line)
        assert offset in words, (lang, line)
    for line in lines:
        first = line[0]
        assert not unicodedata.category(first).startswith("M"), (lang, line)
        assert first not in "ะาำๅະາຳ", (lang, line)  # Thai and Lao vowels written after a letter


def test_japanese_lines_keep_small_kana_and_closing_marks_with_what_precedes_them():
    text = "ちょっと待って、きょうはとっても楽しかったね。ありがとう！" * 2
    block = _fit(text, 430, lang="ja", size=48)
    lines = block.text.split("\n")
    assert len(lines) > 2
    assert not any(line[0] in "、。！ゃゅょっぁぃぅぇぉー" for line in lines)


def _word_fragments(block: Block) -> list[str]:
    return [ln.text.removesuffix(HYPHEN) for ln in block.lines]


def test_a_long_word_is_hyphenated_where_the_dictionary_allows_and_never_leaves_a_letter():
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"
    layout = layout_card(CardText(f"{word} is a word", "", "14 March 2026", "Small Glimmers",
                                  "en", "en"), FORMATS["story"])
    block = next(p.block for p in layout.blocks if p.kind == "title")
    lines = block.text.split("\n")
    assert len(lines) > 2 and lines[-1].endswith("is a word") and lines[-1] != "s is a word"
    assert all(line.endswith(HYPHEN) for line in lines[:-1])  # a visible hyphen on each cut
    for line in block.lines[:-1]:  # the hyphen is drawn, in the word's own run
        assert line.pieces[-1].text.endswith(HYPHEN) and line.pieces[-1].ink[2] > 0
    fragments = [line.removesuffix(HYPHEN) for line in lines]
    joined = "".join(fragments)
    assert joined.startswith(word) and joined.endswith("is a word")
    points = set(pyphen.Pyphen(lang="en").positions(word))
    cut = 0
    for fragment in fragments[:-1]:
        cut += len(fragment)
        assert cut in points, fragment  # a real hyphenation point of the word
        assert len(fragment) >= MIN_FRAGMENT
    assert len(word) - cut >= MIN_FRAGMENT


LETTERS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzäöüéñ"), min_size=25, max_size=70)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word=LETTERS, tail=st.sampled_from(["", " is a word", " a", " ok then"]),
       width=st.integers(220, 700), lang=st.sampled_from(["en", "de", "fr", "ko", None]))
def test_no_word_is_ever_cut_to_a_lone_letter(word, tail, width, lang):
    block = _fit(word + tail, width, lang=lang, size=48, lines=30)
    assert block.lines and not block.truncated
    lines = [ln.text for ln in block.lines]
    fragments = [line.removesuffix(HYPHEN) for line in lines]
    assert " ".join(fragments) .replace(" ", "") == (word + tail).replace(" ", "")
    left = len(word)
    for line, fragment in zip(lines, fragments, strict=True):
        if left == 0:
            break
        part = fragment[:left]
        left -= len(part)
        assert len(part) >= MIN_FRAGMENT, lines  # never a lone letter (or two) on a line
        cut_inside = left > 0
        hyphens = lang != "ko"  # pyphen has no Korean dictionary: cut without a hyphen
        assert line.endswith(HYPHEN) == (cut_inside and hyphens), lines


UNITS = st.sampled_from([
    "e\u0301", "a\u0308\u0323", "o\u0302\u0303", "n\u0303", "क्षि", "न्दी", "👨‍👩‍👧", "🇯🇵",
    "🇬🇷", "🏳️‍🌈", "👍🏽", "1️⃣", "🧡", "b", "ç", "z",
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=st.lists(UNITS, min_size=8, max_size=40), width=st.integers(160, 600))
def test_grapheme_clusters_are_never_split_across_lines(units, width):
    text = "".join(units)
    assert "".join(clusters(text)) == text
    icu = {end for _, end in CharacterBreaker(text, "und").segments()}  # UTF-16 units
    units_at = 0
    for c in clusters(text):  # every cluster ends where ICU says one ends
        units_at += len(c.encode("utf-16-le")) // 2
        assert units_at in icu
    drawn = "".join(c.text for c in assign(text, TITLE))
    block = _fit(text, width, size=44, lines=60, chain=TITLE)
    lines = [line.removesuffix(HYPHEN) for line in block.text.split("\n")]
    if block.truncated:  # too narrow for even three clusters a line: the ellipsis ends it
        lines[-1] = lines[-1].removesuffix("…").removesuffix(HYPHEN)
        assert drawn.startswith("".join(lines))
    else:
        assert "".join(lines) == drawn
    nfc = [unicodedata.normalize("NFC", u) for u in units]
    if drawn == "".join(nfc):  # every unit drawable: each line ends where a unit ends
        bounds = set()
        pos = 0
        for unit in nfc:
            pos += len(unit)
            bounds.add(pos)
        pos = 0
        for line in lines[:-1]:
            pos += len(line)
            assert pos in bounds, (line, lines)


TALL = [SPACELESS["my"], "བཀྲ་ཤིས་བདེ་ལེགས། ཉི་མ་ཤར་བའི་འོད་ཟེར་སྒེའུ་ཁུང་ནང་དུ་བབས་སོང་།",
        "Ẩm thực Việt: phở, bánh xèo, chả giò, gỏi cuốn, cà phê sữa đá"]


@pytest.mark.parametrize("text", TALL, ids=["myanmar", "tibetan", "vietnamese"])
def test_lines_of_tall_scripts_never_touch(text):
    block = fit(text, TITLE, 1032, 2000, max_size=84, min_size=40, max_lines=4,
                leading=1.12, default_lang="en")
    assert len(block.lines) > 1
    rows: dict[float, list[float]] = {}
    for piece, _x, y in block.placed(0, 0, 1032):
        if piece.text.strip():
            top, bottom = rows.get(y, (y, y))
            rows[y] = (min(top, y + piece.ink[1]), max(bottom, y + piece.ink[3]))
    spans = [rows[y] for y in sorted(rows)]
    for (_, bottom), (top, _) in pairwise(spans):
        assert bottom < top, spans


@pytest.mark.parametrize(("lang", "site"), [("de", "en"), (None, "de")])
def test_hyphenation_follows_the_entrys_language_else_the_sites(lang, site):
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"
    block = fit(f"{word} gefunden", TITLE, 700, 5000, max_size=72, min_size=72, max_lines=9,
                leading=1.2, lang=lang, default_lang=site)
    lines = block.text.split("\n")
    assert len(lines) > 2 and all(line.endswith(HYPHEN) for line in lines[:-2])
    german = set(pyphen.Pyphen(lang="de").positions(word))
    cut = 0
    for line in lines:
        if not line.endswith(HYPHEN):
            break
        cut += len(line) - 1
        assert cut in german, line


BIDI_WORDS = st.sampled_from([
    "ياسمين", "في", "المساء", "שלום", "עולם", "Athens", "και", "Αθήνα", "tea", "714", "07:30",
    "2026!", "3.5%", "-", "،", "(café)", "«ok»", "١٢٣", "—", "?", "x=1",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(BIDI_WORDS, min_size=1, max_size=12))
def test_any_mixed_direction_line_matches_the_reference_bidi_order(words):
    # One line, so the reference's levels (resolved on the line) are the paragraph's too.
    text = " ".join(words)
    (line,) = _fit(text, 6000, size=48).lines
    base = {True: "R", False: "L"}[
        next((unicodedata.bidirectional(c) in ("R", "AL") for c in text
              if unicodedata.bidirectional(c) in ("L", "R", "AL")), False)]
    assert _visual(line) == get_display(text, base_dir=base), text


@pytest.mark.parametrize("fmt", ["square", "portrait", "story"])
def test_a_devanagari_title_is_balanced_without_a_lonely_last_word(fmt):
    # Its matras and vowel signs push wrapped lines apart; balancing must still happen.
    layout = layout_card(CardText("सुबह की धूप खिड़की पर", "Written in Hindi.", "9 May 2026",
                                  "Glimmers", "hi", "en"), FORMATS[fmt])
    title = next(p.block for p in layout.blocks if p.kind == "title")
    lines = title.text.split("\n")
    assert len(lines) == 2 and all(len(line.split()) >= 2 for line in lines), lines


def test_an_overlong_thai_excerpt_ends_after_a_whole_word_with_an_ellipsis():
    text = SPACELESS["th"] * 12
    block = fit(text, TITLE, 888, 300, max_size=36, min_size=28, max_lines=4, leading=1.45,
                lang="th")
    assert block.truncated and block.text.endswith("…")
    shown = block.text.replace("\n", "").removesuffix("…")
    assert text.startswith(shown)
    assert len(shown) in {end for _, end in LineBreaker(text, "th").segments()}
