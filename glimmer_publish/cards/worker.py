"""What a card worker runs: one glimmer's cards drawn and encoded from a small `CardInput`.

The build makes each glimmer's `CardInput` (its card text, colours and photo) while it works
out the cards' cache keys, and hands only that to a worker. So a spawned worker imports this
module and the drawing code (design, layout, fonts, Pillow) and nothing else: not the
journal's loader, Markdown, YAML or the settings, whose imports cost every worker about
0.15 s of CPU and several MB it would hold to the end; and a task is a few hundred bytes to
pickle instead of a whole entry.
"""

from __future__ import annotations

import hashlib
import io
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..files import write_if_changed
from .design import FORMATS, PHOTO_COLOURS, CardText, Colours, draw_card, layout_card, reduced
from .photo import PhotoError, cover, open_photos

MAX_BYTES = 1_000_000  # Bluesky's limit for a link-card image, the tightest we serve
PREVIEW_BOX = 480  # pages show cards at most ~240 CSS px: 2x for sharp phone screens
# Older glimmers keep a half-size og card (600x315, the size platforms still show as a large
# link preview) that is also their page thumbnail: a third of the bytes of og + preview.
OG_SMALL = "og-small"
CARD_EXT = "jpg"  # what encode_card makes: known before a card is drawn
PREVIEW_EXT = "jpg"  # what encode_preview makes
PREVIEWS = "thumbs"  # beside cards/, so cards/<slug>/ holds exactly the cards people post


@dataclass(frozen=True)
class CardInput:
    """Everything a glimmer's cards are drawn from (the cache key covers the same)."""

    slug: str
    text: CardText
    colours: Colours  # the palette's: used when there is no photo, or it cannot be read
    photo: Path | None = None

    @property
    def seed(self) -> int:
        """Where the corner sparkles sit: fixed per glimmer."""
        return hashlib.sha256(self.slug.encode()).digest()[1]


def _base(name: str) -> str:
    return "og" if name == OG_SMALL else name


def preview_size(width: int, height: int) -> tuple[int, int]:
    """The card divided by the largest whole number that keeps its long side >= PREVIEW_BOX
    (og 600x315, square 540x540, portrait 540x675, story 270x480)."""
    k = max(1, max(width, height) // PREVIEW_BOX)
    return -(-width // k), -(-height // k)


def encode_preview(img: Image.Image) -> bytes:
    """A small JPEG for page thumbnails: about a quarter of the card's bytes, same picture.

    A whole-number box reduction only (`preview_size`; `design.reduced` reduces only what
    was drawn over the glow), no second resampling step, and libjpeg-turbo instead of WebP:
    a third of the CPU of a reduction, a bilinear step and WebP method 2, for a file about
    twice the size (13-30 kB; benchmarks/card_encodings.py measures them). Default Huffman
    tables: optimized ones take as long again as the encode for 6-8 % fewer bytes."""
    k = max(1, max(img.size) // PREVIEW_BOX)
    small = img if img.mode == "RGB" else img.convert("RGB")  # no copy: reduce makes one
    if k > 1:
        small = reduced(small, k)  # only what was drawn over the glow is reduced
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()


def encode_card(img: Image.Image, photo: bool, compact: bool = False) -> tuple[bytes, str]:
    """JPEG at quality 90 with 4:2:0 chroma subsampling; always within the byte budget.

    benchmarks/card_encodings.py chose it (16 sample cards per format): against full chroma
    (4:4:4) 30-40 % less encode CPU and 12-18 % fewer bytes, the same SSIM on brightness
    (0.997, worst tile 0.974) and tesseract reads every word it reads from the lossless
    card. Card text is near-neutral on a tinted ground, so its edges live in brightness;
    what halved colour resolution softens is the edge of an emoji or a sparkle (largest
    Cb/Cr error 65 of 255, against 25), seen at 4x zoom only. `compact` spends as long again
    on optimized Huffman tables (same pixels, 10 % smaller): for the half-size og card,
    which older glimmers keep on the site for good (the full-size formats stay for a year,
    `site_formats`). Photos step down in quality until they fit.
    """
    for quality in (90, 85, 80, 72, 64, 55, 45):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=compact or photo, subsampling=2)
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue(), "jpg"


def draw_input(card: CardInput, formats: Sequence[str]
               ) -> tuple[dict[str, Image.Image], bool, str | None]:
    """Pixels of every requested format of one glimmer (its photo decoded once for all the
    formats one JPEG scale serves, `photo.open_photos`).

    Returns the images, whether they carry the photo, and why the photo could not be used
    (the cards then use the palette) if it could not."""
    sizes = {name: (FORMATS[_base(name)].width, FORMATS[_base(name)].height) for name in formats}
    photos: dict[tuple[int, int], Image.Image] = {}
    error = None
    if card.photo is not None:
        try:
            photos = open_photos(card.photo, sizes.values())
        except PhotoError as exc:
            error = str(exc)
    images = {}
    for name in formats:
        fmt = FORMATS[_base(name)]
        layout = layout_card(card.text, fmt)
        if photos:
            img = draw_card(layout, PHOTO_COLOURS, cover(photos[sizes[name]], fmt.width,
                                                         fmt.height), card.seed)
        else:
            img = draw_card(layout, card.colours, None, card.seed)
        images[name] = img.reduce(2) if name == OG_SMALL else img
    return images, bool(photos), error


def render_input(card: CardInput, formats: Sequence[str]
                 ) -> tuple[dict[str, tuple[bytes, str, bytes]], str | None]:
    """Every requested format of one glimmer, encoded, each with its preview."""
    images, photo, error = draw_input(card, formats)
    return {name: (*encode_card(img, photo, compact=name == OG_SMALL),
                   b"" if name == OG_SMALL else encode_preview(img))  # its own thumbnail
            for name, img in images.items()}, error


def start_worker() -> None:
    """Ctrl-C reaches every process of the terminal's group: a worker ignores it and the
    build stops the pool (`render.CardJob.cancel`), instead of each worker printing a
    traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def draw_batch(cache: Path, batch: Sequence[tuple[CardInput, tuple[str, ...], dict[str, str]]]
               ) -> list[tuple[dict[str, tuple[Path | bytes, str, Path | bytes]], str | None]]:
    """A worker's task: a few glimmers' cards (each with its formats and their cache keys),
    drawn, encoded and written into the card cache, previews in `PREVIEWS` beside it.

    What goes back to the build is where each card and preview now is, not their bytes: a
    card's 100-600 kB through the pool's pipe, unpickled and written again, and a round trip
    through the pool's threads for every glimmer cost the build 1.5-2.5 ms of CPU a card.
    Cards drawn without their photo (it could not be used) are never cached, so the problem
    shows every build: their bytes go back instead."""
    return [_stored(cache, keys, *render_input(card, formats)) for card, formats, keys in batch]


def _stored(cache: Path, keys: dict[str, str], images: dict[str, tuple[bytes, str, bytes]],
            error: str | None):
    if error is not None:
        return images, error
    placed = {}
    for name, (data, ext, preview) in images.items():
        card = cache / f"{keys[name]}.{ext}"
        if preview:
            shown = cache.parent / PREVIEWS / f"{keys[name]}.{PREVIEW_EXT}"
            write_if_changed(shown, preview)
            preview = shown
        write_if_changed(card, data)  # last: a card in the cache means its preview is there
        placed[name] = (card, ext, preview)
    return placed, None
