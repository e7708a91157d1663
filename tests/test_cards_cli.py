"""`glimmer cards`: renders, reports, caches, and makes a contact sheet."""

from __future__ import annotations

import pytest
from PIL import Image

from glimmer_publish.cli import main


@pytest.fixture
def site(journal):
    (journal.root / "mkdocs.yml").write_text(
        "site_name: Small Glimmers\nsite_url: https://example.org/\n"
        "plugins:\n  - glimmer:\n      card_formats: [og, square]\n", encoding="utf-8")
    journal.entry("2026-03-14-kettle.md", "Sun on the kettle", where="Kitchen")
    journal.entry("2026-03-15-rain.md", "Rain on the skylight")
    return journal


def run(site, *args: str) -> int:
    return main(["--config", str(site.root / "mkdocs.yml"), "cards", *args])


def test_cards_renders_every_format_then_reuses_the_cache(site, capsys, monkeypatch):
    monkeypatch.setenv("CI", "true")  # plain progress lines, as in a CI log
    out = site.root / "preview"
    assert run(site, "--out", str(out), "--workers", "1") == 0
    err = capsys.readouterr().err
    assert "cards: 4/4" in err and "4 rendered, 0 from cache, 0 failed" in err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == [
        "cards/2026-03-14-kettle/og.jpg", "cards/2026-03-14-kettle/square.jpg",
        "cards/2026-03-15-rain/og.jpg", "cards/2026-03-15-rain/square.jpg",
        "thumbs/2026-03-14-kettle/og.jpg", "thumbs/2026-03-14-kettle/square.jpg",
        "thumbs/2026-03-15-rain/og.jpg", "thumbs/2026-03-15-rain/square.jpg"]
    assert run(site, "--out", str(out)) == 0
    assert "0 rendered, 4 from cache, 0 failed" in capsys.readouterr().err


def test_cards_for_one_slug_and_format(site, capsys):
    out = site.root / "preview"
    assert run(site, "kettle", "--format", "og", "--out", str(out)) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jpg")) == [
        "cards/2026-03-14-kettle/og.jpg", "thumbs/2026-03-14-kettle/og.jpg"]
    assert "1 rendered" in capsys.readouterr().err


def test_an_unknown_slug_is_a_usage_error_with_a_suggestion(site, capsys):
    assert run(site, "2026-03-14-kettel", "--out", str(site.root / "preview")) == 2
    err = capsys.readouterr().err
    assert "no published glimmer '2026-03-14-kettel'" in err and "2026-03-14-kettle" in err
    assert not (site.root / "preview").exists()


def test_sheet_writes_one_contact_sheet_of_all_formats(site, capsys):
    out = site.root / "preview"
    assert run(site, "--sheet", "2026-03-15-rain", "--out", str(out)) == 0
    sheet = out / "sheets" / "2026-03-15-rain.png"
    assert capsys.readouterr().out.strip() == str(sheet)
    with Image.open(sheet) as im:
        assert im.width > im.height > 300  # og and square side by side


def test_default_output_folder_is_not_the_site(site, monkeypatch):
    monkeypatch.chdir(site.root)
    assert run(site, "--format", "og") == 0
    assert (site.root / "card-preview" / "cards" / "2026-03-15-rain" / "og.jpg").is_file()
    assert not (site.root / "site").exists()
