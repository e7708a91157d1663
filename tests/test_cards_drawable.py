"""The card warnings take shortcuts (no Markdown when the source is plain, no font chosen for
clusters any face draws whole, cmaps read without fontTools): they must say exactly what the
long way says — every card text resolved cluster by cluster against fontTools' cmaps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from glimmer_publish import markup
from glimmer_publish.cards import cmap, fonts
from glimmer_publish.cards.content import card_excerpt
from glimmer_publish.cards.drawable import _name, undrawable
from glimmer_publish.entries import CardOptions, Entry

# Pieces of text that exercise every path: letters the lead faces have, scripts only later
# faces have, emoji sequences, combining marks, invisible controls, characters no bundled
# face has (a tag character, Linear B, a private-use one), Markdown that adds characters
# (smart quotes, dashes, entities) or removes them (emphasis, code, footnotes).
PIECES = (
    "a", "Sun", " ", "\n\n", ".", "'", '"', "--", "...", "&amp;", "&#x1F600;", "&hearts;",
    "&#x10000;", "*kind*", "`tea`", "[^1]", "\n\n[^1]: a note", "# Head\n\n", "<b>x</b>", "é",
    "e\u0301", "a\u0308\u0301", "\u0628\u0650", "ياسمين", "朝の光", "骨", "한글", "ไทย", "🌞",
    "☕",
    "👍🏽", "🇯🇵", "👩\u200d💻", "❤\ufe0f", "1\ufe0f\u20e3", "\u200f", "\u00ad", "\U000e0020",
    "\U00010000", "\ue000", "\u2603", "\u2190", "\U0001d400", "x\u0345", "\u0f40\u0f71",
)
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def _entry(title: str, body: str, where: str | None, felt: str | None, excerpt: str | None,
           lang: str | None) -> Entry:
    return Entry(path=Path("/nonexistent/x.md"), source="entries/x.md", slug="x",
                 title=title or "t", date=datetime(2026, 3, 14, tzinfo=UTC), has_time=False,
                 body=body, where=where or None, felt=felt or None,
                 card=CardOptions(excerpt=excerpt or None), lang=lang)


def _the_long_way(entry: Entry) -> list[tuple[str, str]]:
    """Every text a card shows, resolved in full, as (field, message)."""
    shown = [("title", entry.title, "title")]
    if entry.where:
        shown.append(("where", entry.where, "text"))
    if entry.card.excerpt:
        shown.append(("card.excerpt", entry.card.excerpt, "text"))
    elif markup.excerpt(entry.body_text):
        shown.append(("body", card_excerpt(entry), "text"))
    elif entry.felt:
        shown.append(("felt", entry.felt, "text"))
    out = []
    for field, text, kind in shown:
        _, missing = fonts.resolve(text, fonts.chain(kind, entry.lang, text))
        out += [(field, f"'{ch}' ({_name(ch)}) cannot be drawn on the cards")
                for ch in dict.fromkeys(missing)]
    return out


@settings(max_examples=400, deadline=None)
@given(title=texts, body=texts, where=st.none() | texts, felt=st.none() | texts,
       excerpt=st.none() | texts, lang=st.sampled_from((None, "ja", "zh-Hant", "ar", "ko")))
def test_card_warnings_are_what_resolving_every_text_in_full_gives(title, body, where, felt,
                                                                    excerpt, lang):
    markup.configure(("smarty", "footnotes"))
    try:
        entry = _entry(title, body, where, felt, excerpt, lang)
        got = [(p.field, p.message) for p in undrawable(entry)]
        assert got == _the_long_way(entry)
    finally:
        markup.configure()


@pytest.mark.parametrize("face", sorted(set(fonts.ALL_FACES) | set(fonts.HAN.values()),
                                        key=lambda f: f.file), ids=lambda f: f.file)
def test_every_bundled_face_covers_what_fonttools_reads_from_its_cmap(face):
    font = TTFont(face.path, lazy=True, fontNumber=0)
    try:
        expected = frozenset(font["cmap"].getBestCmap())
    finally:
        font.close()
    assert cmap.codepoints(face.path) == expected
    assert fonts.coverage(face) == expected


def test_a_font_the_reader_does_not_know_is_left_to_fonttools(tmp_path):
    odd = tmp_path / "odd.ttf"
    odd.write_bytes(b"ttcf" + bytes(60))  # a collection: not read here
    assert cmap.codepoints(odd) is None
    assert cmap.codepoints(tmp_path / "missing.ttf") is None
