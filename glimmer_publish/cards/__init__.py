"""Image cards for sharing: every glimmer in every format, rendered with Pillow."""

from .content import card_alt
from .model import Card
from .render import CardsResult, render_cards

__all__ = ["Card", "CardsResult", "card_alt", "render_cards"]
