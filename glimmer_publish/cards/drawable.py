"""Characters a card cannot draw, as warnings that point at the very character in the file.

A card leaves out what no bundled font has a glyph for (never a tofu box); this module makes
sure the writer hears about it instead of finding a word missing on a shared picture.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from .. import markup
from ..entries import Entry
from ..problems import Problem
from .fonts import TEXT, TITLE, Face, chain, clusters, coverage, glyphs_needed, invisible, resolve

HINT = ("the cards' fonts have no glyph for it, so the card leaves it out; the page and the "
        "feeds keep it")


def _name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _where(entry: Entry, field: str, ch: str, lines: list[str]) -> tuple[int, int]:
    """(line, col) of the first `ch` at or after where the field's value starts.

    The loader's span says where the value starts; the character is then found in the file's
    text, so quoted, folded and multi-line values point at the right place too. The file is
    read only when a card lacks a character, and the span alone is the answer if it is gone.
    """
    line, col = entry.spans.get(field, (entry.body_line, 1))
    for i in range(line - 1, len(lines)):
        found = lines[i].find(ch, col - 1 if i == line - 1 else 0)
        if found >= 0:
            return i + 1, found + 1
    return line, col


def _card_excerpt(entry: Entry) -> str:
    """content.card_excerpt (read here without importing the drawing code)."""
    return entry.card.excerpt or entry.excerpt or (entry.felt or "")


# The first face of each block's chain: the same whatever the language or text.
_LEAD = {"title": TITLE[0], "text": TEXT[0]}


@cache
def _drawn_by(face: Face) -> frozenset[str]:
    """The face's characters as strings, for set arithmetic on whole texts."""
    return frozenset(map(chr, coverage(face)))


def _lead_draws_all(text: str, kind: str) -> bool:
    """True when the block's first face has every character: nothing can be missing then, and
    the cluster-by-cluster resolve (the slow part at a thousand entries) can be skipped."""
    rest = set(unicodedata.normalize("NFC", text)).difference(_drawn_by(_LEAD[kind]))
    return all(ch.isspace() for ch in rest)


# What Markdown's smarty extension may put into an excerpt that its source did not have.
_SMART = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb"


def _plain_source(text: str) -> bool:
    """Every character a body's excerpt can show is in the text block's first face, judged by
    the Markdown source (plus smart punctuation), so it need not be rendered; an `&` (an
    entity may become any character) takes the long way."""
    return "&" not in text and _lead_draws_all(text + _SMART, "text")


def _card_texts(entry: Entry) -> list[tuple[str, str, str]]:
    """(field, text on the card, block kind) for each piece of entry text a card shows that
    is not already known to be drawn whole by its block's first face."""
    out = [("title", entry.title, "title")]
    if entry.where:
        out.append(("where", entry.where, "text"))
    if entry.card.excerpt:
        out.append(("card.excerpt", entry.card.excerpt, "text"))
    elif _plain_source(entry.body + (entry.felt or "")):
        pass  # the body's excerpt or else `felt`: whichever the card shows, it draws whole
    elif markup.excerpt(entry.body_text):
        out.append(("body", _card_excerpt(entry), "text"))
    elif entry.felt:
        out.append(("felt", entry.felt, "text"))
    return out


def _all_plainly_drawable(entry: Entry) -> bool:
    """Every character of every card text is in its block's first face: no warning possible.

    Checked on the body's source (see `_plain_source`), so that a thousand plain entries need
    no Markdown rendering.
    """
    rest = "".join(filter(None, (entry.where, entry.card.excerpt, entry.felt, entry.body)))
    return _lead_draws_all(entry.title, "title") and _plain_source(rest)


def _missing(text: str, faces: tuple[Face, ...]) -> list[str]:
    """`resolve(text, faces)[1]`, the characters no face can draw, without placing every
    cluster in a face: only when some cluster has no face that draws it whole (which is
    when anything can be missing) is the text resolved in full."""
    lead = coverage(faces[0])
    plain = _drawn_by(faces[0])
    for c in clusters(unicodedata.normalize("NFC", text)):
        if c in plain and not c.isspace():
            continue  # one character the lead face has (resolve would give it a face)
        while c and invisible(c[0]):  # as resolve does
            c = c[1:]
        if not c:
            continue
        if c.isspace():
            c = " "
        needed = glyphs_needed(c)
        if all(cp in lead for cp in needed):
            continue
        if not _some_face_draws(set(needed), faces):
            return resolve(text, faces)[1]
    return []


_FOUND_IN: dict[int, Face] = {}  # a face found to have the code point (once one was looked for)


def _some_face_draws(wanted: set[int], faces: tuple[Face, ...]) -> bool:
    for cp in wanted:
        face = _FOUND_IN.get(cp)
        if face is not None and face in faces and wanted <= coverage(face):
            return True
    for face in _likely_first(wanted, faces):
        if wanted <= coverage(face):
            _FOUND_IN.update(dict.fromkeys(wanted, face))
            return True
    return False


# Words in Unicode character names that name the bundled face for them.
_FACE_WORDS = {"CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK",
               "IDEOGRAPHIC": "CJK", "BOPOMOFO": "CJK", "MATHEMATICAL": "Math"}


def _likely_first(wanted: set[int], faces: tuple[Face, ...]) -> list[Face]:
    """The faces, those the characters' names point to first (Arabic letters: the Arabic
    faces; symbols from U+2300 on: emoji). Whether some face draws a cluster does not
    depend on the order, and this way only the fonts needed are ever read."""
    hints = set()
    for cp in wanted:
        word = unicodedata.name(chr(cp), " ").split(" ")[0]
        hints.add(_FACE_WORDS.get(word, word.title()))
        if cp >= 0x2300:
            hints.add("Emoji")
    first = [face for face in faces if any(hint and hint in face.file for hint in hints)]
    return [*first, *(face for face in faces if face not in first)] if first else list(faces)


def undrawable(entry: Entry) -> list[Problem]:
    """A warning for each character (once per field) the entry's cards cannot draw."""
    if _all_plainly_drawable(entry):
        return []
    problems = []
    lines: list[str] | None = None
    for field, shown, kind in _card_texts(entry):
        if _lead_draws_all(shown, kind):
            continue
        missing = _missing(shown, chain(kind, entry.lang, shown))
        for ch in dict.fromkeys(missing):
            if lines is None:
                try:
                    lines = entry.path.read_text("utf-8", errors="replace").splitlines()
                except OSError:
                    lines = []
            line, col = _where(entry, field, ch, lines)
            problems.append(Problem(
                entry.source, line, col, field,
                f"'{ch}' ({_name(ch)}) cannot be drawn on the cards", HINT, "warning"))
    return problems
