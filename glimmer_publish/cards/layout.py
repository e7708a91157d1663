"""Text that always fits: measuring, wrapping and sizing text blocks without drawing them.

Everything here is pure measurement, so the no-clipping guarantee can be tested on many
random titles quickly, without rendering a single card.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .fonts import EMOJI_SCALE, Cluster, Face, assign, load

ELLIPSIS = "…"
# Sizes are searched with words measured once at this size and scaled (advance widths grow in
# proportion to the size, to within a pixel); only the chosen size is then shaped exactly.
REF = 64
# Kinsoku: CJK characters that may not start a line, and ones that may not end it.
_NO_START = set("、。，．・：；？！ー」』）］｝〕〉》】〙〗〟’”ゝゞヽヾ々…‥,.!?)]}"
                "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_NO_END = set("「『（［｛〔〈《【〘〖〝‘“([{")


def _is_cjk(cluster: str) -> bool:
    cp = ord(cluster[0])
    return (0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF
            or 0x20000 <= cp <= 0x3FFFF)


def _direction(text: str) -> str | None:
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


@dataclass(frozen=True)
class Piece:
    """One run in one face, measured. `ink` is relative to its pen position on the baseline."""

    text: str
    face: Face
    size: int
    direction: str
    width: float
    ink: tuple[float, float, float, float]
    ascent: float
    descent: float


@lru_cache(maxsize=65536)
def measure(text: str, face: Face, size: int, direction: str = "ltr") -> Piece:
    """A run's advance and ink, shaped in its paragraph's direction (raqm does the bidi)."""
    font = load(face, size)
    scale = size * EMOJI_SCALE if face.emoji else 1.0
    width = font.getlength(text, direction=direction) * scale
    x0, y0, x1, y1 = font.getbbox(text, anchor="ls", direction=direction)
    ascent, descent = font.getmetrics()
    return Piece(text, face, size, direction, width,
                 (x0 * scale, y0 * scale, x1 * scale, y1 * scale),
                 ascent * scale, descent * scale)


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]  # in visual order, left to right

    @property
    def width(self) -> float:
        return sum(p.width for p in self.pieces)

    @property
    def left(self) -> float:
        """How far ink reaches left of the pen start (a negative side bearing), as >= 0."""
        return max(0.0, -self.pieces[0].ink[0]) if self.pieces else 0.0

    @property
    def extent(self) -> float:
        """The line's horizontal footprint: advance widths, widened where ink overhangs them."""
        if not self.pieces:
            return 0.0
        last = self.pieces[-1]
        right = max(self.width, self.width - last.width + last.ink[2])
        return self.left + right

    @property
    def ascent(self) -> float:
        return max((max(p.ascent, -p.ink[1]) for p in self.pieces), default=0.0)

    @property
    def descent(self) -> float:
        return max((max(p.descent, p.ink[3]) for p in self.pieces), default=0.0)


def _strip(clusters: list[Cluster]) -> list[Cluster]:
    while clusters and clusters[0].text == " ":
        clusters = clusters[1:]
    while clusters and clusters[-1].text == " ":
        clusters = clusters[:-1]
    return clusters


def _runs(clusters: list[Cluster], size: int, rtl: bool) -> list[Piece]:
    runs: list[tuple[Face, str]] = []
    for c in clusters:
        if runs and runs[-1][0] == c.face:
            runs[-1] = (c.face, runs[-1][1] + c.text)
        else:
            runs.append((c.face, c.text))
    return [measure(text, face, size, "rtl" if rtl else "ltr") for face, text in runs]


def make_line(clusters: list[Cluster], size: int, rtl: bool) -> Line:
    """Group clusters into same-face runs; a right-to-left paragraph shows its runs reversed."""
    pieces = _runs(_strip(clusters), size, rtl)
    return Line(tuple(reversed(pieces)) if rtl else tuple(pieces))





@dataclass(frozen=True)
class Block:
    """Wrapped lines at one size. Coordinates are relative to the block's top-left corner."""

    lines: tuple[Line, ...]
    size: int
    gap: int  # baseline to baseline
    truncated: bool = False

    @property
    def baselines(self) -> list[float]:
        if not self.lines:
            return []
        top = min(i * self.gap - ln.ascent for i, ln in enumerate(self.lines))
        return [i * self.gap - top for i in range(len(self.lines))]

    @property
    def height(self) -> float:
        if not self.lines:
            return 0.0
        return max(b + ln.descent for b, ln in zip(self.baselines, self.lines, strict=True))

    @property
    def width(self) -> float:
        return max((ln.extent for ln in self.lines), default=0.0)

    @property
    def text(self) -> str:
        return "\n".join("".join(p.text for p in ln.pieces) for ln in self.lines)

    def placed(self, x: float, y: float, width: float) -> list[tuple[Piece, float, float]]:
        """Each piece with its pen position (left x, baseline y), lines centred in `width`."""
        out = []
        for baseline, line in zip(self.baselines, self.lines, strict=True):
            pen = x + (width - line.extent) / 2 + line.left
            for piece in line.pieces:
                out.append((piece, pen, y + baseline))
                pen += piece.width
        return out


def _tokens(clusters: list[Cluster]) -> list[list[Cluster]]:
    """Unbreakable pieces: words (with their trailing space), or single CJK characters."""
    tokens: list[list[Cluster]] = []
    current: list[Cluster] = []
    for i, c in enumerate(clusters):
        current.append(c)
        nxt = clusters[i + 1].text if i + 1 < len(clusters) else None
        if nxt is None:
            break
        if c.text == " ":
            brk = nxt != " "
        elif nxt == " ":
            brk = False
        elif _is_cjk(c.text) or _is_cjk(nxt):
            brk = nxt[0] not in _NO_START and c.text[-1] not in _NO_END
        else:
            brk = False
        if brk:
            tokens.append(current)
            current = []
    if current:
        tokens.append(current)
    return tokens


def _token_widths(tokens: list[list[Cluster]], rtl: bool) -> list[tuple[float, float]]:
    """Each word's width at REF with its trailing space, and its footprint without it."""
    out = []
    for token in tokens:
        full = sum(p.width for p in _runs(token, REF, rtl))
        out.append((full, make_line(token, REF, rtl).extent))
    return out


def _estimate_wrap(tokens: list[list[Cluster]], widths: list[tuple[float, float]],
                   width: float, limit: int) -> list[list[Cluster]] | None:
    """Greedy wrapping by adding up word widths (at REF): arithmetic only, for searching."""
    lines: list[list[Cluster]] = []
    current: list[Cluster] = []
    used = 0.0
    for token, (full, trim) in zip(tokens, widths, strict=True):
        if current and used + trim <= width:
            current = current + token
            used += full
            continue
        if current:
            lines.append(current)
            if len(lines) > limit:
                return lines
        if trim > width:
            return None
        current, used = list(token), full
    if current:
        lines.append(current)
    return lines


def _wrap(tokens: list[list[Cluster]], size: int, width: float, rtl: bool,
          break_words: bool, limit: int = 1000) -> list[list[Cluster]] | None:
    """Greedy wrapping; None when a word is wider than the line and may not be broken.

    Stops once there are more than `limit` lines: the caller only needs to know that.
    """
    def fits(cs: list[Cluster]) -> bool:
        return make_line(cs, size, rtl).extent <= width

    lines: list[list[Cluster]] = []
    current: list[Cluster] = []
    for token in tokens:
        if fits(current + token):
            current = current + token
            continue
        if current:
            lines.append(current)
            current = []
            if len(lines) > limit:
                return lines
        if fits(token):
            current = list(token)
            continue
        if not break_words:
            return None
        for c in token:
            if current and not fits([*current, c]):
                lines.append(current)
                current = []
            current.append(c)
    if current:
        lines.append(current)
    return lines


def _block(lines: list[list[Cluster]], size: int, gap: int, rtl: bool,
           truncated: bool = False) -> Block:
    return Block(tuple(make_line(cs, size, rtl) for cs in lines), size, gap, truncated)


def _ellipsize(tokens: list[list[Cluster]], size: int, width: float, height: float,
               max_lines: int, rtl: bool, gap: int, chain: tuple[Face, ...]) -> Block:
    """The last resort: the smallest size, as many lines as fit, and an ellipsis."""
    lines = _wrap(tokens, size, width, rtl, True, max_lines) or []
    keep = min(max_lines, len(lines))
    while keep > 0 and _block(lines[:keep], size, gap, rtl).height > height:
        keep -= 1
    if keep == 0:
        return Block((), size, gap, truncated=True)
    tail = [c for cs in lines[keep - 1:] for c in cs]
    dots = assign(ELLIPSIS, chain)
    fits_at = max((i for i, c in enumerate(tail) if c.text == " "
                   and make_line(tail[:i] + dots, size, rtl).extent <= width), default=0)
    if fits_at > len(tail) // 3:  # cut after a whole word when that keeps most of the line
        tail = tail[:fits_at]
    while tail and (tail[-1].text == " " or make_line(tail + dots, size, rtl).extent > width):
        tail = tail[:-1]
    return _block([*lines[: keep - 1], tail + dots], size, gap, rtl, truncated=True)


def _balanced(block: Block, tokens: list[list[Cluster]], width: float, rtl: bool,
              break_words: bool, widths: list[tuple[float, float]]) -> Block:
    """The same lines count in the narrowest width that keeps it: no lonely last word.

    The width is searched on word-width sums; the result is wrapped exactly and kept only if
    it still has the same number of lines and is no taller than the unbalanced block.
    """
    count = len(block.lines)
    if count < 2 or break_words:
        return block
    k = REF / block.size
    lo, hi = int(width * 0.5), int(width)
    best_width = None
    while lo <= hi:
        mid = (lo + hi) // 2
        lines = _estimate_wrap(tokens, widths, mid * k, count)
        if lines is not None and len(lines) == count:
            best_width, hi = mid, mid - 1
        else:
            lo = mid + 1
    if best_width is None:
        return block
    for narrow in (best_width, best_width + max(2, int(width * 0.03))):
        if narrow >= width:
            break
        lines = _wrap(tokens, block.size, narrow, rtl, break_words, count)
        if lines is not None and len(lines) == count:
            candidate = _block(lines, block.size, block.gap, rtl)
            if candidate.height <= block.height:
                return candidate
    return block


def fit(text: str, chain: tuple[Face, ...], width: float, height: float, *,
        max_size: int, min_size: int, max_lines: int, leading: float) -> Block:
    """The largest size (within bounds) at which the text fits; words break only if they must.

    Sizes are searched by adding up word widths measured once at REF and scaled; the chosen
    size is then wrapped and measured exactly, stepping down until it truly fits, so the
    estimate only ever costs speed, never a clipped line.
    """
    clusters = assign(text, chain)
    tokens = _tokens(clusters)
    rtl = _direction(text) == "rtl"
    if not tokens:
        return Block((), max_size, round(max_size * leading))
    widths = _token_widths(tokens, rtl)
    line_height = max((p.ascent + p.descent for t in tokens for p in _runs(t, REF, rtl)),
                      default=REF)

    def attempt(size: int, break_words: bool) -> Block | None:
        lines = _wrap(tokens, size, width, rtl, break_words, max_lines)
        if lines is None or len(lines) > max_lines:
            return None
        block = _block(lines, size, round(size * leading), rtl)
        return block if block.height <= height else None

    def estimate(size: int) -> bool:
        k = REF / size
        lines = _estimate_wrap(tokens, widths, width * k, max_lines)
        if lines is None or len(lines) > max_lines:
            return False
        return (len(lines) - 1) * round(size * leading) + line_height / k <= height

    for break_words in (False, True):
        best = attempt(min_size, break_words)
        if best is None:
            continue
        lo, hi, guess = min_size + 1, max_size, min_size
        while lo <= hi:
            mid = (lo + hi) // 2
            if (estimate(mid) if not break_words else attempt(mid, True) is not None):
                guess, lo = mid, mid + 1
            else:
                hi = mid - 1
        for size in range(guess, min_size, -1):
            found = attempt(size, break_words)
            if found is not None:
                best = found
                break
        return _balanced(best, tokens, width, rtl, break_words, widths)
    return _ellipsize(tokens, min_size, width, height, max_lines, rtl,
                      round(min_size * leading), chain)
