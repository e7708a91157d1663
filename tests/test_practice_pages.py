"""The practice pages in a built site: menu entries, an unlisted write page, German words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parent.parent

CONFIG = """\
site_name: Kleine Glimmer
site_url: https://example.org/journal/
theme:
  name: material
  language: {language}
  font: false
plugins:
  - glimmer:
      card_formats: [og]
      cache_dir: {cache}
{extra}
"""


@pytest.fixture(scope="module")
def card_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("card-cache")


def build(root: Path, cache: Path, language: str = "en", extra: str = "",
          strict: bool = True) -> subprocess.CompletedProcess:
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    for name, title, day in (("2025-11-03-reif.md", "Reif auf dem Tor", "2025-11-03"),
                             ("2026-11-03-nebel.md", "Sonne durch den Nebel", "2026-11-03"),
                             ("2026-11-03-lied.md", "Ein altes Lied", "2026-11-03 18:00")):
        (root / "entries" / name).write_text(f"---\ntitle: {title}\ndate: {day}\n---\nGut.\n")
    (root / "mkdocs.yml").write_text(CONFIG.format(
        language=language, cache=json.dumps(str(cache)), extra=extra))
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []),
         "-d", str(root / "site")], cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def page(root: Path, path: str):
    return lxml_html.parse(str(root / "site" / path / "index.html"))


def nav(root: Path) -> list[str]:
    return [" ".join(a.text_content().split())
            for a in page(root, ".").xpath("//nav[contains(@class,'md-nav--primary')]//a")]


def test_a_german_journal_reads_its_practice_pages_in_german(tmp_path, card_cache):
    done = build(tmp_path, card_cache, "de", "      write_link: true\n"
                 "      write_repo: https://github.com/anna/glimmer")
    assert done.returncode == 0, done.stderr
    assert {"An diesem Tag", "Ein ruhiges Jahr", "Einen Glimmer schreiben"} <= set(nav(tmp_path))
    year = page(tmp_path, "year/2026")
    assert year.xpath("//h1")[0].text_content() == "2026, sanft erhellt"
    assert year.xpath("//table//a/@aria-label") == ["3. November 2026: 2 Glimmer"]
    # Monday first, as German calendars are.
    assert year.xpath("//table[1]//th")[0].text_content() == "Mo."
    otd = page(tmp_path, "on-this-day")
    assert "Alle Tage des Jahres" in otd.xpath("//article")[0].text_content()
    assert "3. November" in otd.xpath("//article")[0].text_content()
    index = json.loads((tmp_path / "site" / "on-this-day" / "days.json").read_text())
    assert [(e["title"], e["year"]) for e in index["11-03"]] == [
        ("Ein altes Lied", 2026), ("Sonne durch den Nebel", 2026), ("Reif auf dem Tor", 2025)]


def test_an_unlisted_write_page_is_built_but_not_in_the_menu(tmp_path, card_cache):
    done = build(tmp_path, card_cache, extra="      write_link: unlisted\n"
                 "      write_repo: https://github.com/anna/glimmer")
    assert done.returncode == 0, done.stderr
    assert "Write a glimmer" not in nav(tmp_path)
    write = page(tmp_path, "write")
    assert write.xpath("//meta[@name='robots']/@content") == ["noindex"]
    href = write.xpath("//a[@id='glimmer-write']/@href")[0]
    assert href.startswith("https://github.com/anna/glimmer/new/main?filename=entries/")


def test_without_the_option_there_is_no_write_page(tmp_path, card_cache):
    assert build(tmp_path, card_cache).returncode == 0
    assert not (tmp_path / "site" / "write").exists()
    assert "Write a glimmer" not in nav(tmp_path)
    assert not (tmp_path / "site" / "buddies").exists()  # no buddies, no page
    assert (tmp_path / "site" / "follow.opml").is_file()


def test_a_write_link_without_a_github_repository_explains_itself(tmp_path, card_cache):
    done = build(tmp_path, card_cache, extra="      write_link: true", strict=False)
    assert done.returncode == 0, done.stderr
    assert "write_repo" in done.stderr  # a warning naming the setting to add
    text = page(tmp_path, "write").xpath("//article")[0].text_content()
    assert "Set write_repo (or repo_url) in mkdocs.yml" in text
    assert not page(tmp_path, "write").xpath("//a[@id='glimmer-write']")
