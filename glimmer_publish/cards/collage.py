"""Collage cards: one calm, shareable picture of a month's or a year's glimmers.

Each glimmer is a small tile in its own palette, lit on a dusk background, with its title
when the tile is large enough to read; the alt text names them all. Layout (measuring) and
drawing are apart, so tests can check that no text leaves its box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from PIL import Image, ImageDraw

from ..entries import Entry
from ..palettes import PALETTES, Palette
from ..settings import Settings
from .content import MAX_ALT, card_label, palette_for
from .design import Placed, colours_for, draw_placed, glow, sparkle
from .fonts import LABEL, TITLE
from .layout import fit

SIZES = {"square": (1080, 1080), "portrait": (1080, 1350)}
PAD = 72
GAP = 18
MIN_TEXT_TILE = 150  # below this a tile shows only its sparkle: a title would be too small
MAX_TILES = 120


def _locale(settings: Settings) -> str:
    """The site's language as a Babel locale, English when Babel does not know it."""
    name = settings.language.replace("-", "_")
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return "en"
    return name


@dataclass(frozen=True)
class Period:
    """A calendar year, or one month of it."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, year: str | None, month: str | None) -> Period:
        """From `--year 2026` or `--month 2026-11`; ValueError with a kind message otherwise."""
        if month:
            try:
                y, m = (int(p) for p in month.split("-"))
                date(y, m, 1)
            except ValueError:
                raise ValueError(f"--month {month!r}: write it like 2026-11") from None
            return cls(y, m)
        try:
            y = int(year or "")
            date(y, 1, 1)
        except ValueError:
            raise ValueError(f"--year {year!r}: write it like 2026") from None
        return cls(y)

    @property
    def slug(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    def name(self, settings: Settings) -> str:
        if self.month is None:
            return str(self.year)
        return format_date(date(self.year, self.month, 1), "LLLL y", locale=_locale(settings))

    def holds(self, entry: Entry) -> bool:
        d = entry.date.date()
        return d.year == self.year and (self.month is None or d.month == self.month)


def period_entries(entries: Sequence[Entry], period: Period) -> list[Entry]:
    """The period's glimmers in the order they were lived."""
    return sorted((e for e in entries if period.holds(e)), key=lambda e: e.date)


@dataclass(frozen=True)
class Tile:
    entry: Entry
    box: tuple[float, float, float, float]
    palette: Palette
    title: Placed | None  # None when the tile is too small for words


@dataclass(frozen=True)
class CollageLayout:
    width: int
    height: int
    palette: Palette
    label: Placed
    heading: Placed
    tiles: tuple[Tile, ...]
    motif: tuple[float, float, float]

    def texts(self) -> list[Placed]:
        return [self.label, self.heading, *(t.title for t in self.tiles if t.title)]


def _grid(n: int, width: float, height: float) -> tuple[int, float]:
    """(columns, tile side) giving the largest square tiles for n tiles in the area."""
    best = (1, 0.0)
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        side = min((width - (cols - 1) * GAP) / cols, (height - (rows - 1) * GAP) / rows)
        if side > best[1]:
            best = (cols, side)
    return best


def _placed(kind: str, text: str, chain, box, **sizes) -> Placed:
    x0, y0, x1, y1 = box
    block = fit(text, chain, x1 - x0, y1 - y0, **sizes)
    top = y0 + (y1 - y0 - block.height) / 2
    return Placed(kind, block, (x0, top, x1, top + block.height))


def layout_collage(entries: Sequence[Entry], period: Period, settings: Settings,
                   fmt: str, palette: str = "dusk") -> CollageLayout:
    width, height = SIZES[fmt]
    shown = list(entries)[:MAX_TILES]
    label_size = 30
    radius = label_size * 0.5
    block = fit(card_label(settings), LABEL, width - 2 * PAD - 3 * radius, label_size * 1.6,
                max_size=label_size, min_size=22, max_lines=1, leading=1.2)
    row = 3 * radius + block.width  # the sparkle, a space, the site name: centred together
    row_left = (width - row) / 2
    label_box = (row_left + 3 * radius, PAD, row_left + row, PAD + block.height)
    label = Placed("label", block, label_box)
    baseline = block.baselines[0] if block.lines else radius
    motif = (row_left + radius, PAD + baseline - label_size * 0.36, radius)
    heading_box = (PAD, label_box[3] + 24, width - PAD, label_box[3] + 24 + 130)
    heading = _placed("heading", period.name(settings), TITLE, heading_box, max_size=104,
                      min_size=48, max_lines=1, leading=1.1)
    top = heading_box[3] + 36
    area_w, area_h = width - 2 * PAD, height - PAD - top
    tiles = []
    if shown:
        cols, side = _grid(len(shown), area_w, area_h)
        rows = math.ceil(len(shown) / cols)
        x_start = PAD + (area_w - (cols * side + (cols - 1) * GAP)) / 2
        y_start = top + (area_h - (rows * side + (rows - 1) * GAP)) / 2
        inset = side * 0.12
        sizes = {"max_size": min(60, round(side * 0.2)),
                 "min_size": max(16, round(side * 0.085)), "max_lines": 5, "leading": 1.12}
        inner_side = side - 2 * inset
        if side >= MIN_TEXT_TILE:
            # One calm size for all: the size most titles reach (the lower third), so a
            # single long word does not make its tile shout or whisper beside the others.
            fitted = sorted(fit(e.title, TITLE, inner_side, inner_side, **sizes).size
                            for e in shown)
            sizes["max_size"] = max(sizes["min_size"], fitted[len(fitted) // 3])
        for i, entry in enumerate(shown):
            r, c = divmod(i, cols)
            x0, y0 = x_start + c * (side + GAP), y_start + r * (side + GAP)
            box = (x0, y0, x0 + side, y0 + side)
            title = None
            if side >= MIN_TEXT_TILE:
                inner = (x0 + inset, y0 + inset, x0 + side - inset, y0 + side - inset)
                title = _placed("title", entry.title, TITLE, inner, **sizes)
            tiles.append(Tile(entry, box, palette_for(entry), title))
    return CollageLayout(width, height, PALETTES[palette], label, heading, tuple(tiles), motif)


def _rounded_mask(w: int, h: int, radius: float, scale: int = 3) -> Image.Image:
    big = Image.new("L", (w * scale, h * scale), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, w * scale - 1, h * scale - 1),
                                          radius=radius * scale, fill=255)
    return big.resize((w, h), Image.Resampling.LANCZOS)


def draw_collage(layout: CollageLayout) -> Image.Image:
    base = colours_for(layout.palette)
    img = glow(layout.width, layout.height, base)
    sparkle(img, *layout.motif[:2], layout.motif[2] * 1.15, base.accent)
    draw_placed(img, layout.label, base.muted)
    draw_placed(img, layout.heading, base.text)
    for tile in layout.tiles:
        x0, y0, x1, y1 = tile.box
        w, h = round(x1 - x0), round(y1 - y0)
        colours = colours_for(tile.palette)
        face = glow(w, h, colours)
        if tile.title is None:
            sparkle(face, w / 2, h / 2, max(3.0, w * 0.16), colours.accent)
        else:
            sparkle(face, w - w * 0.1, w * 0.1, max(3.0, w * 0.035), colours.accent)
        ImageDraw.Draw(face).rounded_rectangle((0, 0, w - 1, h - 1), radius=w * 0.14,
                                               outline=colours.accent, width=2)
        img.paste(face, (round(x0), round(y0)), _rounded_mask(w, h, w * 0.14))
        if tile.title is not None:
            draw_placed(img, tile.title, colours.text)
    return img


def collage_alt(entries: Sequence[Entry], period: Period, settings: Settings) -> str:
    """'Glimmers of November 2026: Frost on the gate (3 November); …' within 1,500 characters."""
    locale = _locale(settings)
    head = f"Glimmers of {period.name(settings)}"
    if not entries:
        return head + ": none yet."
    items = [f"{e.title.rstrip('.')} ({format_skeleton('MMMMd', e.date.date(), locale=locale)})"
             for e in entries]
    text = f"{head}: " + "; ".join(items) + "."
    if len(text) <= MAX_ALT:
        return text
    for keep in range(len(items) - 1, 0, -1):
        more = f"; and {len(items) - keep} more."
        text = f"{head}: " + "; ".join(items[:keep]) + more
        if len(text) <= MAX_ALT:
            return text
    return (f"{head}: {len(items)} glimmers.")[:MAX_ALT]
