"""Bundled fonts and the fallback chain that keeps every script off the tofu box.

Pillow draws one font at a time, so text is cut into clusters (a character with its marks,
an emoji sequence, a flag), each cluster goes to the first face that has all of its glyphs,
and neighbouring clusters with the same face become one run that raqm shapes as a whole.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

from .breaks import graphemes

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
EMOJI_SIZE = 109  # the only size Noto Color Emoji's bitmaps load at
EMOJI_SCALE = 1.0 / 128  # one em of emoji bitmap is 128 px tall: scale to the text size

ZWJ, ZWNJ = 0x200D, 0x200C
_IGNORABLE = {ZWJ, ZWNJ, *range(0xFE00, 0xFE10)}


@dataclass(frozen=True)
class Face:
    file: str
    emoji: bool = False

    @property
    def path(self) -> Path:
        return FONT_DIR / self.file


CJK = Face("NotoSansCJKjp-Regular-subset.otf")
EMOJI = Face("NotoColorEmoji.ttf", emoji=True)

TITLE = (
    Face("Fraunces-SemiBold.ttf"),
    Face("NotoSerif-Bold.ttf"),
    Face("NotoNaskhArabic-Bold.ttf"),
    Face("NotoSerifHebrew-Bold.ttf"),
    Face("NotoSerifDevanagari-Bold.ttf"),
    CJK,
    EMOJI,
)
_TEXT_FALLBACK = (
    Face("NotoSansArabic-Regular.ttf"),
    Face("NotoSansHebrew-Regular.ttf"),
    Face("NotoSansDevanagari-Regular.ttf"),
    CJK,
    EMOJI,
)
TEXT = (Face("NotoSans-Regular.ttf"), *_TEXT_FALLBACK)
LABEL = (Face("NotoSans-Bold.ttf"), *_TEXT_FALLBACK)
ALL_FACES = tuple(dict.fromkeys((*TITLE, *TEXT, *LABEL)))


@cache
def coverage(face: Face) -> frozenset[int]:
    """Code points the face has a glyph for (read from its cmap, nothing else is parsed)."""
    font = TTFont(face.path, lazy=True, fontNumber=0)
    try:
        return frozenset(font["cmap"].getBestCmap())
    finally:
        font.close()


@lru_cache(maxsize=512)
def load(face: Face, size: int) -> ImageFont.FreeTypeFont:
    """A raqm-shaped font; emoji always load at their one bitmap size."""
    return ImageFont.truetype(
        str(face.path), EMOJI_SIZE if face.emoji else size,
        layout_engine=ImageFont.Layout.RAQM,
    )


@lru_cache(maxsize=1)
def fonts_digest() -> str:
    """A hash of every bundled font file: part of each card's cache key."""
    h = hashlib.sha256()
    for face in sorted(ALL_FACES, key=lambda f: f.file):
        h.update(face.file.encode())
        h.update(face.path.read_bytes())
    return h.hexdigest()


def _is_regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def clusters(text: str) -> list[str]:
    """Text cut where a font may change: extended grapheme clusters (UAX #29, by ICU), so a
    character keeps its marks and an emoji sequence or flag stays whole."""
    return list(graphemes(text))


def _wants_emoji(cluster: str) -> bool:
    cps = [ord(c) for c in cluster]
    return (
        any(cp in (ZWJ, 0xFE0F, 0x20E3) or _is_regional(cp) or 0x1F3FB <= cp <= 0x1F3FF
            for cp in cps)
        or cps[0] >= 0x1F000
    )


def _neutral(cluster: str) -> bool:
    return all(unicodedata.category(c)[0] in "ZP" for c in cluster)


def glyphs_needed(cluster: str) -> list[int]:
    return [ord(c) for c in cluster if ord(c) not in _IGNORABLE] or [ord(cluster[0])]


def pick_face(cluster: str, chain: tuple[Face, ...], previous: Face | None) -> Face | None:
    """The face that draws a cluster: emoji first for emoji, spaces stay in the current run."""
    needed = glyphs_needed(cluster)
    if _wants_emoji(cluster):
        for face in chain:
            if face.emoji and needed[0] in coverage(face):
                return face
    keep = previous is not None and not previous.emoji and _neutral(cluster)
    if keep and set(needed) <= coverage(previous):
        return previous
    for face in chain:
        if set(needed) <= coverage(face):
            return face
    return None


@dataclass(frozen=True)
class Cluster:
    text: str
    face: Face


def assign(text: str, chain: tuple[Face, ...]) -> list[Cluster]:
    """Clusters of NFC text with their faces; a cluster no bundled face can draw is dropped."""
    out: list[Cluster] = []
    previous: Face | None = None
    for c in clusters(unicodedata.normalize("NFC", text)):
        if not c[0].isprintable() and not c.isspace():
            continue
        face = pick_face(c if not c.isspace() else " ", chain, previous)
        if face is None:
            continue
        out.append(Cluster(" " if c.isspace() else c, face))
        previous = face
    return out
