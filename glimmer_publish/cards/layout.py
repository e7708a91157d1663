"""Text that always fits: measuring, wrapping and sizing text blocks without drawing them.

Everything here is pure measurement, so the no-clipping guarantee can be tested on many
random titles quickly, without rendering a single card.

The standards do the text work: lines break where UAX #14 allows (with dictionary word breaks
for Thai, Lao, Khmer and Myanmar, and CJK kinsoku), a word wider than a line is hyphenated
(or cut between grapheme clusters) with at least MIN_FRAGMENT letters on each side, and each
line's runs are put in visual order by the Unicode Bidirectional Algorithm, per line, after
breaking. raqm then shapes every run in logical order with its own direction.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from ..languages import direction
from . import bidi, breaks
from .breaks import graphemes, hyphen_points, hyphenates, line_breaks
from .fonts import EMOJI_SCALE, Cluster, Face, assign, invisible, load, pick_face

ELLIPSIS = "…"
HYPHEN = "-"
MIN_FRAGMENT = 3  # letters kept on each side of a break inside a word: never a lone letter
# Sizes are searched with words measured once at this size and scaled (advance widths grow in
# proportion to the size, to within a pixel); only the chosen size is then shaped exactly.
REF = 64


class cached_property:  # named as the decorator it stands in for
    """`functools.cached_property` without its lock (Python 3.11 takes one on every miss,
    as 3.12 no longer does): lines and paragraphs are made tens of thousands of times a
    build, each read once or twice, and the lock was a tenth of laying out a card."""

    def __init__(self, func) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@lru_cache(maxsize=1)
def engine_versions() -> str:
    """The outside libraries that decide where lines break and in which order runs go.

    A card's cache key should include this, so a card laid out by other rules is redrawn.
    """
    return f"{breaks.versions()}; {bidi.version()}"


def _no_hyphen_script(cluster: str) -> bool:
    """Scripts whose words are cut without a hyphen (Thai, Lao, Myanmar, Khmer, CJK...)."""
    cp = ord(cluster[0])
    return (0x0E00 <= cp <= 0x0EFF or 0x1000 <= cp <= 0x109F or 0x1780 <= cp <= 0x17FF
            or 0x2E80 <= cp <= 0xA4CF or 0xAC00 <= cp <= 0xD7AF or 0xF900 <= cp <= 0xFAFF
            or 0xFF00 <= cp <= 0xFFEF or cp >= 0x20000)


class Piece:
    """One run in one face, measured. `ink` is relative to its pen position on the baseline.

    The advance needs shaping only; the ink box needs every glyph loaded as well (several
    times the cost), so it is measured the first time something asks for it: wrapping
    decides most lines on advances alone, which never exceed a line's footprint.
    """

    __slots__ = ("_ink", "ascent", "descent", "direction", "face", "size", "text", "width")

    def __init__(self, text: str, face: Face, size: int, direction: str, width: float,
                 ink: tuple[float, float, float, float] | None, ascent: float, descent: float):
        self.text, self.face, self.size, self.direction = text, face, size, direction
        self.width, self.ascent, self.descent = width, ascent, descent
        self._ink = ink

    @property
    def ink(self) -> tuple[float, float, float, float]:
        if self._ink is None:
            font = load(self.face, self.size)
            scale = self.size * EMOJI_SCALE if self.face.emoji else 1.0
            x0, y0, x1, y1 = font.getbbox(self.text, anchor="ls", direction=self.direction)
            self._ink = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
        return self._ink

    def _key(self) -> tuple:
        return (self.text, self.face, self.size, self.direction)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Piece) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Piece({self.text!r}, {self.face!r}, {self.size}, {self.direction!r}, "
                f"width={self.width})")


@lru_cache(maxsize=65536)
def measure(text: str, face: Face, size: int, direction: str = "ltr") -> Piece:
    """A run's advance, shaped by raqm in logical order with its direction (its ink box is
    measured when first asked for)."""
    scale = size * EMOJI_SCALE if face.emoji else 1.0
    width = load(face, size).getlength(text, direction=direction) * scale
    ascent, descent = _metrics(face, size)
    return Piece(text, face, size, direction, width, None, ascent * scale, descent * scale)


@lru_cache(maxsize=1024)
def _metrics(face: Face, size: int) -> tuple[int, int]:
    return load(face, size).getmetrics()


@dataclass(frozen=True)
class Line:
    pieces: tuple[Piece, ...]  # in visual order, left to right
    text: str = ""  # the line's characters in logical (reading) order
    # The measures below are asked for many times while wrapping and fitting: each is
    # worked out once (a line never changes, nor do its pieces' advances and ink boxes).

    @cached_property
    def width(self) -> float:
        return sum(p.width for p in self.pieces)

    @cached_property
    def left(self) -> float:
        """How far ink reaches left of the pen start (a negative side bearing), as >= 0."""
        return max(0.0, -self.pieces[0].ink[0]) if self.pieces else 0.0

    @cached_property
    def extent(self) -> float:
        """The line's horizontal footprint: advance widths, widened where ink overhangs them."""
        if not self.pieces:
            return 0.0
        last = self.pieces[-1]
        right = max(self.width, self.width - last.width + last.ink[2])
        return self.left + right

    @cached_property
    def ascent(self) -> float:
        return max((max(p.ascent, -p.ink[1]) for p in self.pieces), default=0.0)

    @cached_property
    def descent(self) -> float:
        return max((max(p.descent, p.ink[3]) for p in self.pieces), default=0.0)

    @cached_property
    def ink_above(self) -> float:
        return max((-p.ink[1] for p in self.pieces if p.text.strip()), default=0.0)

    @cached_property
    def ink_below(self) -> float:
        return max((p.ink[3] for p in self.pieces if p.text.strip()), default=0.0)


@dataclass(frozen=True)
class Block:
    """Wrapped lines at one size. Coordinates are relative to the block's top-left corner."""

    lines: tuple[Line, ...]
    size: int
    gap: int  # baseline to baseline
    truncated: bool = False

    @cached_property
    def baselines(self) -> list[float]:
        """Evenly spaced, except where tall scripts (Myanmar, Tibetan, stacked marks) would
        make one line's ink touch the next: there the lines move apart."""
        if not self.lines:
            return []
        offsets = [0.0]
        for above, below in pairwise(self.lines):
            clear = above.ink_below + below.ink_above + self.size * 0.08
            offsets.append(offsets[-1] + max(self.gap, clear))
        top = min(o - ln.ascent for o, ln in zip(offsets, self.lines, strict=True))
        return [o - top for o in offsets]

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
        """The lines in reading order, one per line of text."""
        return "\n".join(ln.text for ln in self.lines)

    def placed(self, x: float, y: float, width: float) -> list[tuple[Piece, float, float]]:
        """Each piece with its pen position (left x, baseline y), lines centred in `width`."""
        out = []
        for baseline, line in zip(self.baselines, self.lines, strict=True):
            pen = x + (width - line.extent) / 2 + line.left
            for piece in line.pieces:
                out.append((piece, pen, y + baseline))
                pen += piece.width
        return out


# A line of a paragraph: clusters [start, end) plus what is added after them (a hyphen or
# an ellipsis), with the embedding level that addition takes.
Span = tuple[int, int, tuple[Cluster, ...], int]


@dataclass(eq=False)
class Paragraph:
    """One text's drawable clusters with their bidi data and where lines may break."""

    clusters: tuple[Cluster, ...]
    types: tuple[tuple[int, ...], ...]  # each cluster's characters' bidi classes
    levels: tuple[tuple[int, ...], ...]  # ... and their resolved embedding levels
    rtl: bool
    tokens: tuple[tuple[int, int], ...]  # unbreakable [start, end) ranges, with their spaces
    lang: str | None
    chain: tuple[Face, ...]
    uniform: int | None  # the one embedding level of every character, if there is one
    _lines: dict = field(default_factory=dict)

    @cached_property
    def _text(self) -> tuple[str, list[int], list[int]]:
        """The clusters' text joined, where each cluster starts in it, and where the face
        changes (so a line's runs are slices, not a walk over its clusters)."""
        offsets = [0]
        for c in self.clusters:
            offsets.append(offsets[-1] + len(c.text))
        cs = self.clusters
        changes = [k for k in range(1, len(cs)) if cs[k].face != cs[k - 1].face]
        return "".join(c.text for c in cs), offsets, changes

    @cached_property
    def ref_advances(self) -> list[float]:
        """Each token's advance at REF with its trailing space, from the start: a guess of
        where a line ends at any size, which `_reach` then checks exactly."""
        sums = [0.0]
        for a, b in self.tokens:
            sums.append(sums[-1] + self.line(a, b, REF, strip=False).width)
        return sums

    @cached_property
    def token_widths(self) -> list[tuple[float, float]]:
        """Each token's width at REF with its trailing space, and its footprint without it
        (the same for every format a card is drawn in: measured once)."""
        return [(self.line(a, b, REF, strip=False).width, self.line(a, b, REF).extent)
                for a, b in self.tokens]

    @cached_property
    def ref_line_height(self) -> float:
        """The tallest word's ascent plus descent at REF."""
        return max((p.ascent + p.descent for a, b in self.tokens
                    for p in self.line(a, b, REF, strip=False).pieces), default=REF)

    def line(self, start: int, end: int, size: int,
             suffix: tuple[Cluster, ...] = (), suffix_level: int | None = None,
             strip: bool = True) -> Line:
        if not suffix:
            suffix_level = None
        key = (start, end, size, suffix, suffix_level, strip)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = self._make_line(start, end, size, suffix, suffix_level,
                                                       strip)
        return found

    def _make_line(self, start: int, end: int, size: int, suffix: tuple[Cluster, ...],
                   suffix_level: int | None, strip: bool) -> Line:
        cs = self.clusters
        if strip:
            while start < end and cs[start].text == " ":
                start += 1
            while end > start and cs[end - 1].text == " ":
                end -= 1
        if start == end and not suffix:
            return Line((), "")
        if self.uniform is not None and not suffix:
            # One level throughout: L2 leaves the line as it is, or reverses it whole.
            text, offsets, changes = self._text
            cuts = [start, *changes[bisect_right(changes, start):bisect_left(changes, end)], end]
            runs = [(cs[a].face, text[offsets[a]:offsets[b]]) for a, b in pairwise(cuts)]
            direction = "rtl" if self.uniform % 2 else "ltr"
            if self.uniform % 2:
                runs.reverse()
            return Line(tuple(measure(t, face, size, direction) for face, t in runs),
                        text[offsets[start]:offsets[end]])
        clusters = list(cs[start:end]) + list(suffix)
        line_text = "".join(c.text for c in clusters)
        level = suffix_level if suffix_level is not None else int(self.rtl)
        if self.uniform is not None and (not suffix or level == self.uniform):
            # One level throughout: L2 leaves the line as it is, or reverses it whole.
            direction = "rtl" if self.uniform % 2 else "ltr"
            runs: list[list] = []  # face, text
            for c in clusters:
                if runs and runs[-1][0] == c.face:
                    runs[-1][1] += c.text
                else:
                    runs.append([c.face, c.text])
            if self.uniform % 2:
                runs.reverse()
            return Line(tuple(measure(text, face, size, direction) for face, text in runs),
                        line_text)
        types = [t for k in range(start, end) for t in self.types[k]]
        levels = [v for k in range(start, end) for v in self.levels[k]]
        if suffix:
            types += bidi.bidi_types("".join(c.text for c in suffix))
            levels += [level] * (len(types) - len(levels))
        levels, order = bidi.reorder_line(types, levels, self.rtl)
        visual = [0] * len(order)
        for v, logical in enumerate(order):
            visual[logical] = v
        mixed: list[list] = []  # face, level, text, visual position
        i = 0
        for c in clusters:
            level, pos = levels[i], visual[i]
            last = mixed[-1] if mixed else None
            if last is not None and last[0] == c.face and last[1] == level:
                last[2] += c.text
                last[3] = min(last[3], pos)
            else:
                mixed.append([c.face, level, c.text, pos])
            i += len(c.text)
        mixed.sort(key=lambda r: r[3])
        pieces = tuple(measure(text, face, size, "rtl" if level % 2 else "ltr")
                       for face, level, text, _ in mixed)
        return Line(pieces, line_text)


def _base_direction(types: tuple[int, ...], lang: str | None, default_lang: str | None
                    ) -> int:
    """The paragraph direction (a higher-level protocol, UAX #9 HL1).

    The entry's language decides when the text has letters written in that language's
    direction: a Hebrew title that starts with "iPhone" still reads right to left, as on the
    entry's page. Otherwise the first strong character decides (an English excerpt in an
    Arabic entry stays left to right), and text without letters takes the language's
    direction, else the site's.
    """
    own = {"rtl": True, "ltr": False}.get(direction(lang))  # as the entry's page says
    if own is not None:
        wanted = bidi.TYPE_RTL if own else bidi.TYPE_LTR
        if any(t & bidi.TYPE_RTL == wanted for t in types):
            return bidi.PAR_RTL if own else bidi.PAR_LTR
        return bidi.PAR_WRTL if own else bidi.PAR_WLTR
    return bidi.PAR_WRTL if direction(default_lang) == "rtl" else bidi.PAR_WLTR


def _aligned(nfc: str, clusters: list[Cluster]) -> list[int] | None:
    """Where each drawable cluster's first character is in the text.

    The font step leaves out what no font draws (and invisible controls such as bidi marks,
    which still count for the bidi levels here), so clusters are matched to the text's
    grapheme clusters by their first visible character.
    """
    starts: list[int] = []
    pos = 0
    j = 0
    for g in graphemes(nfc):
        shift = 0
        while shift < len(g) and invisible(g[shift]):
            shift += 1
        shown = g[shift:]
        if shown and j < len(clusters):
            text = clusters[j].text
            if text[0] == shown[0] or (shown.isspace() and text == " "):
                starts.append(pos + shift)
                j += 1
        pos += len(g)
    return starts if j == len(clusters) else None


@lru_cache(maxsize=512)
def paragraph(text: str, chain: tuple[Face, ...], lang: str | None = None,
              default_lang: str | None = None) -> Paragraph:
    """Everything about a text that does not depend on size or width, computed once.

    The paragraph direction is chosen as `_base_direction` says.
    """
    clusters = assign(text, chain)
    nfc = unicodedata.normalize("NFC", text)
    starts = _aligned(nfc, clusters)
    if starts is None:  # should not happen; lay out what is drawn
        nfc = "".join(c.text for c in clusters)
        starts = [0]
        for c in clusters[:-1]:
            starts.append(starts[-1] + len(c.text))
    char_types = bidi.bidi_types(nfc)
    char_levels, rtl = bidi.paragraph_levels(nfc, _base_direction(char_types, lang, default_lang))
    types, levels = [], []
    for c, s in zip(clusters, starts, strict=True):
        n = len(c.text)  # " " may stand for another space character of the same length 1
        types.append(char_types[s:s + n])
        levels.append(char_levels[s:s + n])
    cuts = sorted({k for k in (bisect_left(starts, off)
                               for off in line_breaks(nfc, lang or default_lang))
                   if 0 < k < len(clusters)})
    bounds = [0, *cuts, len(clusters)]
    tokens = tuple((a, b) for a, b in pairwise(bounds) if a < b)
    uniform = char_levels[0] if char_levels and min(char_levels) == max(char_levels) else None
    return Paragraph(tuple(clusters), tuple(types), tuple(levels), rtl, tokens,
                     lang or default_lang, chain, uniform)


def _hyphen(para: Paragraph, before: Cluster) -> tuple[Cluster, ...]:
    face = pick_face(HYPHEN, para.chain, before.face)
    return (Cluster(HYPHEN, face),) if face is not None else ()


def _word_breaks(para: Paragraph, start: int, end: int, relaxed: bool
                 ) -> tuple[list[int], list[int], bool]:
    """Places inside one word where it may be cut: hyphenation points first, then any
    grapheme boundary; both keep MIN_FRAGMENT letters on each side (unless `relaxed`)."""
    cs = para.clusters
    while end > start and cs[end - 1].text == " ":
        end -= 1
    least = 1 if relaxed else MIN_FRAGMENT
    allowed = range(start + least, end - least + 1)
    word = "".join(c.text for c in cs[start:end])
    offsets = {}
    pos = 0
    for k in range(start, end):
        offsets[pos] = k
        pos += len(cs[k].text)
    points = [offsets[p] for p in hyphen_points(word, para.lang, least, least) if p in offsets]
    preferred = [k for k in points if k in allowed]
    visible = hyphenates(para.lang) and not any(_no_hyphen_script(c.text)
                                                for c in cs[start:end])
    return preferred, list(allowed), visible


def _split(para: Paragraph, start: int, end: int, size: int, width: float, relaxed: bool,
           limit: int = 1000) -> list[Span] | None:
    """A word wider than the line, cut into lines that fit; the last piece keeps its space.

    Each cut is the furthest one that fits and leaves a rest that can still be laid out: a
    hyphenation point if any does, else a grapheme boundary. None when no cut keeps the
    minimum letters on both sides and still fits. Stops after `limit` cut lines.
    """
    preferred, anywhere, visible = _word_breaks(para, start, end, relaxed)
    least = 1 if relaxed else MIN_FRAGMENT
    core_end = anywhere[-1] + least if anywhere else end  # the word without its spaces
    out: list[Span] = []
    p = start

    def rest_fits(k: int) -> bool:
        """Can what follows a cut at k still be laid out (whole, or cut again)?"""
        return core_end - k >= 2 * least or para.line(k, end, size).extent <= width

    def fitting(candidates: list[int], hyphen: bool, lookahead: bool):
        """The furthest candidate cut after p whose line fits (widths grow with the cut,
        so a binary search finds it), stepping back while the rest could not be laid out."""
        suffix_at = {}

        def fits(k: int) -> bool:
            suffix = _hyphen(para, para.clusters[k - 1]) if hyphen else ()
            level = para.levels[k - 1][-1]
            suffix_at[k] = (suffix, level)
            return para.line(p, k, size, suffix, level).extent <= width

        usable = candidates[bisect_left(candidates, p + least):]
        lo, hi = 0, len(usable) - 1
        best = -1
        while lo <= hi:
            mid = (lo + hi) // 2
            if fits(usable[mid]):
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        while best >= 0 and lookahead and not rest_fits(usable[best]):
            best -= 1
        if best < 0:
            return None
        k = usable[best]
        if k not in suffix_at:
            fits(k)
        return (k, *suffix_at[k])

    while len(out) <= limit and para.line(p, end, size).extent > width:
        cut = None
        for lookahead, candidates, hyphen in ((True, preferred, True), (True, anywhere, visible),
                                              (False, anywhere, visible)):
            cut = fitting(candidates, hyphen, lookahead)
            if cut:
                break
        if cut is None:
            return None
        k, suffix, level = cut
        out.append((p, k, suffix, level))
        p = k
    out.append((p, end, (), 0))
    return out


def _reach(para: Paragraph, start: int, first: int, size: int, width: float) -> int:
    """How many tokens from index `first` a line from `start` takes: words are added while
    the line fits.

    A line's advance and footprint grow with each word, and the footprint is never narrower
    than the advance. So the advances find the last candidate, starting from a guess made of
    the words' advances at REF and stepping from there (shaping only, a couple of lines), and
    ink boxes (every glyph loaded) are measured for that line alone, stepping back while its
    ink overhangs the width.
    """
    ends = [b for _, b in para.tokens[first:]]

    def fits(n: int) -> bool:
        return n == 0 or para.line(start, ends[n - 1], size).width <= width

    sums = para.ref_advances
    n = bisect_right(sums, sums[first] + width * REF / size, lo=first) - first - 1
    n = max(0, min(n, len(ends)))
    if fits(n):
        while n < len(ends) and fits(n + 1):
            n += 1
    else:
        while not fits(n):
            n -= 1
    while n and para.line(start, ends[n - 1], size).extent > width:
        n -= 1
    return n


def _wrap(para: Paragraph, size: int, width: float, break_words: bool, limit: int = 1000,
          relaxed: bool = False) -> list[Span] | None:
    """Greedy wrapping; None when a word is wider than the line and may not be broken.

    Stops once there are more than `limit` lines: the caller only needs to know that.
    """
    lines: list[Span] = []
    tokens = para.tokens
    i = 0
    while i < len(tokens):
        a = tokens[i][0]
        taken = _reach(para, a, i, size, width)
        if taken:
            lines.append((a, tokens[i + taken - 1][1], (), 0))
            i += taken
            if len(lines) > limit:
                return lines
            continue
        if not break_words:
            return None
        pieces = _split(para, a, tokens[i][1], size, width, relaxed, limit - len(lines))
        if pieces is None:
            return None
        lines.extend(pieces[:-1])
        if len(lines) > limit:
            return lines
        rest = pieces[-1][0]  # the word's last piece starts a line that may take more words
        taken = _reach(para, rest, i + 1, size, width)
        lines.append((rest, tokens[i + taken][1], (), 0))
        i += taken + 1
        if len(lines) > limit:
            return lines
    return lines


def _token_widths(para: Paragraph) -> list[tuple[float, float]]:
    """Each word's width at REF with its trailing space, and its footprint without it."""
    return para.token_widths


def _estimate_wrap(para: Paragraph, widths: list[tuple[float, float]], width: float,
                   limit: int) -> int | None:
    """Greedy wrapping by adding up word widths (at REF): arithmetic only, for searching.

    Returns the number of lines (stopping past `limit`), or None if a word is too wide.
    """
    count = 0
    used = None
    for full, trim in widths:
        if used is not None and used + trim <= width:
            used += full
            continue
        if used is not None:
            count += 1
            if count > limit:
                return count
        if trim > width:
            return None
        used = full
    return count + (used is not None)


def _block(para: Paragraph, lines: list[Span], size: int, gap: int,
           truncated: bool = False) -> Block:
    return Block(tuple(para.line(a, b, size, suffix, level) for a, b, suffix, level in lines),
                 size, gap, truncated)


def _ellipsize(para: Paragraph, size: int, width: float, height: float, max_lines: int,
               gap: int) -> Block:
    """The last resort: the smallest size, as many lines as fit, and an ellipsis."""
    lines = _wrap(para, size, width, True, max_lines, relaxed=True) or []
    keep = min(max_lines, len(lines))
    while keep > 0 and _block(para, lines[:keep], size, gap).height > height:
        keep -= 1
    if keep == 0:
        return Block((), size, gap, truncated=True)
    cs = para.clusters
    start = lines[keep - 1][0]
    dots = tuple(assign(ELLIPSIS, para.chain))
    level = int(para.rtl)

    def fits(end: int) -> bool:
        return para.line(start, end, size, dots, level).extent <= width

    n = lines[min(keep, len(lines) - 1)][1]  # the line after the last kept one ends here
    # Cut after a whole word (where a line may break: Thai words too) when that keeps most
    # of the line; otherwise as late as fits.
    fits_at = max((b for _, b in para.tokens if start < b <= n and fits(b)), default=start)
    end = fits_at if fits_at - start > (n - start) // 3 else n
    while end > start and (cs[end - 1].text == " " or not fits(end)):
        end -= 1
    return _block(para, [*lines[: keep - 1], (start, end, dots, level)], size, gap,
                  truncated=True)


def _balanced(para: Paragraph, block: Block, width: float, height: float, break_words: bool,
              widths: list[tuple[float, float]]) -> Block:
    """The same lines count in the narrowest width that keeps it: no lonely last word.

    The width is searched on word-width sums; the result is wrapped exactly and kept only if
    it still has the same number of lines and fits the height (lines of tall scripts may sit
    further apart once rewrapped).
    """
    count = len(block.lines)
    if count < 2 or break_words:
        return block
    k = REF / block.size
    lo, hi = int(width * 0.5), int(width)
    best_width = None
    while lo <= hi:
        mid = (lo + hi) // 2
        if _estimate_wrap(para, widths, mid * k, count) == count:
            best_width, hi = mid, mid - 1
        else:
            lo = mid + 1
    if best_width is None:
        return block
    for narrow in (best_width, best_width + max(2, int(width * 0.03))):
        if narrow >= width:
            break
        lines = _wrap(para, block.size, narrow, break_words, count)
        if lines is not None and len(lines) == count:
            candidate = _block(para, lines, block.size, block.gap)
            if candidate.height <= height:
                return candidate
    return block


def fit(text: str, chain: tuple[Face, ...], width: float, height: float, *,
        max_size: int, min_size: int, max_lines: int, leading: float,
        lang: str | None = None, default_lang: str | None = None) -> Block:
    """The largest size (within bounds) at which the text fits; words break only if they must.

    `lang` is the text's own language (BCP 47), `default_lang` the site's: they choose the
    line-breaking and hyphenation rules, and `lang` the paragraph direction.

    Sizes are searched by adding up word widths measured once at REF and scaled; the chosen
    size is then wrapped and measured exactly, stepping down until it truly fits, so the
    estimate only ever costs speed, never a clipped line.
    """
    para = paragraph(text, chain, lang, default_lang)
    if not para.tokens:
        return Block((), max_size, round(max_size * leading))
    widths = _token_widths(para)
    line_height = para.ref_line_height

    def attempt(size: int, break_words: bool) -> Block | None:
        lines = _wrap(para, size, width, break_words, max_lines)
        if lines is None or len(lines) > max_lines:
            return None
        block = _block(para, lines, size, round(size * leading))
        return block if block.height <= height else None

    def estimate(size: int) -> bool:
        k = REF / size
        count = _estimate_wrap(para, widths, width * k, max_lines)
        if count is None or count > max_lines:
            return False
        return (count - 1) * round(size * leading) + line_height / k <= height

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
        return _balanced(para, best, width, height, break_words, widths)
    return _ellipsize(para, min_size, width, height, max_lines, round(min_size * leading))
