"""Image cards for sharing: every glimmer in every format, rendered with Pillow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .content import card_alt
    from .model import Card
    from .render import CardsResult, render_cards

__all__ = ["Card", "CardsResult", "card_alt", "render_cards"]

# Imported when first asked for: checking a card's text (cards.drawable, cards.fonts) must not
# load the renderer and its image libraries.
_HOME = {"Card": "model", "CardsResult": "render", "card_alt": "content",
         "render_cards": "render"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
