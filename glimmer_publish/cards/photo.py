"""Entry photos as card backgrounds: opened defensively, turned upright, cropped, never leaked.

Only pixels leave this module: EXIF (camera, GPS), XMP and comments are dropped, because
the card is built from the decoded pixels with their `info` emptied and saved without
metadata.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageOps

from ..photos import ORIENTATION

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is plenty; more is a decompression bomb
TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class PhotoError(Exception):
    """A photo that cannot be used; the message is written for the person who added it."""


def covering(size: tuple[int, int], sizes: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The smallest picture shaped like `size` that covers each of `sizes` (scaled and
    centre-cropped, as `cover` does) without being enlarged."""
    w, h = size
    k = max(max(fw / w, fh / h) for fw, fh in sizes)
    return math.ceil(w * k), math.ceil(h * k)


def _upright(im: Image.Image) -> tuple[tuple[int, int], bool]:
    """The picture's size once turned upright, and whether turning swaps its sides."""
    turned = im.getexif().get(ORIENTATION, 1) in TURNED
    return ((im.height, im.width) if turned else im.size), turned


def _jpeg_scale(im: Image.Image, need: tuple[int, int], turned: bool) -> int:
    """What `draft` will divide a JPEG by for a picture of at least `need` (Pillow's rule)."""
    w, h = need[::-1] if turned else need
    most = min(im.width // max(1, w), im.height // max(1, h))
    return next(s for s in (8, 4, 2, 1) if most >= s)


def open_photo(path: Path, sizes: Iterable[tuple[int, int]]) -> Image.Image:
    """The photo upright (EXIF rotation applied) in RGB, decoded at no more than covering
    each of `sizes` needs: a JPEG decodes at a half, a quarter or an eighth of its size,
    scaled as it is decoded, for a fraction of the CPU and memory."""
    sizes = list(sizes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise PhotoError(f"the picture is {im.width}×{im.height} pixels, more than "
                                     f"{MAX_PIXELS // 1_000_000} megapixels")
                size, turned = _upright(im)
                need = covering(size, sizes)
                im.draft("RGB", need[::-1] if turned else need)
                upright = ImageOps.exif_transpose(im)  # a new image, turned or not
                upright.load()
                # convert() of an RGB image is one more copy of the whole photo (36 MB for
                # a 12-megapixel one, beside the decoded and the upright ones).
                pixels = upright if upright.mode == "RGB" else upright.convert("RGB")
                # Pillow carries `info` (JPEG comment, XMP, EXIF...) through every copy and
                # writes the comment into saved JPEGs: a card must hold pixels only.
                pixels.info = {}
                return pixels
    except PhotoError:
        raise
    except FileNotFoundError as exc:
        raise PhotoError("the picture does not exist") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError("the picture is too large to open safely (decompression bomb?)") from exc
    except Exception as exc:  # Pillow raises many kinds for damaged files
        raise PhotoError(f"the picture cannot be read; it may be damaged or cut short ({exc})") \
            from exc


def open_photos(path: Path, sizes: Iterable[tuple[int, int]]
                ) -> dict[tuple[int, int], Image.Image]:
    """`open_photo` for each of `sizes`, decoded once for all the sizes one JPEG scale serves.

    A phone's 12-megapixel photo (4032x3024) must be decoded whole for a story card (1920
    rows from its 3024), but at half size serves the other three formats: decoded twice,
    the two draws cost about 100 ms less than one whole decode resized four times."""
    sizes = list(dict.fromkeys(sizes))
    groups: dict[int, list[tuple[int, int]]] = {}
    try:
        with warnings.catch_warnings(), Image.open(path) as im:
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            size, turned = _upright(im)
            jpeg = im.format == "JPEG" and im.width * im.height <= MAX_PIXELS
            for wanted in sizes:
                scale = _jpeg_scale(im, covering(size, [wanted]), turned) if jpeg else 1
                groups.setdefault(scale, []).append(wanted)
    except Exception:  # open_photo says what is wrong with it
        groups = {1: sizes}
    return {wanted: photo for group in groups.values()
            for photo in [open_photo(path, group)] for wanted in group}


def cover(photo: Image.Image, width: int, height: int) -> Image.Image:
    """Scale and centre-crop so the photo fills the card with no bars."""
    return ImageOps.fit(photo, (width, height), method=Image.Resampling.LANCZOS)
