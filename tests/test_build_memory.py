"""What a build lets go of: at N = 10,000 every few hundred bytes kept per page is megabytes.

These check, on a real MkDocs build, that the structures which once held most of a build's
memory are released once they have done their work (see BENCHMARKS.md, memory)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from test_site_build import config_text

from glimmer_publish.plugin.plugin import DataFile, PageFile

REPO = Path(__file__).resolve().parent.parent

def _journal(journal) -> Path:
    root = journal.root
    (root / "mkdocs.yml").write_text(config_text(root / ".cache"), "utf-8")
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "docs").mkdir()
    journal.entry("2026-03-14-kettle.md", "Sun on the kettle", "2026-03-14",
                  "Steam and light. It stayed a while.", tags=["home", "light"])
    journal.entry("2026-03-15-crow.md", "A crow said hello", "2026-03-15", "Caw, it said.",
                  tags=["home"])
    journal.entry("2026-03-16-moss.md", "Moss on the wall", "2026-03-16", "Soft and green.")
    return root / "mkdocs.yml"


def _built(journal, dirty: bool):
    root = _journal(journal).parent
    config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command="build", dirty=dirty)
    try:
        build(config, dirty=dirty)
    finally:
        config.plugins.on_shutdown()
    return config.plugins["glimmer"]


def test_written_pages_keep_neither_their_text_nor_their_source(journal):
    plugin = _built(journal, dirty=True)
    files = list(plugin.page_files.values())
    written = [f for f in files if f.page is not None and f.reuse is None]
    assert len(written) > 10 and all(isinstance(f, PageFile) for f in written)
    for file in written:
        page = file.page
        assert page.content is None and page.markdown is None, file.src_uri
        assert file._made is None and file.make is None, file.src_uri  # the front matter
    # what each page was drawn from (listings' views, a year's days) went with it
    assert plugin.sources == {}
    # MkDocs' per-page anchors and links to check: empty, so one shared object for all
    assert len({id(f.page.present_anchor_ids) for f in written}) == 1
    assert len({id(f.page.links_to_anchors) for f in written}) == 1
    assert (journal.root / "site" / "glimmers" / "2026-03-14-kettle" / "index.html").is_file()


def test_feeds_and_data_files_let_go_of_their_bytes_once_written(journal, monkeypatch):
    data: list[DataFile] = []
    copy = DataFile.copy_file

    def copy_and_keep(self, dirty=False):
        data.append(self)
        copy(self, dirty)

    monkeypatch.setattr(DataFile, "copy_file", copy_and_keep)
    _built(journal, dirty=False)  # a plain `mkdocs build`, too
    names = {f.src_uri for f in data}
    assert {"feed.xml", "atom.xml", "feed.json", "on-this-day/days.json"} <= names
    assert all(f._content is None for f in data), [f.src_uri for f in data if f._content]
    site = journal.root / "site"
    assert b"<rss" in (site / "feed.xml").read_bytes()
    assert json.loads((site / "on-this-day" / "days.json").read_text("utf-8"))


def test_an_entry_gains_no_attribute_when_its_excerpt_is_made(journal):
    # An attribute added after the fact (as functools.cached_property adds the excerpt and
    # the plain text) gives an entry a dict of its own instead of the shared-key one every
    # entry has: 1.3 kB more per entry, 13 MB at N = 10,000.
    from glimmer_publish.entries import load_journal
    from glimmer_publish.settings import load_settings

    entries = load_journal(load_settings(_journal(journal))).entries
    before = [list(vars(e)) for e in entries]
    kettle = next(e for e in entries if e.slug == "2026-03-14-kettle")
    assert kettle.excerpt == "Steam and light. It stayed a while."
    assert [e.excerpt for e in entries] and [e.body_text for e in entries]  # as a build asks
    assert [list(vars(e)) for e in entries] == before
    copy = dataclasses.replace(kettle, title="Sun on the kettle, again")
    assert copy.excerpt == kettle.excerpt and list(vars(copy)) == before[0]
