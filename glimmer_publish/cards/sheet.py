"""Contact sheets: several cards side by side in one small image, for a quick look."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

GAP = 24


def contact_sheet(rows: Sequence[Sequence[Path]], height: int = 360,
                  background: str = "#F4EFE8") -> Image.Image:
    """Each row of card files scaled to `height` and laid out left to right."""
    scaled = []
    for row in rows:
        images = []
        for path in row:
            with Image.open(path) as im:
                w = round(im.width * height / im.height)
                images.append(im.convert("RGB").resize((w, height), Image.Resampling.LANCZOS))
        scaled.append(images)
    width = max(sum(im.width for im in row) + GAP * (len(row) + 1) for row in scaled)
    sheet = Image.new("RGB", (width, len(scaled) * (height + GAP) + GAP), background)
    for r, row in enumerate(scaled):
        x = GAP
        for im in row:
            sheet.paste(im, (x, GAP + r * (height + GAP)))
            x += im.width + GAP
    return sheet
