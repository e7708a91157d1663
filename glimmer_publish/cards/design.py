"""The look of a card: format geometry, where each text block goes, and drawing it.

`layout_card` only measures (fast, testable for clipping); `draw_card` turns a layout into
pixels: a warm glow or a photo under a scrim, the small sparkle motif, and the text.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from ..palettes import Palette, contrast
from .fonts import EMOJI, EMOJI_SCALE, Face, chain, load
from .layout import Block, Piece, fit


@dataclass(frozen=True)
class Format:
    name: str
    width: int
    height: int
    pad_x: int  # side margins
    pad_y: int  # top and bottom margins: text never goes nearer the edge
    title: tuple[int, int, int]  # largest size, smallest size, most lines
    text: tuple[int, int, int]
    label: int  # site name and date


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("og", 1200, 630, 84, 52, (84, 40, 3), (30, 24, 2), 24),
        Format("square", 1080, 1080, 96, 84, (104, 48, 5), (36, 28, 4), 28),
        Format("portrait", 1080, 1350, 96, 100, (112, 52, 6), (38, 30, 5), 30),
        # Stories: app buttons cover the top and bottom ~250 px.
        Format("story", 1080, 1920, 96, 250 + 60, (132, 56, 7), (46, 34, 6), 34),
    )
}


@dataclass(frozen=True)
class CardText:
    title: str
    excerpt: str
    footer: str  # date · where
    label: str  # site name or handle
    lang: str | None = None  # the entry's own language (BCP 47): direction, breaks, hyphens
    site_lang: str | None = None  # the site's language, for everything else

    @property
    def forms(self) -> str | None:
        """The language whose regional Han forms the fonts draw."""
        return self.lang or self.site_lang


@dataclass(frozen=True)
class Placed:
    kind: str  # "label", "title", "excerpt" or "footer"
    block: Block
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 the block is centred in

    def pieces(self) -> list[tuple[Piece, float, float]]:
        x0, y0, x1, _ = self.box
        return self.block.placed(x0, y0, x1 - x0)

    def ink(self) -> list[tuple[float, float, float, float]]:
        """Where each run's pixels land (for the no-clipping and contrast checks)."""
        return [(x + p.ink[0], y + p.ink[1], x + p.ink[2], y + p.ink[3])
                for p, x, y in self.pieces() if p.text.strip()]


@dataclass(frozen=True)
class CardLayout:
    format: Format
    blocks: tuple[Placed, ...]
    motif: tuple[float, float, float]  # the label's sparkle: centre x, centre y, radius
    rule: tuple[float, float, float] | None  # centre x, y and half width of the divider

    @property
    def safe(self) -> tuple[int, int, int, int]:
        f = self.format
        return f.pad_x, f.pad_y, f.width - f.pad_x, f.height - f.pad_y


def layout_card(text: CardText, fmt: Format) -> CardLayout:
    """Where everything goes: label on top, date at the bottom, title and excerpt between."""
    left, right = fmt.pad_x, fmt.width - fmt.pad_x
    width = right - left
    size = fmt.label
    radius = size * 0.5
    label = fit(text.label, chain("label", text.forms, text.label), width - 3 * radius,
                size * 1.6, max_size=size, min_size=round(size * 0.75), max_lines=1,
                leading=1.2, default_lang=text.site_lang)
    row = 2 * radius + radius + label.width
    row_left = left + (width - row) / 2
    label_box = (row_left + 3 * radius, fmt.pad_y, row_left + row, fmt.pad_y + label.height)
    motif_y = fmt.pad_y + (label.baselines[0] - size * 0.36 if label.lines else radius)
    motif = (row_left + radius, motif_y, radius)

    footer = fit(text.footer, chain("text", text.forms, text.footer), width, size * 3,
                 max_size=size, min_size=round(size * 0.75), max_lines=2, leading=1.3,
                 default_lang=text.site_lang)
    footer_top = fmt.height - fmt.pad_y - footer.height
    top = label_box[3] + size * 1.4
    bottom = footer_top - size * 1.4
    region = bottom - top

    t_max, t_min, t_lines = fmt.title
    share = 0.66 if text.excerpt else 1.0
    title = fit(text.title, chain("title", text.forms, text.title), width, region * share,
                max_size=t_max, min_size=t_min, max_lines=t_lines, leading=1.12,
                lang=text.lang, default_lang=text.site_lang)
    rule_gap = max(24.0, title.size * 0.42)
    x_max, x_min, x_lines = fmt.text
    excerpt = None
    room = region - title.height - 2 * rule_gap
    if text.excerpt and room >= x_min * 1.5:
        excerpt = fit(text.excerpt, chain("text", text.forms, text.excerpt), width, room,
                      max_size=x_max, min_size=x_min, max_lines=x_lines, leading=1.45,
                      lang=text.lang, default_lang=text.site_lang)
        if not excerpt.lines:
            excerpt = None
    stack = title.height + (2 * rule_gap + excerpt.height if excerpt else 0)
    y = top + (region - stack) * 0.46
    blocks = [Placed("label", label, label_box)]
    blocks.append(Placed("title", title, (left, y, right, y + title.height)))
    rule = None
    if excerpt:
        rule = (fmt.width / 2, y + title.height + rule_gap, min(90.0, width / 4))
        ey = y + title.height + 2 * rule_gap
        blocks.append(Placed("excerpt", excerpt, (left, ey, right, ey + excerpt.height)))
    blocks.append(Placed("footer", footer, (left, footer_top, right, footer_top + footer.height)))
    return CardLayout(fmt, tuple(blocks), motif, rule)


@dataclass(frozen=True)
class Colours:
    background: str
    glow: str
    text: str
    muted: str
    accent: str


PHOTO_COLOURS = Colours("#17120F", "#17120F", "#FFF8EF", "#F3E8DB", "#F6CB8C")
SCRIM = (23, 18, 15)


def colours_for(palette: Palette) -> Colours:
    return Colours(palette.background, palette.glow, palette.text, palette.muted, palette.accent)


def _glow(fmt: Format, colours: Colours) -> Image.Image:
    """The palette's base with soft light rising from the top-right corner (a fresh copy)."""
    return _glow_cached(fmt, colours).copy()


# The glows a worker keeps, in bytes per format (og 2.3 MB a palette, story 6.2 MB; the
# glow and its reduction for previews count together). Kept for every palette, they held
# 23 MB for og alone and about 150 MB with all four formats; making one again costs 5-16 ms,
# so `render` hands a worker the glimmers of one palette after each other and a few kept per
# format are as good as all. The newest of a format is always kept, whatever its size.
GLOW_BYTES = 8_000_000


class _Glows:
    """The palettes' glows (and their reductions) last used, at most GLOW_BYTES a format."""

    def __init__(self) -> None:
        self.kept: OrderedDict[tuple, Image.Image] = OrderedDict()  # oldest use first

    def get(self, key: tuple, make) -> Image.Image:
        img = self.kept.get(key)
        if img is not None:
            self.kept.move_to_end(key)
            return img
        img = self.kept[key] = make()
        fmt = key[0]
        while self.bytes(fmt) > GLOW_BYTES:
            older = next((k for k in self.kept if k[0] == fmt and k[1] != key[1]), None)
            if older is None:
                break
            self._drop(fmt, older[1])
        return img

    def _drop(self, fmt: Format, colours: Colours) -> None:
        for k in [k for k in self.kept if k[0] == fmt and k[1] == colours]:
            del self.kept[k]

    def bytes(self, fmt: Format | None = None) -> int:
        return sum(_size(img) for k, img in self.kept.items() if fmt is None or k[0] == fmt)

    def clear(self) -> None:
        self.kept.clear()


def _size(img: Image.Image) -> int:
    return img.width * img.height * len(img.getbands())


_glows = _Glows()


def _glow_cached(fmt: Format, colours: Colours) -> Image.Image:
    """The glow depends on format and palette only: drawn once per worker and palette (while
    kept, `GLOW_BYTES`), not per card. Read-only."""
    return _glows.get((fmt, colours, 1), lambda: _make_glow(fmt, colours))


def _make_glow(fmt: Format, colours: Colours) -> Image.Image:
    w, h = fmt.width, fmt.height
    base = Image.new("RGB", (w, h), colours.background)
    return Image.composite(Image.new("RGB", (w, h), colours.glow), base, _glow_mask(fmt))


@lru_cache(maxsize=8)
def _glow_mask(fmt: Format) -> Image.Image:
    """Where the glow shows, and how strongly: the same for every palette (scaling the light
    up to the card's size took 30-120 ms, paid once per format instead of per palette)."""
    w, h = fmt.width, fmt.height
    diameter = int(max(w, h) * 1.9)
    ring = Image.radial_gradient("L")
    edge = ring.getpixel((128, 0))  # the value where the circle meets the square's edge
    ring = ring.point(lambda v: round(255 * (1 - min(1.0, v / edge)) ** 1.8))
    ring = ring.resize((diameter, diameter), Image.Resampling.BICUBIC)
    mask = Image.new("L", (w, h), 0)
    mask.paste(ring, (int(w * 0.92) - diameter // 2, int(-h * 0.08) - diameter // 2))
    return mask


def scrim_alpha(photo: Image.Image, boxes: list[tuple[float, float, float, float]],
                colour: str) -> float:
    """The lightest scrim over the photo that keeps `colour` at >= 4.5:1 on every pixel.

    The check uses the brightest value of each channel under the text, a colour at least as
    light as any real pixel there, so the bound holds for the worst pixel too.
    """
    if not boxes:
        return 0.35
    x0 = max(0, int(min(b[0] for b in boxes)))
    y0 = max(0, int(min(b[1] for b in boxes)))
    x1 = min(photo.width, math.ceil(max(b[2] for b in boxes)))
    y1 = min(photo.height, math.ceil(max(b[3] for b in boxes)))
    extrema = photo.crop((x0, y0, x1, y1)).getextrema()
    worst = tuple(hi for _, hi in extrema)
    for step in range(35, 100, 1):
        a = step / 100
        blended = tuple(round(c * (1 - a) + s * a) for c, s in zip(worst, SCRIM, strict=True))
        if contrast(colour, blended) >= 4.6:
            return a
    return 0.99


@lru_cache(maxsize=128)  # a handful of radii per format: drawn once per worker, read-only after
def _sparkle_mask(radius: float, scale: int = 4) -> Image.Image:
    """A four-pointed sparkle (an astroid), drawn large and scaled down for smooth edges."""
    size = max(2, math.ceil(radius * 2))
    big = Image.new("L", (size * scale, size * scale), 0)
    c = size * scale / 2
    r = radius * scale
    points = []
    for i in range(128):
        t = 2 * math.pi * i / 128
        points.append((c + r * math.cos(t) ** 3, c + r * math.sin(t) ** 3))
    ImageDraw.Draw(big).polygon(points, fill=255)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def _sparkle(img: Image.Image, x: float, y: float, radius: float, colour: str,
             marks: list | None = None) -> None:
    mask = _sparkle_mask(radius)
    at = (round(x - mask.width / 2), round(y - mask.height / 2))
    img.paste(Image.new(img.mode, mask.size, colour), at, mask)
    if marks is not None:
        marks.append((*at, at[0] + mask.width, at[1] + mask.height))


def _draw_piece(img: Image.Image, draw: ImageDraw.ImageDraw, piece: Piece, x: float, y: float,
                colour: str, marks: list | None = None, remember: bool = False) -> None:
    """Draw one run; `marks` (if given) gets the box of every pixel it may have changed, or
    None when that box is not known. `remember`: a run drawn on every card (the site's
    name), rasterised once."""
    if piece.face.emoji:
        tile, dx, dy = _emoji_tile(piece.text, piece.size)
        at = (round(x + dx), round(y + dy))
        img.paste(tile, at, tile)
        if marks is not None:
            marks.append((*at, at[0] + tile.width, at[1] + tile.height))
        return
    if "\n" in piece.text or img.mode not in ("RGB", "RGBA"):
        draw.text((x, y), piece.text, font=load(piece.face, piece.size), fill=colour,
                  anchor="ls", direction=piece.direction)
        if marks is not None:
            marks.append(None)
        return
    # What ImageDraw.text does for one line. The site's name sits at the same place on every
    # card of a format, so its mask is remembered (in a cache of its own: a card's other runs
    # are drawn once and would push it out).
    fx, fy = math.modf(x)[0], math.modf(y)[0]
    mask, (ox, oy) = (_label_mask if remember else _text_mask)(
        piece.text, piece.face, piece.size, piece.direction, fx, fy)
    at = (int(x) + ox, int(y) + oy)
    if img.mode == "RGB":
        # A solid patch pasted through the glyph mask: the same pixels as drawing the mask in
        # the colour (draw_bitmap), in a third of the time (Pillow's masked fill is slow).
        img.im.paste(Image.new("RGB", mask.size, colour).im,
                     (*at, at[0] + mask.size[0], at[1] + mask.size[1]), mask)
    else:  # RGBA: a masked fill treats the alpha channel apart
        ink, _ = draw._getink(colour)
        draw.draw.draw_bitmap(at, mask, ink)
    if marks is not None:
        marks.append((*at, at[0] + mask.size[0], at[1] + mask.size[1]))


def _text_mask(text: str, face: Face, size: int, direction: str, fx: float, fy: float):
    return load(face, size).getmask2(text, "L", direction, None, None, 0, "ls", 0, (fx, fy),
                                     stroke_filled=True)


_label_mask = lru_cache(maxsize=16)(_text_mask)  # a few runs per format: read-only after


@lru_cache(maxsize=256)
def _emoji_tile(text: str, size: int) -> tuple[Image.Image, float, float]:
    """An emoji at a text size and where it goes from the pen: the colour bitmap is decoded
    and scaled once per worker (read-only after)."""
    font = load(EMOJI, size)
    x0, y0, x1, y1 = font.getbbox(text, anchor="ls")
    tile = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((-x0, -y0), text, font=font, anchor="ls", embedded_color=True)
    k = size * EMOJI_SCALE
    tile = tile.resize((max(1, round(tile.width * k)), max(1, round(tile.height * k))),
                       Image.Resampling.LANCZOS)
    return tile, x0 * k, y0 * k


def background(layout: CardLayout, colours: Colours, photo: Image.Image | None) -> Image.Image:
    """What lies under the text: the palette's glow, or the photo under its scrim."""
    if photo is None:
        return _glow(layout.format, colours)
    # A light veil everywhere, darker bands behind each text block: the photo stays bright
    # where there are no words, and each block gets exactly the darkness its pixels need.
    margin = layout.format.pad_x * 0.6
    # Each block darkens a soft band across the card and, at full strength, a box around
    # its text; the mask is the darkest of all of them and the veil at each pixel. Every
    # row of a band is one value, and a Gaussian blur (box blurs that repeat the edge
    # pixels) keeps a constant row constant, so the blur of one column is the blur of the
    # whole band: the bands are blurred and combined as columns, and only then widened to
    # the card, once. The band is wide enough that the blur is at full strength over the
    # text, and never above it, so a box drawn at that strength is the darkest there.
    column = Image.new("L", (1, photo.height), round(255 * 0.3))
    boxes_at: list[tuple[int, tuple[float, float, float, float]]] = []
    for placed in layout.blocks:
        boxes = placed.ink()
        if not boxes:
            continue
        alpha = round(255 * scrim_alpha(photo, boxes, colours.muted))
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
        band = Image.new("L", (1, photo.height), 0)
        ImageDraw.Draw(band).rectangle((-4 * margin, y0 - 3 * margin, 1 + 4 * margin,
                                        y1 + 3 * margin), fill=alpha)
        column = ImageChops.lighter(column, band.filter(ImageFilter.GaussianBlur(margin)))
        boxes_at.append((alpha, (x0 - 1, y0 - 1, x1 + 1, y1 + 1)))
    mask = column.resize(photo.size, Image.Resampling.NEAREST)
    if boxes_at:
        at_full = Image.new("L", photo.size, 0)
        draw = ImageDraw.Draw(at_full)
        for alpha, box in sorted(boxes_at, key=lambda b: b[0]):  # where boxes meet, the darkest
            draw.rectangle(box, fill=alpha)
        mask = ImageChops.lighter(mask, at_full)
    return Image.composite(Image.new("RGB", photo.size, SCRIM), photo, mask)


def draw_card(layout: CardLayout, colours: Colours, photo: Image.Image | None = None,
              seed: int = 0) -> Image.Image:
    """Pixels for a layout; with a photo, a scrim sized from the photo keeps text legible."""
    fmt = layout.format
    img = background(layout, colours, photo)
    # Over a palette's glow, where we draw is noted (for `reduced`, which makes the preview).
    marks: list | None = [] if photo is None else None
    draw = ImageDraw.Draw(img)
    # The glimmer motif: a sparkle beside the site name, a few in the glowing corner.
    mx, my, mr = layout.motif
    accent = colours.accent
    _sparkle(img, mx, my, mr * 1.15, accent, marks)
    corner_x = fmt.width - fmt.pad_x * 0.55
    corner_y = max(fmt.pad_x * 0.7, fmt.pad_y * 0.55)
    big = fmt.pad_x * 0.24
    turn = (seed % 7) / 7
    _sparkle(img, corner_x, corner_y, big, accent, marks)
    _sparkle(img, corner_x - big * (1.7 + turn), corner_y + big * 1.9, big * 0.45, accent, marks)
    _sparkle(img, corner_x + big * 0.2, corner_y + big * (3.0 + turn), big * 0.3, accent, marks)
    if layout.rule:
        cx, cy, half = layout.rule
        _sparkle(img, cx, cy, 9, accent, marks)
        draw.line([(cx - half, cy), (cx - 20, cy)], fill=accent, width=2)
        draw.line([(cx + 20, cy), (cx + half, cy)], fill=accent, width=2)
        if marks is not None:  # a 2-px line: a pixel's margin all round
            marks.append((math.floor(cx - half) - 2, math.floor(cy) - 2,
                          math.ceil(cx + half) + 3, math.ceil(cy) + 3))
    tint = {"label": colours.muted, "title": colours.text, "excerpt": colours.text,
            "footer": colours.muted}
    for placed in layout.blocks:
        for piece, x, y in placed.pieces():
            _draw_piece(img, draw, piece, x, y, tint[placed.kind], marks,
                        remember=placed.kind == "label")
    if marks is not None and None not in marks:
        # On the image object itself: a copy or any other picture never carries it.
        img._glimmer_drawn_over = (fmt, colours, marks)  # type: ignore[attr-defined]
    return img


def _reduced_glow(fmt: Format, colours: Colours, k: int) -> Image.Image:
    """The glow reduced k times (for previews), kept and dropped with the glow."""
    return _glows.get((fmt, colours, k), lambda: _glow_cached(fmt, colours).reduce(k))


def reduced(img: Image.Image, k: int) -> Image.Image:
    """`img.reduce(k)`, pixel for pixel (a fresh image).

    A card `draw_card` drew over a palette's glow is mostly that glow, whose reduction is
    made once per palette and format: only the areas drawn on are reduced (each widened to
    whole k x k cells, so every reduced pixel averages exactly the pixels it would in the
    whole image) and pasted over it. Cards must not be drawn on after `draw_card`.
    """
    drawn = getattr(img, "_glimmer_drawn_over", None)
    if k <= 1 or drawn is None or img.width % k or img.height % k:
        return img.reduce(k) if k > 1 else img.copy()
    fmt, colours, marks = drawn
    small = _reduced_glow(fmt, colours, k).copy()
    for x0, y0, x1, y1 in marks:
        x0, y0 = max(0, x0 // k * k), max(0, y0 // k * k)
        x1, y1 = min(img.width, -(-x1 // k) * k), min(img.height, -(-y1 // k) * k)
        if x0 < x1 and y0 < y1:
            small.paste(img.crop((x0, y0, x1, y1)).reduce(k), (x0 // k, y0 // k))
    return small


def draw_placed(img: Image.Image, placed: Placed, colour: str) -> None:
    """One placed text block in one colour (for other pictures made of card parts)."""
    draw = ImageDraw.Draw(img)
    for piece, x, y in placed.pieces():
        _draw_piece(img, draw, piece, x, y, colour)


def sparkle(img: Image.Image, x: float, y: float, radius: float, colour: str) -> None:
    """The glimmer motif, centred on (x, y)."""
    _sparkle(img, x, y, radius, colour)


def glow(width: int, height: int, colours: Colours) -> Image.Image:
    """A palette's base with its soft corner light, at any size (a fresh copy)."""
    return _glow(Format("glow", width, height, 0, 0, (0, 0, 0), (0, 0, 0), 0), colours)
