"""`glimmer build` with nothing to do says so at once, and anything that changed builds.

A build keeps a stamp of what it was made from and of the site it left (build_stamp.py).
Each case below changes one thing a person could change between two builds and checks that
the next build really builds (and shows the change), and that the one after that finds
nothing to do again. Builds run in this process; the two-second rule for fresh files is
switched off except in the test about it. The last test, which watches which pages a build
draws, uses the same in-process builds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_incremental import EDITED, write_journal

from glimmer_publish import build_stamp
from glimmer_publish.cli import main

NOTHING = "nothing had changed since the last build"


@pytest.fixture
def journal(tmp_path, monkeypatch) -> Path:
    write_journal(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\ncopyright: !ENV [JOURNAL_MOTTO, "Noticed, named, shared"]\n',
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOURNAL_MOTTO", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(build_stamp, "SETTLED_NS", 0)
    return tmp_path


def build(capsys) -> str:
    assert main(["build"]) == 0
    return capsys.readouterr().err


def page(root: Path, url: str = "") -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


def test_a_second_build_with_nothing_changed_only_says_so(journal, capsys):
    first = build(capsys)
    assert NOTHING not in first
    before = {p: p.stat().st_mtime_ns for p in (journal / "site").rglob("*")}
    again = build(capsys)
    assert NOTHING in again
    # what the first build said (the site's size) is said again
    size_line = next(line for line in first.splitlines() if "the site is" in line)
    assert size_line in again
    assert {p: p.stat().st_mtime_ns for p in (journal / "site").rglob("*")} == before


def edit_entry(root: Path) -> str:
    path = root / "entries" / "2026" / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace(
        "opened all at once", "opened all at once, said the neighbour"), encoding="utf-8")
    return "said the neighbour"


def touch_entry(root: Path) -> None:
    path = root / "entries" / "2026" / EDITED
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    return None


def new_entry(root: Path) -> str:
    (root / "entries" / "2026" / "2026-11-30-owl.md").write_text(
        '---\ntitle: "An owl said goodnight"\ndate: 2026-11-30\n---\nTwice.\n', encoding="utf-8")
    return "An owl said goodnight"


def delete_entry(root: Path) -> str:
    (root / "entries" / "2026" / "2026-11-23-door.md").unlink()
    return "!A stranger held the door"


def new_setting(root: Path) -> str:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_name:", "site_name: Small Lights\nold_site_name:", 1), encoding="utf-8")
    return "Small Lights"


def docs_page(root: Path) -> str:
    (root / "docs" / "thanks.md").write_text("# Thanks\n\nTo the blackbird.\n",
                                             encoding="utf-8")
    return "!!thanks"


def theme_override(root: Path) -> str:
    (root / "theme").mkdir(exist_ok=True)
    (root / "theme" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}Winter hours{% endblock %}\n',
        encoding="utf-8")
    return "Winter hours"


def environment(root: Path) -> str:
    os.environ["JOURNAL_MOTTO"] = "Small and kind"  # the fixture's monkeypatch undoes it
    return "Small and kind"


def site_file_deleted(root: Path) -> str:
    (root / "site" / "tags" / "index.html").unlink()
    return "!!tags"


def new_day(root: Path) -> str:
    os.environ["SOURCE_DATE_EPOCH"] = "1800000000"  # MkDocs dates the sitemap with it
    return "!!sitemap"


CHANGES = [edit_entry, new_entry, delete_entry, new_setting, docs_page,
           theme_override, environment, site_file_deleted, new_day]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_any_change_builds_and_shows(journal, capsys, change, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setenv("JOURNAL_MOTTO", "Noticed, named, shared")
    build(capsys)
    assert NOTHING in build(capsys)
    sitemap = (journal / "site" / "sitemap.xml").read_bytes()
    expect = change(journal)
    assert NOTHING not in build(capsys), f"{change.__name__}: the build did not build"
    if expect == "!!thanks":
        assert "To the blackbird." in page(journal, "thanks")
    elif expect == "!!tags":
        assert (journal / "site" / "tags" / "index.html").is_file()
    elif expect == "!!sitemap":
        assert (journal / "site" / "sitemap.xml").read_bytes() != sitemap
    elif expect and expect.startswith("!"):
        assert expect[1:] not in page(journal, "archive")
    elif expect:
        assert expect in page(journal) + page(journal, "archive") + page(
            journal, f"glimmers/{EDITED.removesuffix('.md')}")
    assert NOTHING in build(capsys)


def test_a_file_saved_just_before_a_build_is_never_vouched_for(journal, capsys,
                                                                   monkeypatch):
    """A save in the same tick of a coarse clock as the one before looks the same: a build
    that saw a file younger than two seconds leaves no stamp, so the next one builds too."""
    # How long "settled" is, rather than sleeping: on a loaded machine a build can take
    # longer than the two seconds, and the edit below must look fresh to both builds.
    monkeypatch.setattr(build_stamp, "SETTLED_NS", 0)  # every file has settled
    build(capsys)
    assert NOTHING in build(capsys)
    monkeypatch.setattr(build_stamp, "SETTLED_NS", 3600 * 10**9)  # saved within the hour
    docs_page(journal)
    assert NOTHING not in build(capsys)
    assert NOTHING not in build(capsys)  # the page was too fresh to vouch for
    monkeypatch.setattr(build_stamp, "SETTLED_NS", 0)  # time passes
    assert NOTHING not in build(capsys)
    assert NOTHING in build(capsys)


def test_an_entry_saved_again_unchanged_builds_nothing(journal, capsys):
    """An editor's autosave, `git stash` and `pop`: new times, the same bytes. Entry files
    count by what they hold (the loader read them anyway), not by their times."""
    build(capsys)
    assert NOTHING in build(capsys)
    touch_entry(journal)
    assert NOTHING in build(capsys)


def test_a_git_stash_and_pop_builds_nothing(journal, capsys, tmp_path):
    """What the README promises, with real git: an entry edited, stashed (git writes the old
    bytes back) and built, then popped (the edit comes back) and built: the first build has
    nothing to do, the second shows the edit, the third has nothing to do again."""
    import subprocess

    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}

    def git(*args: str) -> None:
        done = subprocess.run(["git", *args], cwd=journal, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    git("init", "-q")
    git("add", "entries")
    git("commit", "-q", "-m", "journal")
    build(capsys)
    assert NOTHING in build(capsys)
    words = edit_entry(journal)
    git("stash", "-q")
    assert NOTHING in build(capsys)
    git("stash", "pop", "-q")
    assert NOTHING not in build(capsys)
    assert words in page(journal, f"glimmers/{EDITED.removesuffix('.md')}")
    assert NOTHING in build(capsys)


def test_an_entry_rewritten_behind_its_old_times_builds(journal, capsys, monkeypatch):
    """Bytes changed, size kept, mtime put back as it was (a tool that restores times):
    the build must still see the new words."""
    from glimmer_publish import entry_cache

    monkeypatch.setattr(entry_cache, "SETTLED_NS", 0)  # the loader trusts every status it saw
    build(capsys)
    assert NOTHING in build(capsys)
    path = journal / "entries" / "2026" / EDITED
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    swapped = text.replace("opened all at once", "opened all at ONCE")
    assert len(swapped) == len(text) and swapped != text
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert NOTHING not in build(capsys)
    assert "opened all at ONCE" in page(journal, f"glimmers/{EDITED.removesuffix('.md')}")


def test_on_windows_every_build_builds(journal, capsys, monkeypatch):
    """There a file's ctime is its birth time: a status cannot vouch for its bytes."""
    monkeypatch.setattr(build_stamp, "TRUST_STATUS", False)
    build(capsys)
    assert NOTHING not in build(capsys)


def test_plugins_and_hooks_not_ours_always_build(journal, capsys):
    (journal / "hooks.py").write_text("def on_page_markdown(markdown, **kw):\n"
                                      "    return markdown\n", encoding="utf-8")
    config = journal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n",
                      encoding="utf-8")
    build(capsys)
    assert NOTHING not in build(capsys)


def test_editing_a_glimmers_words_does_not_draw_the_title_lists_again(journal, capsys,
                                                                        monkeypatch):
    """The archive and random pages list titles only: a new sentence in a glimmer leaves them
    as they are, a new title draws them again (with the glimmer's own page each time)."""
    from glimmer_publish.plugin.plugin import GlimmerPlugin

    drawn: list[str] = []
    draw = GlimmerPlugin._draw

    def spy(self, html, page):
        drawn.append(page.file.src_uri)
        return draw(self, html, page)

    monkeypatch.setattr(GlimmerPlugin, "_draw", spy)
    build(capsys)
    own = f"glimmers/{EDITED.removesuffix('.md')}/index.md"
    drawn.clear()
    edit_entry(journal)
    build(capsys)
    assert own in drawn
    assert "archive/index.md" not in drawn and "random/index.md" not in drawn
    path = journal / "entries" / "2026" / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("ياسمين", "Jasmine"),
                    encoding="utf-8")
    drawn.clear()
    build(capsys)
    assert {own, "archive/index.md", "random/index.md"} <= set(drawn)
    assert "Jasmine في المساء" in page(journal, "archive")


def test_python_writing_its_caches_is_not_a_change(journal, capsys):
    """A fresh clone compiles modules as builds first import them: that must not keep
    every build from finding nothing to do (it did, through the folders' own times)."""
    build(capsys)
    cache = journal / "theme" / "__pycache__"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "hooks.cpython-311.pyc").write_bytes(b"\0")
    assert NOTHING in build(capsys)


def test_a_plugin_not_ours_always_builds(journal, capsys):
    """Another plugin's pages may depend on anything (here Material's tags plugin)."""
    config = journal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "plugins:\n", "plugins:\n  - tags\n", 1), encoding="utf-8")
    build(capsys)
    assert NOTHING not in build(capsys)
