"""The package's theme and a journal's overrides: what a real `mkdocs build` uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

CONFIG = """\
site_name: Theme Test Journal
site_url: https://example.org/journal/
theme:
  name: material
  {custom}
  language: en
  font: false
plugins:
  - glimmer:
      card_formats: [og]
      cache_dir: {cache}
"""


@pytest.fixture(scope="module")
def card_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("theme-card-cache")


def build(journal, cache: Path, custom_dir: str | None = None) -> Path:
    custom = f"custom_dir: {custom_dir}" if custom_dir else ""
    (journal.root / "mkdocs.yml").write_text(
        CONFIG.format(custom=custom, cache=json.dumps(str(cache))), "utf-8")
    (journal.root / "docs").mkdir(exist_ok=True)
    journal.entry("2026-03-14-kettle.md", "Sun on the kettle", "2026-03-14", "Steam and light.")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=journal.root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return journal.root / "site"


def test_a_journal_without_a_theme_folder_gets_the_packaged_theme(journal, card_cache):
    site = build(journal, card_cache)
    css = (site / "assets" / "glimmer.css").read_text("utf-8")
    assert "literata" in css
    assert (site / "fonts" / "literata" / "literata-latin-wght-normal.woff2").stat().st_size > 1000
    not_found = lxml_html.fromstring((site / "404.html").read_bytes())
    assert not_found.xpath("//h1")[0].text_content() == "This page isn't here"
    entry = lxml_html.fromstring(
        (site / "glimmers" / "2026-03-14-kettle" / "index.html").read_bytes())
    assert entry.xpath("//meta[@property='og:image']")  # main.html's head block is ours


def test_a_file_in_custom_dir_replaces_the_packaged_one(journal, card_cache):
    theme = journal.root / "mine"
    (theme / "assets").mkdir(parents=True)
    (theme / "assets" / "glimmer.css").write_text("/* my own calm */\n", "utf-8")
    (theme / "404.html").write_text(
        '{% extends "main.html" %}{% block content %}<h1>Lost, gently</h1>{% endblock %}',
        "utf-8")
    site = build(journal, card_cache, custom_dir="mine")
    assert (site / "assets" / "glimmer.css").read_text("utf-8") == "/* my own calm */\n"
    assert (site / "assets" / "glimmer.js").is_file()  # what it doesn't replace still comes
    not_found = lxml_html.fromstring((site / "404.html").read_bytes())
    assert not_found.xpath("//h1")[0].text_content() == "Lost, gently"
    # ...and its 404 still extends our main.html, so feeds stay discoverable there.
    assert not_found.xpath("//link[@type='application/atom+xml']")
