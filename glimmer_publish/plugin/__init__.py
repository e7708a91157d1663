"""The `glimmer` MkDocs plugin: a thin adapter between MkDocs and the glimmer core."""

from .plugin import GlimmerPlugin

__all__ = ["GlimmerPlugin"]
