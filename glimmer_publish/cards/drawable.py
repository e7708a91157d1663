"""Characters a card cannot draw, as warnings that point at the very character in the file.

A card leaves out what no bundled font has a glyph for (never a tofu box); this module makes
sure the writer hears about it instead of finding a word missing on a shared picture.
"""

from __future__ import annotations

import unicodedata

from ..entries import Entry
from ..problems import Problem
from .content import card_excerpt
from .fonts import chain, resolve

HINT = ("the cards' fonts have no glyph for it, so the card leaves it out; the page and the "
        "feeds keep it")


def _name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X}"


def _where(entry: Entry, field: str, value: str, offset: int) -> tuple[int, int]:
    """(line, col) of the character at `offset` of a field's value, from the loader's spans."""
    if field == "body":
        line, _ = entry.spans.get("body", (entry.body_line, 1))
        before = entry.body[:offset]
        return line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1
    line, col = entry.spans.get(field, (1, 1))
    if "\n" in value:  # a folded or block value: its start is the best we know
        return line, col
    return line, col + offset


def _card_texts(entry: Entry) -> list[tuple[str, str, str, str]]:
    """(field, value as written, text on the card, chain kind) for each entry text a card shows."""
    out = [("title", entry.title, entry.title, "title")]
    if entry.where:
        out.append(("where", entry.where, entry.where, "text"))
    excerpt = card_excerpt(entry)
    if entry.card.excerpt:
        out.append(("card.excerpt", entry.card.excerpt, excerpt, "text"))
    elif entry.excerpt:
        out.append(("body", entry.body, excerpt, "text"))
    elif entry.felt:
        out.append(("felt", entry.felt, excerpt, "text"))
    return out


def undrawable(entry: Entry) -> list[Problem]:
    """A warning for each character (once per field) the entry's cards cannot draw."""
    problems = []
    for field, value, shown, kind in _card_texts(entry):
        _, missing = resolve(shown, chain(kind, entry.lang, shown))
        for ch in dict.fromkeys(missing):
            line, col = _where(entry, field, value, max(value.find(ch), 0))
            problems.append(Problem(
                entry.source, line, col, field,
                f"'{ch}' ({_name(ch)}) cannot be drawn on the cards", HINT, "warning"))
    return problems
