"""Make a card small enough for a network's upload limit without changing what it shows."""

from __future__ import annotations

import io

from PIL import Image


def fit_bytes(data: bytes, mime: str, limit: int) -> tuple[bytes, str, int, int]:
    """The card as-is when it fits, else a JPEG at decreasing quality, then size."""
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
        if len(data) <= limit:
            return data, mime, width, height
        rgb = img.convert("RGB")
    scale = 1.0
    while True:
        frame = rgb if scale == 1.0 else rgb.resize(
            (max(1, round(width * scale)), max(1, round(height * scale))), Image.LANCZOS)
        for quality in (92, 85, 78, 70, 60, 50):
            out = io.BytesIO()
            frame.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= limit:
                return out.getvalue(), "image/jpeg", *frame.size
        scale *= 0.8
        if scale < 0.05:
            raise ValueError(f"the card cannot be made smaller than {limit:,} bytes")
