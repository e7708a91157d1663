"""The `glimmer` MkDocs plugin: a thin adapter between MkDocs and the glimmer core.

The plugin class is imported on first use, so `glimmer validate` can check options with
`plugin.config` without loading the whole site machinery."""

from __future__ import annotations

from typing import Any

__all__ = ["GlimmerPlugin"]


def __getattr__(name: str) -> Any:
    if name == "GlimmerPlugin":
        from .plugin import GlimmerPlugin

        return GlimmerPlugin
    raise AttributeError(name)
