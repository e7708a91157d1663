"""The loader: what becomes an Entry, what is hidden, and how problems are gathered."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from glimmer_publish.entries import find_entry_files, load_journal, slugify


def test_sample_journal_loads_clean_and_hides_draft_and_private():
    from pathlib import Path

    from glimmer_publish.settings import load_settings

    settings = load_settings(Path(__file__).resolve().parent.parent / "mkdocs.yml")
    journal = load_journal(settings)
    assert journal.problems == []
    assert 12 <= journal.checked <= 20
    assert journal.hidden == 2
    assert not any(e.draft or e.private for e in journal.entries)
    with_drafts = load_journal(settings, include_drafts=True)
    assert any(e.draft for e in with_drafts.entries)
    assert not any(e.private for e in with_drafts.entries)


def test_entries_come_newest_first(journal):
    journal.entry("a.md", date="2026-01-02")
    journal.entry("b.md", date="2026-03-01 08:00")
    journal.entry("c.md", date="2025-12-31")
    got = load_journal(journal.settings).entries
    assert [e.slug for e in got] == ["b", "a", "c"]


def test_private_entry_is_never_returned_even_with_drafts(journal):
    journal.entry("secret.md", private="true")
    journal.entry("draft.md", draft="true")
    assert load_journal(journal.settings).entries == []
    previewed = load_journal(journal.settings, include_drafts=True).entries
    assert [e.slug for e in previewed] == ["draft"]


def test_slug_comes_from_the_file_name_not_the_folder_or_title(journal):
    journal.entry("2026/03/2026-03-14-Sun on the Kettle.md", title="Something else")
    (entry,) = load_journal(journal.settings).entries
    assert entry.slug == "2026-03-14-sun-on-the-kettle"
    assert entry.url == "glimmers/2026-03-14-sun-on-the-kettle/"
    assert entry.source == "entries/2026/03/2026-03-14-Sun on the Kettle.md"


def test_slug_keeps_letters_of_any_script():
    assert slugify("2026-10-03-朝の光") == "2026-10-03-朝の光"
    assert slugify("Café au lait!") == "café-au-lait"
    assert slugify("don't_stop") == "dont-stop"


def test_two_files_with_the_same_slug_are_both_reported(journal):
    journal.entry("one/Sun.md")
    journal.entry("two/sun.md")
    result = load_journal(journal.settings)
    slugs = [p for p in result.problems if p.field == "slug"]
    assert {p.path for p in slugs} == {"entries/one/Sun.md", "entries/two/sun.md"}
    assert "also used by" in slugs[0].message


def test_all_problems_of_all_files_come_back_in_one_run(journal):
    journal.entry("a.md", date="2026-02-30")
    journal.entry("b.md", tags='"x, y"')
    journal.write("c.md", "no front matter\n")
    journal.entry("d.md")
    result = load_journal(journal.settings)
    assert {p.path for p in result.problems} == {"entries/a.md", "entries/b.md", "entries/c.md"}
    assert [e.slug for e in result.entries] == ["d"]
    assert not result.ok


def test_a_time_without_zone_is_read_in_the_site_timezone(tmp_path):
    from glimmer_testing import TmpJournal

    j = TmpJournal(tmp_path, timezone="America/New_York")
    j.entry("a.md", date="2026-07-01 08:30")
    j.entry("b.md", date="2026-07-01T08:30:00Z")
    j.entry("c.md", date="2026-07-01")
    by = {e.slug: e for e in load_journal(j.settings).entries}
    ny = ZoneInfo("America/New_York")
    assert by["a"].date == datetime(2026, 7, 1, 8, 30, tzinfo=ny)
    assert by["a"].date.utcoffset().total_seconds() == -4 * 3600
    assert by["b"].date == datetime(2026, 7, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert by["c"].date.date().isoformat() == by["c"].date_iso == "2026-07-01"
    assert not by["c"].has_time and by["a"].date_iso == "2026-07-01T08:30:00-04:00"
    assert by["a"].has_time


def test_tags_are_lower_cased_and_deduplicated(journal):
    journal.entry("a.md", tags=["Light", "light", "home"])
    (entry,) = load_journal(journal.settings).entries
    assert entry.tags == ("light", "home")


def test_readme_hidden_and_underscore_files_are_not_entries(journal):
    journal.entry("keep.md")
    journal.write("README.md", "# About this folder\n")
    journal.write("_template.md", "---\n---\n")
    journal.write(".hidden.md", "x")
    journal.write("notes.txt", "x")
    assert [p.name for p in find_entry_files(journal.entries_dir)] == ["keep.md"]


def test_a_photo_inside_the_repo_is_accepted_and_resolved(journal):
    from PIL import Image

    Image.new("RGB", (8, 8), "orange").save(journal.entries_dir / "kettle.jpg")
    journal.entry("a.md", photo="kettle.jpg", photo_alt="A blue kettle")
    (entry,) = load_journal(journal.settings).entries
    assert entry.photo == (journal.entries_dir / "kettle.jpg").resolve()
    assert entry.photo_alt == "A blue kettle"


def test_a_photo_link_that_escapes_the_repo_is_refused(journal, tmp_path_factory):
    from PIL import Image

    outside = tmp_path_factory.mktemp("outside") / "secret.jpg"
    Image.new("RGB", (8, 8)).save(outside)
    os.symlink(outside, journal.entries_dir / "link.jpg")
    journal.entry("a.md", photo="link.jpg", photo_alt="x")
    (problem,) = load_journal(journal.settings).problems
    assert problem.field == "photo" and "outside the repository" in problem.message


def test_an_entry_file_linked_from_outside_is_refused(journal, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.md"
    outside.write_text("---\ntitle: t\ndate: 2026-01-01\n---\n")
    os.symlink(outside, journal.entries_dir / "x.md")
    (problem,) = load_journal(journal.settings).problems
    assert "outside the repository" in problem.message


def test_windows_reserved_names_get_a_clear_error(journal):
    journal.entry("con.md")
    journal.entry("aux.draft.md")
    problems = load_journal(journal.settings).problems
    assert len(problems) == 2
    assert all("reserved file name on Windows" in p.message for p in problems)


def test_excerpt_is_the_first_sentences_as_plain_text(journal):
    body = "**Steam** rose from the [kettle](https://example.org). " + "More words here. " * 30
    journal.entry("a.md", body=body)
    (entry,) = load_journal(journal.settings).entries
    assert entry.excerpt.startswith("Steam rose from the kettle.")
    assert len(entry.excerpt) <= 200 and "*" not in entry.excerpt and "](" not in entry.excerpt


def test_card_options_are_read(journal):
    journal.write("a.md", "---\ntitle: t\ndate: 2026-01-01\ncard:\n  palette: night\n"
                  "  excerpt: Only this.\n---\n", dedent=False)
    (entry,) = load_journal(journal.settings).entries
    assert entry.card.palette == "night" and entry.card.excerpt == "Only this."


def test_digest_changes_when_the_file_changes(journal):
    path = journal.entry("a.md")
    first = load_journal(journal.settings).entries[0].digest
    path.write_text(path.read_text() + "More.\n")
    assert load_journal(journal.settings).entries[0].digest != first


def test_lang_is_read_as_typed_and_written_in_the_usual_case(journal):
    from glimmer_publish.entries import load_entry

    for typed, expected in [("no", "no"), ("pt-br", "pt-BR"), ("ZH-hant-tw", "zh-Hant-TW"),
                            ("es-419", "es-419"), ("sl-rozaj-biske", "sl-rozaj-biske"),
                            ("'en'", "en")]:
        entry, problems = load_entry(journal.entry("l.md", lang=typed), journal.settings)
        assert problems == [] and entry.lang == expected, typed
    entry, _ = load_entry(journal.entry("none.md"), journal.settings)
    assert entry.lang is None


def test_a_malformed_lang_names_its_line_and_shows_an_example(journal):
    from glimmer_publish.entries import load_entry

    for typed, hint in [("pt_BR", "pt-BR"), ("english", "zh-Hant-TW"), ("[en]", "lang: en")]:
        _, problems = load_entry(journal.entry("l.md", lang=typed), journal.settings)
        assert [(p.line, p.col, p.field) for p in problems] == [(4, 7, "lang")], typed
        assert hint in problems[0].hint


def test_spans_point_at_the_first_character_of_each_value(journal):
    import pickle

    from glimmer_publish.entries import load_entry

    text = ("---\n"
            "title: \"Sun: on the kettle\"\n"
            "date: 2026-03-14\n"
            "tags: [light, home, light,\n"
            "       steam]\n"
            "where:   Kitchen\n"
            "felt: |\n"
            "  warm hands\n"
            "author: 'Sam'\n"
            "photo: k.png\n"
            "photo_alt: Steam rising\n"
            "card:\n"
            "  excerpt: Just steam.\n"
            "---\n"
            "\n"
            "Steam and light.\n")
    (journal.entries_dir / "k.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    path = journal.write("s.md", text, dedent=False)
    entry, problems = load_entry(path, journal.settings)
    assert problems == []
    lines = text.split("\n")
    for key, value in [("title", "Sun"), ("where", "Kitchen"), ("felt", "warm"),
                       ("author", "Sam"), ("photo_alt", "Steam"), ("card.excerpt", "Just"),
                       ("tags.0", "light"), ("tags.1", "home"), ("tags.2", "steam"),
                       ("body", "Steam and light.")]:
        line, col = entry.spans[key]
        assert lines[line - 1][col - 1:].startswith(value), key
    assert "tags.3" not in entry.spans and "updated" not in entry.spans
    again = pickle.loads(pickle.dumps(entry))
    assert again == entry and again.spans == entry.spans and hash(again) == hash(entry)


@pytest.mark.parametrize("site_zone", ["Pacific/Honolulu", "UTC", "Pacific/Auckland"])
def test_a_date_only_glimmer_shows_its_written_day_to_readers_from_hawaii_to_new_zealand(
        tmp_path, site_zone):
    """A reader's app shows the published instant in the reader's zone: for a date-only
    glimmer that must be the day the writer wrote, west and east of the site alike."""
    import calendar
    import json
    from datetime import timedelta, timezone

    import feedparser
    from glimmer_testing import TmpJournal

    from glimmer_publish.feeds import build_feeds

    j = TmpJournal(tmp_path, timezone=site_zone)
    j.entry("2026-11-08-frost.md", date="2026-11-08")
    j.entry("2026-12-31-fireworks.md", date="2026-12-31")
    files = build_feeds(load_journal(j.settings).entries, j.settings)
    readers = [timezone(timedelta(hours=h)) for h in (-10, -5, 0, 5.5, 9, 12, 13)]
    published = {}
    for name in ("feed.xml", "atom.xml"):
        for item in feedparser.parse(files[name]).entries:
            published.setdefault(item.link, []).append(
                datetime.fromtimestamp(calendar.timegm(item.published_parsed), UTC))
    for item in json.loads(files["feed.json"])["items"]:
        published[item["url"]].append(datetime.fromisoformat(item["date_published"]))
    days = {link.split("/")[-2][:10]: stamps for link, stamps in published.items()}
    assert sorted(days) == ["2026-11-08", "2026-12-31"]
    for written, stamps in days.items():
        assert len(stamps) == 3
        for stamp in stamps:
            assert {stamp.astimezone(zone).date().isoformat() for zone in readers} == {written}


def test_updated_on_the_same_day_is_never_before_the_date_whichever_has_a_time(journal):
    from glimmer_publish.entries import load_entry

    for date, updated in [("2026-03-14", "2026-03-14 08:00"), ("2026-03-14 23:30", "2026-03-14"),
                          ("2026-03-14", "2026-03-14")]:
        entry, problems = load_entry(journal.entry("u.md", date=date, updated=updated),
                                     journal.settings)
        assert problems == [] and entry.updated >= entry.date, (date, updated)
    _, problems = load_entry(journal.entry("u.md", date="2026-03-14", updated="2026-03-13 23:00"),
                             journal.settings)
    assert [p.message for p in problems] == ["'updated' is before 'date'"]
