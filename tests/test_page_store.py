"""The stored pages: a preview and a build keep their own index, and neither loses the
other's pages, so switching between `glimmer serve` and `glimmer build` draws nothing again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from glimmer_publish.plugin.page_cache import PageStore


def _build(cache: Path, pages: dict[str, bytes], preview: bool = False) -> PageStore:
    """One build's use of the store: each page reused if stored, else put."""
    store = PageStore(cache, preview=preview)
    for key, html in pages.items():
        if not store.has(key, with_search=False):
            store.put(key, html)
        store.used.add(key)
    store.save()
    return store


def test_a_preview_does_not_replace_the_builds_index(tmp_path):
    build = {"home": b"<p>home</p>", "entry": b"<p>entry</p>"}
    _build(tmp_path, build)
    # the preview's pages differ (drafts shown, another address), with keys of their own
    _build(tmp_path, {"home-preview": b"<p>home, drafts</p>"}, preview=True)
    store = PageStore(tmp_path)
    assert all(store.has(key, with_search=False) for key in build)
    assert not store.has("home-preview", with_search=False)
    assert PageStore(tmp_path, preview=True).has("home-preview", with_search=False)


def test_a_builds_pruning_keeps_the_last_previews_pages(tmp_path):
    _build(tmp_path, {"home-preview": b"<p>home, drafts</p>"}, preview=True)
    _build(tmp_path, {"old": b"<p>old</p>"})
    later = time.time() + 10
    for path in (tmp_path / "pages").iterdir():  # written "before" the next build started
        os.utime(path, (later - 20, later - 20))
    store = _build(tmp_path, {"home": b"<p>home</p>"})
    assert store.prune(later) == 1  # the old build page, not the preview's
    assert PageStore(tmp_path, preview=True).has("home-preview", with_search=False)
    assert not PageStore(tmp_path).has("old", with_search=False)


def test_a_stored_page_deleted_behind_the_stores_back_is_drawn_again(tmp_path):
    _build(tmp_path, {"home": b"<p>home</p>"})
    for path in (tmp_path / "pages").glob("*.html"):
        path.unlink()
    assert not PageStore(tmp_path).has("home", with_search=False)
