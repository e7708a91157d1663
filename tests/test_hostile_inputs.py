"""Hostile inputs too big or too strange to keep as fixture files: each gets a clear error or
a safe result, quickly, and never a traceback (see the table in tests/README.md)."""

from __future__ import annotations

import os
import time

import pytest

from glimmer_publish.entries import load_journal

FRONT = "---\ntitle: Sun\ndate: 2026-03-14\n"


def _only_problem(journal, *, within: float = 2.0):
    start = time.process_time()  # CPU: a bomb burns it; a busy machine does not add to it
    result = load_journal(journal.settings)
    assert time.process_time() - start < within
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_a_ten_megabyte_body_is_refused_without_reading_it_all(journal):
    journal.write("big.md", FRONT + "---\n" + "word " * 2_000_000, dedent=False)
    problem = _only_problem(journal)
    assert "10,000,0" in problem.message and "at most 1,000,000" in problem.message


def test_a_billion_laughs_alias_bomb_is_refused(journal):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        ref = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{ref}]")
    journal.write("bomb.md", "---\n" + "\n".join(lines) + "\ntitle: x\ndate: 2026-01-01\n---\n",
                  dedent=False)
    assert "too large" in _only_problem(journal).message


def test_hundred_thousand_nested_brackets_are_refused(journal):
    journal.write("deep.md", FRONT + "where: " + "[" * 100_000 + "]" * 100_000 + "\n---\n",
                  dedent=False)
    assert "front matter" in _only_problem(journal).message


def test_a_pipe_named_like_an_entry_does_not_hang_the_loader(journal):
    os.mkfifo(journal.entries_dir / "pipe.md")
    assert "not a regular file" in _only_problem(journal).message


def test_a_folder_named_like_an_entry_is_just_a_folder(journal):
    (journal.entries_dir / "odd.md").mkdir()
    journal.entry("odd.md/inside.md")
    result = load_journal(journal.settings)
    assert result.problems == [] and [e.slug for e in result.entries] == ["inside"]


@pytest.mark.parametrize("name", ["Sun.md", "SUN.md"])
def test_duplicate_slugs_differing_only_in_case_are_refused(journal, name):
    journal.entry("a/sun.md")
    journal.entry(f"b/{name}")
    result = load_journal(journal.settings)
    assert len(result.problems) == 2 and all(p.field == "slug" for p in result.problems)
    assert result.entries[0].slug in ("sun", name[:-3].lower())


def test_every_broken_entry_is_reported_not_just_the_first(journal):
    for i in range(300):
        journal.write(f"e{i}.md", f"---\ntitle: t\ndate: 2026-02-{30 + i % 2}\n---\n", dedent=False)
    result = load_journal(journal.settings)
    assert len(result.problems) == 300
