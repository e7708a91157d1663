"""Where text may be cut: grapheme clusters (UAX #29), line breaks (UAX #14) and hyphens.

ICU (through icu4py, whose wheels bundle ICU and its data) finds line breaks, including the
dictionary word breaks of Thai, Lao, Khmer and Myanmar, which are written without spaces
between words. pyphen's dictionaries give hyphenation points in the languages it knows.
"""

from __future__ import annotations

from functools import lru_cache

import icu4py
import pyphen
from icu4py.breakers import CharacterBreaker, LineBreaker


def _locale(lang: str | None) -> str:
    """An ICU locale id for a BCP 47 tag; strict line breaking keeps CJK kinsoku rules."""
    base = (lang or "und").replace("-", "_")
    return f"{base}@lb=strict"


def _code_points(text: str, segments) -> list[int]:
    """ICU counts in UTF-16 code units; Python strings count code points."""
    if text.isascii() or all(ord(c) < 0x10000 for c in text):
        return [end for _, end in segments]
    units_to_points: dict[int, int] = {0: 0}
    units = 0
    for i, ch in enumerate(text, 1):
        units += 2 if ord(ch) >= 0x10000 else 1
        units_to_points[units] = i
    return [units_to_points[end] for _, end in segments]


@lru_cache(maxsize=8192)
def graphemes(text: str) -> tuple[str, ...]:
    """Extended grapheme clusters: what a reader sees as one character."""
    if not text:
        return ()
    ends = _code_points(text, CharacterBreaker(text, "und").segments())
    starts = [0, *ends[:-1]]
    return tuple(text[a:b] for a, b in zip(starts, ends, strict=True))


@lru_cache(maxsize=4096)
def line_breaks(text: str, lang: str | None = None) -> tuple[int, ...]:
    """Offsets (in code points, excluding 0 and the end) where a line may break."""
    if not text:
        return ()
    ends = _code_points(text, LineBreaker(text, _locale(lang)).segments())
    return tuple(e for e in ends if 0 < e < len(text))


@lru_cache(maxsize=64)
def _hyphenator(lang: str | None, left: int, right: int) -> pyphen.Pyphen | None:
    if not lang:
        return None
    found = pyphen.language_fallback(lang.replace("-", "_"))
    return pyphen.Pyphen(lang=found, left=left, right=right) if found else None


@lru_cache(maxsize=64)
def hyphenates(lang: str | None) -> bool:
    """Does pyphen have a dictionary for this language? (Without loading it: that takes a
    good part of a second, paid only when a word really has to be cut.)"""
    return bool(lang) and pyphen.language_fallback(lang.replace("-", "_")) is not None


@lru_cache(maxsize=4096)
def hyphen_points(word: str, lang: str | None, left: int, right: int) -> tuple[int, ...]:
    """Offsets inside `word` where the language allows a hyphen, `left`/`right` letters kept."""
    hyphenator = _hyphenator(lang, left, right)
    if hyphenator is None:
        return ()
    return tuple(hyphenator.positions(word))


def versions() -> str:
    """ICU's and pyphen's versions: a new one can move a line break, so cards keyed on it."""
    from importlib.metadata import version  # slow to import; only the card cache key needs it

    return f"icu {icu4py.icu_version}; icu4py {version('icu4py')}; pyphen {version('pyphen')}"
