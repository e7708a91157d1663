"""Characters a card cannot draw, as warnings that point at the very character in the file.

A card leaves out what no bundled font has a glyph for (never a tofu box); this module makes
sure the writer hears about it instead of finding a word missing on a shared picture.
"""

from __future__ import annotations

import unicodedata

from .. import markup
from ..entries import Entry
from ..problems import Problem
from .content import card_excerpt
from .fonts import Face, chain, coverage, resolve

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


def _card_texts(entry: Entry) -> list[tuple[str, str, str]]:
    """(field, text on the card, chain kind) for each piece of entry text a card shows."""
    out = [("title", entry.title, "title")]
    if entry.where:
        out.append(("where", entry.where, "text"))
    if entry.card.excerpt:
        out.append(("card.excerpt", entry.card.excerpt, "text"))
    elif markup.excerpt(entry.body_text):
        out.append(("body", card_excerpt(entry), "text"))
    elif entry.felt:
        out.append(("felt", entry.felt, "text"))
    return out


def _lead_draws_all(text: str, faces: tuple[Face, ...]) -> bool:
    """True when the chain's first face has every character: nothing can be missing then, and
    the cluster-by-cluster resolve (the slow part at a thousand entries) can be skipped."""
    lead = coverage(faces[0])
    return all(ord(ch) in lead or ch.isspace() for ch in unicodedata.normalize("NFC", text))


# What Markdown's smarty extension may put into an excerpt that its source did not have.
_SMART = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb"


def _all_plainly_drawable(entry: Entry) -> bool:
    """Every character of every card text is in its block's first face: no warning possible.

    Checked on the body's source (plus smart punctuation) so that a thousand plain entries
    need no Markdown rendering; an `&` (an entity may become any character) takes the long way.
    """
    rest = "".join(filter(None, (entry.where, entry.card.excerpt, entry.felt, entry.body)))
    return ("&" not in entry.body and _lead_draws_all(entry.title, chain("title"))
            and _lead_draws_all(rest + _SMART, chain("text")))


def undrawable(entry: Entry) -> list[Problem]:
    """A warning for each character (once per field) the entry's cards cannot draw."""
    if _all_plainly_drawable(entry):
        return []
    problems = []
    lines: list[str] | None = None
    for field, shown, kind in _card_texts(entry):
        faces = chain(kind, entry.lang, shown)
        if _lead_draws_all(shown, faces):
            continue
        _, missing = resolve(shown, faces)
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
