"""Entry photos as card backgrounds: opened defensively, turned upright, cropped, never leaked.

Only pixels leave this module: EXIF (camera, GPS), XMP and comments are dropped, because
the card is built from the decoded pixels with their `info` emptied and saved without
metadata.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is plenty; more is a decompression bomb


class PhotoError(Exception):
    """A photo that cannot be used; the message is written for the person who added it."""


def open_photo(path: Path, longest: int) -> Image.Image:
    """The photo upright (EXIF rotation applied) in RGB, decoded at no more than needed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if im.width * im.height > MAX_PIXELS:
                    raise PhotoError(f"the picture is {im.width}×{im.height} pixels, more than "
                                     f"{MAX_PIXELS // 1_000_000} megapixels")
                im.draft("RGB", (longest, longest))
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


def cover(photo: Image.Image, width: int, height: int) -> Image.Image:
    """Scale and centre-crop so the photo fills the card with no bars."""
    return ImageOps.fit(photo, (width, height), method=Image.Resampling.LANCZOS)
