"""Page previews: the card itself, scaled down, whatever was drawn on it and wherever.

A preview is made from the card's glow reduced once per palette and format plus the areas
drawn on it; these tests compare it with a plain reduction of the whole card, so anything
drawn that the preview left out (a sparkle, the divider, an emoji, a line of text) fails.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from glimmer_publish.cards.design import (
    FORMATS,
    PHOTO_COLOURS,
    CardText,
    colours_for,
    draw_card,
    layout_card,
    reduced,
)
from glimmer_publish.cards.render import encode_preview, preview_size
from glimmer_publish.palettes import PALETTES

TEXTS = [
    CardText("Birds before the alarm", "I woke a few minutes before the alarm and lay still. "
             "A blackbird sang on the gutter.", "2 June 2026 · Bedroom window", "Small Glimmers"),
    CardText("Sunlight on the kettle ☕ and tea 🍵", "", "20 November 2026", "Golden Journal"),
    CardText("ياسمين في المساء", "The jasmine by the door opened all at once.",
             "21 November 2026", "Small Glimmers", lang="ar"),
    CardText("A stranger held the door and waited although she was in a hurry herself, smiling "
             "at everyone", "Small things, all day long. " * 12, "23 November 2026",
             "Small Glimmers"),
]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_preview_is_the_whole_card_reduced(fmt):
    f = FORMATS[fmt]
    k = max(1, max(f.width, f.height) // 480)
    for i, text in enumerate(TEXTS):
        palette = list(PALETTES.values())[i * 3 % len(PALETTES)]
        img = draw_card(layout_card(text, f), colours_for(palette), None, seed=i * 5)
        assert img.reduce(k).tobytes() == reduced(img, k).tobytes(), (fmt, text.title)
        preview = Image.open(io.BytesIO(encode_preview(img)))
        assert preview.format == "JPEG" and preview.size == preview_size(f.width, f.height)


def test_a_card_drawn_on_afterwards_or_copied_is_reduced_whole():
    """What the preview knows of a card belongs to that image object only."""
    f = FORMATS["square"]
    text = TEXTS[0]
    img = draw_card(layout_card(text, f), colours_for(next(iter(PALETTES.values()))))
    copy = img.copy()
    ImageDraw.Draw(copy).rectangle((500, 500, 600, 600), fill="red")
    assert reduced(copy, 2).tobytes() == copy.reduce(2).tobytes()
    photo = Image.linear_gradient("L").resize((f.width, f.height)).convert("RGB")
    over_photo = draw_card(layout_card(text, f), PHOTO_COLOURS, photo)
    assert reduced(over_photo, 2).tobytes() == over_photo.reduce(2).tobytes()


def test_glows_kept_stay_within_their_bound_and_a_glow_made_again_is_the_same():
    """A worker keeps at most `GLOW_BYTES` of backgrounds a format (issue 14: every palette
    in every format held about 150 MB per worker), and a card drawn after its palette's glow
    was dropped and made again has exactly the pixels and the preview it had before."""
    from glimmer_publish.cards import design

    design._glows.clear()
    text = TEXTS[0]
    palettes = list(PALETTES.values())
    first = {}
    for fmt in ("og", "story"):
        f = FORMATS[fmt]
        for palette in palettes:
            img = draw_card(layout_card(text, f), colours_for(palette), None, seed=3)
            if palette is palettes[0]:
                first[fmt] = (img.tobytes(), reduced(img, 2).tobytes())
            reduced(img, 2)
            assert design._glows.bytes(f) <= design.GLOW_BYTES
        assert (f, colours_for(palettes[0]), 1) not in design._glows.kept  # it was dropped
    assert len(palettes) >= 4 and design._glows.bytes() <= 2 * design.GLOW_BYTES
    for fmt, (pixels, preview) in first.items():
        img = draw_card(layout_card(text, FORMATS[fmt]), colours_for(palettes[0]), None, seed=3)
        assert img.tobytes() == pixels and reduced(img, 2).tobytes() == preview
