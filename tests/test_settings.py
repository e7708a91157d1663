"""mkdocs.yml options reach the core the same way through the CLI and the plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from glimmer_publish.plugin.config import GlimmerConfig
from glimmer_publish.settings import SettingsError, load_settings, settings_from_config

OPTIONS = {"timezone": "Asia/Tokyo", "card_formats": ["og"], "feed_items": 7,
           "handle": "@me@example.social", "journal_id": "my-journal", "entries_dir": "notes"}


def test_every_plugin_option_is_declared_so_mkdocs_does_not_warn(tmp_path):
    (tmp_path / "notes").mkdir()
    config = GlimmerConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict(dict(OPTIONS, page_size=5, cache_dir=".cache/x"))
    errors, warnings = config.validate()
    assert errors == [] and warnings == []


def test_options_become_settings(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: S\nsite_url: https://example.org/\ntheme:\n  name: material\n  language: de\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.x\n"
        "plugins:\n  - search\n  - glimmer:\n"
        + "".join(f"      {k}: {v!r}\n" for k, v in OPTIONS.items()))
    s = load_settings(tmp_path / "mkdocs.yml")
    assert (s.timezone, s.card_formats, s.feed_items, s.handle, s.journal_id, s.language) == (
        "Asia/Tokyo", ("og",), 7, "@me@example.social", "my-journal", "de")
    assert s.entries_dir == tmp_path.resolve() / "notes"


def test_journal_id_changes_feed_ids_and_nothing_else_does(journal):
    from dataclasses import replace

    from glimmer_publish.entries import load_journal
    from glimmer_publish.feeds import entry_id

    journal.entry("a.md")
    (entry,) = load_journal(journal.settings).entries
    moved = replace(entry, title="New title", body="New body")
    assert entry_id(entry, "glimmer") == entry_id(moved, "glimmer")
    assert entry_id(entry, "glimmer") != entry_id(entry, "my-journal")


@pytest.mark.parametrize(("options", "message"), [
    ({"timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
    ({"card_formats": ["og", "poster"]}, "unknown format 'poster'"),
])
def test_bad_settings_say_what_to_write(options, message):
    with pytest.raises(SettingsError, match=message):
        settings_from_config({}, options, Path("."))
