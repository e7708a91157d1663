"""The named colour palettes shared by cards and the site theme.

Names are part of the entry format (`card: {palette: dusk}`), so the loader validates
against this list; the colours themselves may be tuned freely.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    name: str
    dark: bool
    background: str  # base colour of the card
    glow: str  # soft light that rises from one corner
    text: str  # title and body
    muted: str  # date, place, site name
    accent: str  # the glimmer motif


PALETTES: dict[str, Palette] = {
    p.name: p
    for p in (
        Palette("dawn", False, "#FBF3E6", "#F6D9B8", "#3A2A1E", "#6B5140", "#B06428"),
        Palette("meadow", False, "#EEF4E6", "#D5E8C2", "#22331F", "#4A5E43", "#5C8A3A"),
        Palette("tide", False, "#E9F2F4", "#C9E1E7", "#1B3038", "#44606A", "#2F7F94"),
        Palette("blossom", False, "#FBEEF0", "#F5D3DA", "#3B2227", "#6E4A52", "#B5536A"),
        Palette("dusk", True, "#2A2340", "#4A3A66", "#F6EEE3", "#D6CBE4", "#F2B880"),
        Palette("night", True, "#14202E", "#233A52", "#EEF2F6", "#BFCADA", "#F5D38A"),
        Palette("ember", True, "#2E1E1A", "#5A3426", "#FAEEE6", "#E2CBBE", "#F0A46C"),
        Palette("moss", True, "#1C2A22", "#2F4A3A", "#EFF5EE", "#C5D6C8", "#B9D98A"),
    )
}

PALETTE_NAMES: tuple[str, ...] = tuple(PALETTES)


def rgb(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' as a tuple of 0–255 channels."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str | tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    channels = rgb(colour) if isinstance(colour, str) else colour

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    """WCAG contrast ratio (1–21) between two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
