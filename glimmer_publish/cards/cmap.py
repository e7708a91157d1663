"""The code points a font file has glyphs for, read straight from its `cmap` table.

fontTools answers the same question (`TTFont["cmap"].getBestCmap()`), but names every glyph
on the way, which means parsing the glyph order (for the CJK faces, their CFF charsets): over
half a second for the bundled fonts, in every process that checks a card's text. This reads
only the subtable fontTools would choose, in the two formats the bundled fonts use (4 and
12), and gives up (None) on anything it does not read exactly the way fontTools does:
another format, overlapping or unordered ranges, an index out of bounds, a collection.
tests/test_entry_cache.py checks it against fontTools for every bundled face.
"""

from __future__ import annotations

import array
import struct
import sys
from pathlib import Path

# fontTools' getBestCmap preferences (HarfBuzz's order): (platform, encoding).
PREFERENCES = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


class _Unread(ValueError):
    """Something this reader leaves to fontTools."""


def _table(path: Path, tag: bytes) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] == b"ttcf":
            raise _Unread("not a single font")
        count = int.from_bytes(head[4:6], "big")
        directory = fh.read(16 * count)
        for i in range(count):
            record = directory[16 * i:16 * i + 16]
            if record[:4] == tag:
                offset, length = struct.unpack(">LL", record[8:16])
                fh.seek(offset)
                data = fh.read(length)
                if len(data) != length:
                    raise _Unread("truncated table")
                return data
    raise _Unread("no such table")


def _subtable(cmap: bytes) -> bytes:
    """The subtable getBestCmap reads: the first of the most preferred (platform, encoding)."""
    if len(cmap) < 4:
        raise _Unread("short cmap")
    count = int.from_bytes(cmap[2:4], "big")
    found: dict[tuple[int, int], bytes] = {}
    for i in range(count):
        entry = cmap[4 + 8 * i:12 + 8 * i]
        if len(entry) < 8:
            raise _Unread("truncated directory")
        platform, encoding, offset = struct.unpack(">HHL", entry)
        if offset + 8 > len(cmap):
            raise _Unread("subtable out of bounds")
        fmt = int.from_bytes(cmap[offset:offset + 2], "big")
        if fmt in (8, 10, 12, 13):
            length = int.from_bytes(cmap[offset + 4:offset + 8], "big")
        elif fmt in (14, 15):
            length = int.from_bytes(cmap[offset + 2:offset + 6], "big")
        else:
            length = int.from_bytes(cmap[offset + 2:offset + 4], "big")
        if not length:
            continue  # fontTools skips these too
        found.setdefault((platform, encoding), cmap[offset:offset + length])
    for key in PREFERENCES:
        if key in found:
            return found[key]
    raise _Unread("no Unicode subtable")


def _words(data: bytes) -> array.array:
    words = array.array("H")
    words.frombytes(data[:len(data) // 2 * 2])
    if sys.byteorder != "big":
        words.byteswap()
    return words


def _format4(sub: bytes) -> set[int]:
    seg_count = int.from_bytes(sub[6:8], "big") // 2
    words = _words(sub[14:])
    end = words[:seg_count]
    start = words[seg_count + 1:2 * seg_count + 1]  # after the reserved pad
    delta = words[2 * seg_count + 1:3 * seg_count + 1]
    range_offset = words[3 * seg_count + 1:4 * seg_count + 1]
    glyphs = words[4 * seg_count + 1:]
    if len(range_offset) != seg_count:
        raise _Unread("truncated format 4")
    out: set[int] = set()
    previous_end = -1
    for i in range(seg_count - 1):  # the last segment (0xFFFF) is not read, as in fontTools
        first, last = start[i], end[i]
        if first > last or first <= previous_end:
            raise _Unread("unordered segments")
        previous_end = last
        if range_offset[i] == 0:  # glyph = code + delta: 0 (missing) for one code at most
            out.update(range(first, last + 1))
            missing = -delta[i] & 0xFFFF
            if first <= missing <= last:
                out.discard(missing)
            continue
        partial = range_offset[i] // 2 - first + i - seg_count
        if partial + first < 0 or partial + last >= len(glyphs):
            raise _Unread("glyph index out of bounds")
        d = delta[i]
        out.update(c for c in range(first, last + 1)
                   if glyphs[c + partial] and (glyphs[c + partial] + d) & 0xFFFF)
    return out


def _format12(sub: bytes) -> set[int]:
    groups = int.from_bytes(sub[12:16], "big")
    if len(sub) != 16 + 12 * groups:
        raise _Unread("inconsistent format 12")
    values = array.array("I")
    if values.itemsize != 4:
        raise _Unread("no 32-bit array")
    values.frombytes(sub[16:])
    if sys.byteorder != "big":
        values.byteswap()
    out: set[int] = set()
    previous_end = -1
    for i in range(0, len(values), 3):
        first, last, glyph = values[i], values[i + 1], values[i + 2]
        if first > last or first <= previous_end or last > 0x10FFFF:
            raise _Unread("unordered groups")
        previous_end = last
        out.update(range(first + (glyph == 0), last + 1))
    return out


def codepoints(path: Path) -> frozenset[int] | None:
    """What fontTools' getBestCmap maps for this font, or None to ask fontTools."""
    try:
        sub = _subtable(_table(path, b"cmap"))
        fmt = int.from_bytes(sub[:2], "big")
        if fmt == 4:
            return frozenset(_format4(sub))
        if fmt == 12:
            return frozenset(_format12(sub))
    except (_Unread, OSError, struct.error, IndexError):
        pass
    return None
