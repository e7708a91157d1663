"""Digests of what is installed, light enough for the no-change check of `glimmer build`."""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def installed_digest() -> str:
    """Every installed distribution and its version (MkDocs, Material, Markdown extensions,
    any other plugin), read from the names of their metadata folders (`name-1.2.dist-info`)
    rather than from the files inside, which is slow: an upgrade draws every page again."""
    names = []
    for folder in sys.path:
        try:
            names += [n for n in os.listdir(folder or ".")
                      if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth"))]
        except OSError:
            continue
    return digest(*sorted(names))
