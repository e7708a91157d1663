"""`glimmer new` without a title asks gently on a terminal and stays scriptable elsewhere."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glimmer_publish.entries import NEW_ENTRY_PROMPT, Entry, load_entry

MKDOCS_YML = "site_name: Test\nplugins:\n  - glimmer:\n      timezone: Europe/Paris\n"


@pytest.fixture
def repo(journal):
    (journal.root / "mkdocs.yml").write_text(MKDOCS_YML)
    return journal


def written(repo) -> Entry:
    """The one entry `glimmer new` wrote, once the writer has replaced its body prompt."""
    (path,) = repo.entries_dir.rglob("*.md")
    text = path.read_text(encoding="utf-8")
    assert NEW_ENTRY_PROMPT in text
    path.write_text(text.replace(NEW_ENTRY_PROMPT, "Two small notes."), encoding="utf-8")
    entry, problems = load_entry(path, repo.settings)
    assert not [p for p in problems if p.severity == "error"], problems
    return entry


class Terminal:
    """`glimmer` running on a real pseudo-terminal, read up to each prompt."""

    def __init__(self, cwd: Path, *args: str):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "glimmer_publish.cli", *args], cwd=cwd,
            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 15) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen:
            left = end - time.monotonic()
            assert left > 0, f"never saw {text!r}; got {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    assert text in self.seen, f"ended before {text!r}; got {self.seen!r}"
                self.seen += chunk.decode("utf-8", "replace")
        return self.seen

    def answer(self, text: str) -> None:
        os.write(self.master, text.encode() + b"\r")

    def finish(self) -> int:
        code = self.proc.wait(timeout=15)
        try:
            while chunk := os.read(self.master, 4096):
                self.seen += chunk.decode("utf-8", "replace")
        except OSError:
            pass
        os.close(self.master)
        return code


def test_questions_come_one_at_a_time_and_make_the_entry(repo):
    term = Terminal(repo.root, "new")
    before = term.expect("What did you notice? ")
    assert "Where were you?" not in before  # one question at a time
    term.answer("Birdsong: two notes")
    term.expect("Where were you? ")
    term.answer("The bus stop")
    term.expect("Where did you feel it in your body? ")
    term.answer("A loosening in my shoulders")
    assert term.finish() == 0
    entry = written(repo)
    assert (entry.title, entry.where, entry.felt) == (
        "Birdsong: two notes", "The bus stop", "A loosening in my shoulders")
    assert str(entry.path.relative_to(repo.root)) in term.seen


def test_every_question_can_be_skipped_with_enter(repo):
    term = Terminal(repo.root, "new")
    for question in ("notice?", "were you?", "your body?"):
        term.expect(question)
        term.answer("")
    assert term.finish() == 0
    entry = written(repo)
    assert entry.title and entry.where is None and entry.felt is None


def test_closing_the_input_writes_nothing(repo):
    term = Terminal(repo.root, "new")
    term.expect("notice?")
    os.write(term.master, b"\x04")  # Ctrl-D
    assert term.finish() == 0
    assert "nothing was written" in term.seen
    assert not list(repo.entries_dir.rglob("*.md"))


def test_with_a_title_on_a_terminal_nothing_is_asked(repo):
    term = Terminal(repo.root, "new", "Warm bread", "--where", "Bakery")
    assert term.finish() == 0
    assert "?" not in term.seen
    entry = written(repo)
    assert (entry.title, entry.where) == ("Warm bread", "Bakery")


def test_without_a_terminal_it_never_waits_for_answers(repo):
    done = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "new"], cwd=repo.root,
                          input="Should not be read\n", capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2
    assert "give a title" in done.stderr
    assert "notice?" not in done.stdout
    assert not list(repo.entries_dir.rglob("*.md"))


def test_scripted_use_is_unchanged(repo):
    done = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "new", "Frost",
                           "--felt", "Cold cheeks"], cwd=repo.root, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    entry = written(repo)
    assert (entry.title, entry.felt) == ("Frost", "Cold cheeks")
