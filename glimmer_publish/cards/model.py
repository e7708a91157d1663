"""What a rendered card is, as the site and the feeds see it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    slug: str  # the entry's slug
    format: str  # "og", "square", "portrait" or "story"
    path: str  # site-relative, e.g. "cards/<slug>/og.png"
    width: int
    height: int
    mime: str  # "image/png" or "image/jpeg"
    size: int  # bytes of the file as published
    alt: str  # alt text (title, excerpt, date), at most 1,500 characters
    preview: str = ""  # a small JPEG of the card for pages (thumbnails), site-relative
    preview_width: int = 0
    preview_height: int = 0
