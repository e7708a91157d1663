""""Also on Bluesky · Mastodon": the posts of a glimmer, for its page (and feeds).

The build reads the state the syndicate job keeps, copied into the cache beforehand
(`glimmer syndicate --fetch-state`); without that file, pages simply have no such line.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from .state import STATE_FILE, read_state_file

NAMES = {"bluesky": "Bluesky", "mastodon": "Mastodon"}


def posts_by_slug(cache_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """slug -> [(network name, post URL)], in a fixed order; only web addresses pass."""
    state = read_state_file(cache_dir / STATE_FILE)
    if state is None:
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for slug, targets in state.posts.items():
        for target in NAMES:
            url = (targets.get(target) or {}).get("url", "")
            if urlsplit(url).scheme in ("https", "http"):
                out.setdefault(slug, []).append((NAMES[target], url))
    return out

