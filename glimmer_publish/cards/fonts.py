"""Bundled fonts and the fallback chain that keeps every script off the tofu box.

Pillow draws one font at a time, so text is cut into clusters (a character with its marks,
an emoji sequence, a flag), each cluster goes to the first face that has all of its glyphs,
and neighbouring clusters with the same face become one run that raqm shapes as a whole.
Han characters try the CJK face of the entry's language first, so they take its regional
forms. What no face has is returned by `resolve`, for the writer to be told.

This is the only module that names the bundled font files.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .breaks import graphemes
from .cmap import codepoints

if TYPE_CHECKING:
    from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
EMOJI_SIZE = 109  # the only size Noto Color Emoji's bitmaps load at
EMOJI_SCALE = 1.0 / 128  # one em of emoji bitmap is 128 px tall: scale to the text size

ZWJ, ZWNJ = 0x200D, 0x200C
_IGNORABLE = {ZWJ, ZWNJ, *range(0xFE00, 0xFE10)}


class Face(NamedTuple):
    """A bundled font file. A named tuple, not a dataclass: faces are hashed in every
    measuring and font-choosing cache look-up, and a tuple hashes in C."""

    file: str
    emoji: bool = False

    @property
    def path(self) -> Path:
        return FONT_DIR / self.file


EMOJI = Face("NotoColorEmoji.ttf", emoji=True)

# One CJK face per region, each subset to its national standards (see fonts/README.md).
# The entry's language picks which region's glyph forms a Han character takes.
HAN = {region: Face(f"NotoSansCJK{region}-Bold-subset.otf") for region in ("jp", "kr", "sc", "tc")}
_HAN_ORDER = {
    "ja": ("jp", "tc", "sc", "kr"),
    "ko": ("kr", "tc", "jp", "sc"),
    "zh-Hans": ("sc", "tc", "jp", "kr"),
    "zh-Hant": ("tc", "sc", "jp", "kr"),
}

# Scripts in the order a title tries them: (bold title face, regular text face).
_SCRIPTS = (
    ("NotoNaskhArabic-Bold.ttf", "NotoSansArabic-Regular.ttf"),
    ("NotoSerifHebrew-Bold.ttf", "NotoSansHebrew-Regular.ttf"),
    ("NotoSerifDevanagari-Bold.ttf", "NotoSansDevanagari-Regular.ttf"),
    ("NotoSerifArmenian-Bold.ttf", "NotoSansArmenian-Regular.ttf"),
    ("NotoSerifGeorgian-Bold.ttf", "NotoSansGeorgian-Regular.ttf"),
    ("NotoSerifEthiopic-Bold.ttf", "NotoSansEthiopic-Regular.ttf"),
    ("NotoSerifBengali-Bold.ttf", "NotoSansBengali-Regular.ttf"),
    ("NotoSerifGurmukhi-Bold.ttf", "NotoSansGurmukhi-Regular.ttf"),
    ("NotoSerifGujarati-Bold.ttf", "NotoSansGujarati-Regular.ttf"),
    ("NotoSansOriya-Bold.ttf", "NotoSansOriya-Regular.ttf"),
    ("NotoSerifTamil-Bold.ttf", "NotoSansTamil-Regular.ttf"),
    ("NotoSerifTelugu-Bold.ttf", "NotoSansTelugu-Regular.ttf"),
    ("NotoSerifKannada-Bold.ttf", "NotoSansKannada-Regular.ttf"),
    ("NotoSerifMalayalam-Bold.ttf", "NotoSansMalayalam-Regular.ttf"),
    ("NotoSerifSinhala-Bold.ttf", "NotoSansSinhala-Regular.ttf"),
    ("NotoSerifThai-Bold.ttf", "NotoSansThai-Regular.ttf"),
    ("NotoSerifLao-Bold.ttf", "NotoSansLao-Regular.ttf"),
    ("NotoSerifTibetan-Bold.ttf", "NotoSerifTibetan-Regular.ttf"),
    ("NotoSerifMyanmar-Bold.ttf", "NotoSansMyanmar-Regular.ttf"),
    ("NotoSerifKhmer-Bold.ttf", "NotoSansKhmer-Regular.ttf"),
    ("NotoSansThaana-Bold.ttf", "NotoSansThaana-Regular.ttf"),
    ("NotoSansMongolian-Regular.ttf", "NotoSansMongolian-Regular.ttf"),
)
# Symbols and mathematical letters come after every script, emoji last.
_SYMBOLS = tuple(Face(f) for f in ("NotoSansSymbols-Regular.ttf",
                                   "NotoSansSymbols2-Regular.ttf", "NotoSansMath-Regular.ttf"))
_TITLE_SCRIPTS = tuple(Face(bold) for bold, _ in _SCRIPTS)
_TEXT_SCRIPTS = tuple(dict.fromkeys(Face(regular) for _, regular in _SCRIPTS))

_LEADS = {
    "title": (Face("Fraunces-SemiBold.ttf"), Face("NotoSerif-Bold.ttf"), *_TITLE_SCRIPTS),
    "text": (Face("NotoSans-Regular.ttf"), *_TEXT_SCRIPTS),
    "label": (Face("NotoSans-Bold.ttf"), *_TEXT_SCRIPTS),
}


def han_region_order(lang: str | None, text: str = "") -> tuple[str, ...]:
    """CJK regions to try, the entry's own first: `zh-TW` draws 骨 as Taiwan writes it.

    Without a CJK language the text decides: kana means Japanese, Hangul Korean.
    """
    tag = (lang or "").lower().split("-")
    if tag[0] == "ja":
        return _HAN_ORDER["ja"]
    if tag[0] == "ko":
        return _HAN_ORDER["ko"]
    if tag[0] in ("zh", "yue", "cmn", "lzh"):
        traditional = "hant" in tag or bool({"tw", "hk", "mo"} & set(tag[1:]))
        if tag[0] == "yue" and "hans" not in tag:
            traditional = True
        return _HAN_ORDER["zh-Hant" if traditional else "zh-Hans"]
    if _KANA.search(text):
        return _HAN_ORDER["ja"]
    if _HANGUL.search(text):
        return _HAN_ORDER["ko"]
    return _HAN_ORDER["ja"]


# Searched in C: every block of every card asks, and the texts are whole excerpts.
_KANA = re.compile("[\u3040-\u30FF]")
_HANGUL = re.compile("[\uAC00-\uD7A3\u1100-\u11FF]")


def chain(kind: str, lang: str | None = None, text: str = "") -> tuple[Face, ...]:
    """The faces a card block ("title", "text" or "label") tries, in order."""
    han = tuple(HAN[r] for r in han_region_order(lang, text))
    return (*_LEADS[kind], *han, *_SYMBOLS, EMOJI)


TITLE = chain("title")
TEXT = chain("text")
LABEL = chain("label")
ALL_FACES = tuple(dict.fromkeys((*TITLE, *TEXT, *LABEL, *HAN.values())))


@cache
def coverage(face: Face) -> frozenset[int]:
    """Code points the face has a glyph for (read from its cmap, nothing else is parsed)."""
    found = codepoints(face.path)  # the same answer as fontTools', without naming glyphs
    if found is not None:
        return found
    from fontTools.ttLib import TTFont

    font = TTFont(face.path, lazy=True, fontNumber=0)
    try:
        return frozenset(font["cmap"].getBestCmap())
    finally:
        font.close()


@lru_cache(maxsize=512)
def load(face: Face, size: int) -> ImageFont.FreeTypeFont:
    """A raqm-shaped font; emoji always load at their one bitmap size.

    The Latin faces load with their hinting switched off (`unhinted`), from one in-memory
    file per face where the system has them (`_unhinted_file`)."""
    from PIL import ImageFont  # here: checking a text's coverage needs no imaging library

    data = unhinted(face)
    source = str(face.path) if data is None else (_unhinted_file(face) or io.BytesIO(data))
    return ImageFont.truetype(source, EMOJI_SIZE if face.emoji else size,
                              layout_engine=ImageFont.Layout.RAQM)


_UNHINTED_FILES: dict[Face, str | None] = {}


def _unhinted_file(face: Face) -> str | None:
    """A path to the unhinted face's bytes, held in an anonymous in-memory file (Linux), or
    None. Pillow copies a font given as bytes into each size it loads (NotoSerif 0.6 MB a
    size, and layout loads dozens of sizes: about 19 MB a card worker), while FreeType maps
    a file it opens by path, so every size shares one copy. The file lives as long as this
    process; a forked child inherits it with the same descriptor number."""
    if face not in _UNHINTED_FILES:
        path = None
        data = unhinted(face)
        if data is not None and hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
            try:
                fd = os.memfd_create(f"glimmer-{face.file}", getattr(os, "MFD_CLOEXEC", 0))
                with os.fdopen(os.dup(fd), "wb") as fh:
                    fh.write(data)
                path = f"/proc/self/fd/{fd}"
            except OSError:
                path = None
        _UNHINTED_FILES[face] = path
    return _UNHINTED_FILES[face]


# The control value program of an unhinted face: PUSHB[1] 1 1, INSTCTRL. Setting the
# instruction control's first flag tells the rasteriser not to run any glyph's program.
_NO_GLYPH_PROGRAMS = bytes((0xB1, 1, 1, 0x8E))


# The faces before the scripts in every chain: every card draws its site name, its date and
# (in most journals) its excerpt with these.
_LATIN = frozenset(face for lead in _LEADS.values() for face in lead
                   if face not in _TITLE_SCRIPTS and face not in _TEXT_SCRIPTS)


@cache
def unhinted(face: Face) -> bytes | None:
    """The Latin face's file with its TrueType hinting switched off, or None (not hinted, or
    not one of the faces every card uses).

    Cards are drawn at 24 to 132 px and shown scaled: hinting changes nothing a reader sees
    there (HarfBuzz lays text out unhinted anyway), yet running every glyph's program took
    two thirds of the time to load a Noto glyph, and a card loads each glyph four times
    (ink box, then twice to rasterise). The face's `prep` table is replaced by one that sets
    INSTCTRL's "inhibit grid-fitting" flag, which FreeType and every TrueType rasteriser
    honour; outlines, metrics and advances are untouched. The other scripts' faces keep
    their hinting: they are drawn on few cards, and Tesseract stopped reading the Bengali
    title of tests/test_scripts_ocr.py unhinted (it looks the same).
    """
    if face not in _LATIN:
        return None
    data = face.path.read_bytes()
    if data[:4] != b"\x00\x01\x00\x00":
        return None  # CFF outlines (the CJK faces) or a collection: left as they are
    count = int.from_bytes(data[4:6], "big")
    records = {data[12 + 16 * i:16 + 16 * i]: 12 + 16 * i for i in range(count)}
    if b"fpgm" not in records or b"prep" not in records:
        return None  # no hinting program to switch off
    table = _NO_GLYPH_PROGRAMS
    offset = -(-len(data) // 4) * 4
    checksum = sum(struct.unpack(f">{len(table) // 4}L", table)) & 0xFFFFFFFF
    out = bytearray(data)
    out.extend(bytes(offset - len(data)) + table)
    at = records[b"prep"]
    out[at + 4:at + 16] = struct.pack(">LLL", checksum, offset, len(table))
    return bytes(out)


@lru_cache(maxsize=1)
def fonts_digest() -> str:
    """A fingerprint of every bundled font file: part of each card's cache key.

    Hashing 40 MB of fonts took a second per build; a font's table directory holds a
    checksum of every table, so hashing it (with the file size) notices any change to the
    font in a few kilobytes read.
    """
    h = hashlib.sha256()
    for face in sorted(ALL_FACES, key=lambda f: f.file):
        with face.path.open("rb") as fh:
            head = fh.read(12)
            tables = int.from_bytes(head[4:6], "big")
            h.update(face.file.encode())
            h.update(head + fh.read(16 * tables))
        h.update(str(face.path.stat().st_size).encode())
    return h.hexdigest()


def _is_regional(cp: int) -> bool:
    return 0x1F1E6 <= cp <= 0x1F1FF


def clusters(text: str) -> list[str]:
    """Text cut where a font may change: extended grapheme clusters (UAX #29, by ICU), so a
    character keeps its marks and an emoji sequence or flag stays whole."""
    return list(graphemes(text))


def _wants_emoji(cluster: str) -> bool:
    """Colour emoji for emoji sequences, and for symbols the emoji font has unless VS15 asks
    for text (Python has no Emoji_Presentation property; from U+2300 on, the emoji font's
    symbols are the ones people type as emoji: ☀ ☕ ❤ ⭐)."""
    cps = [ord(c) for c in cluster]
    if 0xFE0E in cps:
        return False
    return (
        any(cp in (ZWJ, 0xFE0F, 0x20E3) or _is_regional(cp) or 0x1F3FB <= cp <= 0x1F3FF
            for cp in cps)
        or cps[0] >= 0x1F000
        or (cps[0] >= 0x2300 and cps[0] in coverage(EMOJI))
    )


def _neutral(cluster: str) -> bool:
    return all(unicodedata.category(c)[0] in "ZP" for c in cluster)


def glyphs_needed(cluster: str) -> list[int]:
    return [ord(c) for c in cluster if ord(c) not in _IGNORABLE] or [ord(cluster[0])]


def pick_face(cluster: str, chain: tuple[Face, ...], previous: Face | None) -> Face | None:
    """The face that draws a cluster: emoji first for emoji, spaces stay in the current run."""
    keep = previous is not None and not previous.emoji and _neutral(cluster)
    return _pick(cluster, chain, previous if keep else None)


@lru_cache(maxsize=16384)
def _pick(cluster: str, chain: tuple[Face, ...], keep: Face | None) -> Face | None:
    """`pick_face`, remembered: a journal uses a few hundred characters in a few chains."""
    needed = set(glyphs_needed(cluster))
    if _wants_emoji(cluster):
        for face in chain:
            if face.emoji and needed <= coverage(face):
                return face
    if keep is not None and needed <= coverage(keep):
        return keep
    for face in chain:
        if needed <= coverage(face):
            return face
    return None


def invisible(ch: str) -> bool:
    """Format and control characters (bidi marks, soft hyphens): never drawn by design."""
    return unicodedata.category(ch) in ("Cf", "Cc") and not ch.isspace()


@dataclass(frozen=True)
class Cluster:
    text: str
    face: Face


def _partial(c: str, chain: tuple[Face, ...], previous: Face | None
             ) -> tuple[Cluster | None, list[str]]:
    """A cluster no face draws whole: its base in a face that has it, the marks it lacks left
    out (and reported), so one odd mark never hides the letter it sits on."""
    face = pick_face(c[0], chain, previous)
    if face is None:
        return None, [ch for ch in c if ord(ch) not in _IGNORABLE and not invisible(ch)]
    cover = coverage(face)
    kept = "".join(ch for ch in c if ord(ch) in cover or ord(ch) in _IGNORABLE)
    # an invisible character (a tag, a bidi control) the face lacks is simply not drawn,
    # as it would not be anywhere: nothing to report
    return Cluster(kept, face), [ch for ch in c if ord(ch) not in cover | _IGNORABLE
                                 and not invisible(ch)]


def resolve(text: str, chain: tuple[Face, ...]) -> tuple[list[Cluster], list[str]]:
    """Clusters of NFC text with their faces, and the characters no bundled face can draw."""
    out: list[Cluster] = []
    missing: list[str] = []
    previous: Face | None = None
    for c in clusters(unicodedata.normalize("NFC", text)):
        cluster, lost = _resolve_cluster(c, chain, previous)
        missing.extend(lost)
        if cluster is not None:
            out.append(cluster)
            previous = cluster.face
    return out, missing


@lru_cache(maxsize=65536)
def _resolve_cluster(c: str, chain: tuple[Face, ...], previous: Face | None
                     ) -> tuple[Cluster | None, tuple[str, ...]]:
    """One grapheme cluster's drawable part with its face (None if nothing is drawn), and
    the characters left out: remembered, since a journal's texts repeat the same few hundred
    clusters (a character loop per cluster was most of the cost of a card's text analysis).
    """
    while c and invisible(c[0]):
        c = c[1:]  # a mark after a bidi control still needs drawing (or reporting)
    if not c:
        return None, ()
    if c.isspace():
        c = " "
    face = pick_face(c, chain, previous)
    if face is None:
        cluster, lost = _partial(c, chain, previous)
        return cluster, tuple(lost)
    return Cluster(c, face), ()


def assign(text: str, chain: tuple[Face, ...]) -> list[Cluster]:
    """Clusters of NFC text with their faces; what no bundled face can draw is left out."""
    return resolve(text, chain)[0]
