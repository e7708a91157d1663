"""`glimmer validate` and `glimmer new` as a writer meets them: exit codes, formats, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from glimmer_publish.cli import main

MKDOCS_YML = "site_name: Test\nsite_url: https://example.org/\nplugins:\n  - glimmer:\n" \
             "      timezone: Europe/Paris\n"


@pytest.fixture
def repo(journal, monkeypatch):
    (journal.root / "mkdocs.yml").write_text(MKDOCS_YML)
    monkeypatch.chdir(journal.root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return journal


def test_clean_journal_exits_0(repo, capsys):
    repo.entry("a.md")
    assert main(["validate"]) == 0
    assert "1 file checked, all good" in capsys.readouterr().err


def test_problems_exit_1_and_are_all_listed(repo, capsys):
    repo.entry("a.md", date="2026-02-30")
    repo.write("b.md", "---\ntilte: x\ndate: 2026-01-01\n---\n")
    assert main(["validate"]) == 1
    out = capsys.readouterr()
    assert "entries/a.md:3:7: error: date: '2026-02-30' is not a day of the calendar" in out.out
    assert "hint: February 2026 has 28 days" in out.out
    assert "entries/b.md:2:1: error: tilte: unknown field 'tilte'" in out.out
    assert "did you mean `title`?" in out.out
    assert "2 problems in 2 of 2 files" in out.err


def test_missing_path_is_a_usage_error(repo):
    assert main(["validate", "nope.md"]) == 2


def test_bad_option_is_a_usage_error(repo):
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--format", "xml"])
    assert exc.value.code == 2


def test_missing_config_is_a_usage_error(repo, capsys):
    assert main(["--config", "missing.yml", "validate"]) == 2
    assert "missing.yml: no such file" in capsys.readouterr().err


def test_validate_only_the_named_paths(repo):
    good = repo.entry("good.md")
    repo.entry("bad.md", date="nope")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(repo.entries_dir)]) == 1


def test_github_format_is_chosen_inside_actions(repo, capsys, monkeypatch):
    repo.entry("a.md", draft='"yes"')
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["validate"]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error file=entries/a.md,line=4,col=8,title=glimmer draft::")
    assert "draft: 'draft' should be true or false" in line


def test_json_format_is_machine_readable(repo, capsys):
    repo.entry("a.md", tags='"a, b"')
    assert main(["validate", "--format", "json"]) == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert item["path"] == "entries/a.md" and item["field"] == "tags" and item["line"] == 4
    assert item["hint"] == "write  tags: [a, b]"


def test_json_format_for_a_clean_journal_is_an_empty_list(repo, capsys):
    repo.entry("a.md")
    assert main(["validate", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_no_traceback_for_any_bad_case_through_the_real_command(repo):
    cases = Path(__file__).parent / "validate" / "cases"
    result = subprocess.run(
        [sys.executable, "-m", "glimmer_publish.cli", "validate", str(cases)],
        capture_output=True, text=True, cwd=repo.root, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "problems in" in result.stderr


def test_new_writes_a_valid_entry_with_todays_date(repo, capsys):
    assert main(["new", "Sunlight on the kettle: again", "--tags", "light,Home",
                 "--where", "Kitchen", "--felt", "Warm hands", "--body", "Steam rose."]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent.parent == repo.entries_dir and path.name.endswith(
        "-sunlight-on-the-kettle-again.md")
    assert main(["validate", str(path)]) == 0
    from glimmer_publish.entries import load_journal
    from glimmer_publish.settings import load_settings

    (entry,) = load_journal(load_settings(repo.root / "mkdocs.yml")).entries
    assert entry.title == "Sunlight on the kettle: again"
    assert entry.tags == ("light", "home") and entry.where == "Kitchen"
    assert entry.has_time and str(entry.date.tzinfo) == "Europe/Paris"


def test_new_never_overwrites(repo, capsys):
    assert main(["new", "Birds", "--body", "First."]) == 0
    first = Path(capsys.readouterr().out.strip())
    assert main(["new", "Birds", "--body", "Second."]) == 0
    second = Path(capsys.readouterr().out.strip())
    assert first != second and "First." in first.read_text() and "Second." in second.read_text()


def test_new_refuses_an_overlong_title_without_leaving_a_file(repo, capsys):
    assert main(["new", "x" * 200]) == 1
    assert "at most 120" in capsys.readouterr().err
    assert list(repo.entries_dir.rglob("*.md")) == []


def test_new_avoids_an_address_already_used_in_another_folder(repo, capsys):
    from datetime import datetime

    from glimmer_publish.settings import load_settings

    today = datetime.now(load_settings(repo.root / "mkdocs.yml").tz)
    repo.entry(f"old/{today:%Y-%m-%d}-birds.md")
    assert main(["new", "Birds", "--body", "Two of them."]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.name == f"{today:%Y-%m-%d}-birds-2.md"
    assert main(["validate"]) == 0


def test_an_unedited_new_glimmer_is_refused_kindly_until_the_writer_replaces_the_prompt(
        repo, capsys):
    assert main(["new", "Birds"]) == 0
    path = Path(capsys.readouterr().out.strip())
    source = path.relative_to(repo.root).as_posix()
    prompt_line = path.read_text(encoding="utf-8").splitlines().index(
        "What did you notice? Where did you feel it? A sentence or two is plenty.") + 1
    assert main(["validate"]) == 1
    said = capsys.readouterr().out
    assert said.startswith(f"{source}:{prompt_line}:1: error: body: this is still the example "
                           "text from `glimmer new`\n  hint: replace it with what you noticed")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("What did you notice?", "Two blackbirds. What did you notice?"),
                    encoding="utf-8")
    assert main(["validate"]) == 1
    assert "hint: delete the example sentence" in capsys.readouterr().out
    path.write_text(text.split("---\n")[0] + "---\n" + text.split("---\n")[1]
                    + "---\nTwo blackbirds on the fence.\n", encoding="utf-8")
    assert main(["validate"]) == 0


def test_a_file_name_date_that_disagrees_with_date_is_a_warning_not_a_failure(repo, capsys):
    repo.entry("2026/2026-03-15-kettle.md", date="2026-03-14 23:30")
    repo.entry("2026/2026-03-14-same-day.md", date="2026-03-14T23:30:00-09:00")
    repo.entry("2026/2026-03-20-plain.md", date="2026-03-20")
    assert main(["validate"]) == 0
    out = capsys.readouterr()
    assert out.out == ("entries/2026/2026-03-15-kettle.md:3:7: warning: date: the file name "
                       "says 2026-03-15 but 'date' is 2026-03-14\n  hint: correct whichever "
                       "is wrong; the glimmer's address comes from the file name, so renaming "
                       "a published one changes its address\n")
    assert "3 files checked, all good" in out.err and "1 warning" in out.err
    assert main(["validate", "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith(
        "::warning file=entries/2026/2026-03-15-kettle.md,line=3,col=7,")
