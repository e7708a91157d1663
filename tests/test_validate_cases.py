"""Golden files: every fixture in tests/validate/cases/<case>.md has a sibling <case>.txt
holding exactly what `glimmer validate` says about it. For an accepted entry (`ok-*`) the
file then pins what would be *published*: each field's value as loaded, in JSON, so a
`title: yes` that came out as "True" shows up in the diff.

Regenerate after an intended change with:  GLIMMER_REGOLD=1 pytest tests/test_validate_cases.py
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from glimmer_publish.entries import Entry, load_entry
from glimmer_publish.problems import render
from glimmer_publish.settings import Settings

CASES = Path(__file__).parent / "validate" / "cases"
SETTINGS = Settings(repo_root=CASES, entries_dir=CASES)


def _message(case: Path) -> str:
    entry, problems = load_entry(case, SETTINGS)
    said = render(problems, "text")
    if entry is None:
        return said
    return "\n".join(filter(None, [said, f"{case.name}: accepted", *_published(entry)]))


def _published(entry: Entry) -> list[str]:
    """The loaded value of every field the writer gave, as JSON (strings stay quoted)."""
    stamp = entry.date.isoformat() if entry.has_time else entry.date.date().isoformat()
    fields = {
        "title": entry.title, "date": stamp, "tags": list(entry.tags), "where": entry.where,
        "felt": entry.felt, "author": entry.author, "photo_alt": entry.photo_alt,
        "card.excerpt": entry.card.excerpt, "card.palette": entry.card.palette,
        "lang": entry.lang, "draft": entry.draft, "private": entry.private,
        "updated": entry.updated.isoformat() if entry.updated else None,
    }
    return [f"  {key}: {json.dumps(value, ensure_ascii=False)}"
            for key, value in fields.items() if value not in (None, [])]


@pytest.mark.parametrize("case", sorted(CASES.glob("*.md")), ids=lambda p: p.stem)
def test_validator_message_matches_golden_file(case: Path) -> None:
    expected_file = case.with_suffix(".txt")
    got = _message(case)
    if os.environ.get("GLIMMER_REGOLD"):
        expected_file.write_text(got + ("\n" if got else ""), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").rstrip("\n")
    assert got == expected
    if case.stem.startswith("ok-"):
        assert f"\n{case.name}: accepted" in f"\n{got}", "ok-* cases must be valid"
        assert ": error: " not in got
    else:
        assert got.startswith(f"{case.name}:"), "every problem names the file, line and column"


def test_the_tests_readme_lists_every_case_with_its_outcome() -> None:
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        if line.startswith("| `"):
            name, outcome = (cell.strip() for cell in line.strip("|").split("|", 1))
            rows[name.strip("`")] = outcome
    cases = {p.stem for p in CASES.glob("*.md")}
    assert set(rows) == cases
    for name, outcome in rows.items():
        assert (outcome == "accepted") == name.startswith("ok-"), name
        if outcome != "accepted":
            first = (CASES / f"{name}.txt").read_text(encoding="utf-8").splitlines()[0]
            assert first.endswith(outcome.removeprefix("error: ").replace("\\|", "|")), name
