"""Property: a rebuild that reuses caches and the old site gives exactly a clean build's files.

Random sequences of edits, additions, deletions, renames, tag changes and setting changes
are applied to a journal; after each step `glimmer build` runs in the journal (card cache,
pruning and the previous site in place) and in a fresh copy of its sources with no cache and
no site, and every output file is compared byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import chdir
from pathlib import Path

from glimmer_testing import journal_like_this_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glimmer_publish.cli import main as glimmer

WORDS = ["kettle", "rain", "moss", "birds", "light", "bread", "frost", "cat", "tea", "jasmine"]
TAGS = ["light", "home", "birds", "winter", "kindness"]


def _entry(title: str, day: int, tags: list[str], body: str) -> str:
    return (f'---\ntitle: "{title}"\ndate: 2026-{1 + day // 28:02d}-{1 + day % 28:02d}\n'
            f"tags: [{', '.join(tags)}]\n---\n{body}\n")


def _project(root: Path) -> Path:
    journal_like_this_repo(root)
    entries = root / "entries"
    for i, word in enumerate(WORDS[:4]):
        (entries / f"2026-01-{10 + i:02d}-{word}.md").write_text(
            _entry(f"A little {word}", 9 + i, TAGS[i:i + 2], f"Noticed the {word} today."),
            encoding="utf-8")
    return root


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _build(project: Path) -> None:
    with chdir(project):
        assert glimmer(["build"]) == 0


def _clean_copy(project: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("site", ".site*", ".cache"))
    return dest


step = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 20), st.sampled_from(WORDS)),
    st.tuples(st.just("add"), st.integers(0, 300), st.sampled_from(WORDS)),
    st.tuples(st.just("delete"), st.integers(0, 20), st.just("")),
    st.tuples(st.just("rename"), st.integers(0, 20), st.sampled_from(WORDS)),
    st.tuples(st.just("retag"), st.integers(0, 20), st.sampled_from(TAGS)),
    st.tuples(st.just("setting"), st.integers(1, 3), st.sampled_from(["", "@me@glimmer.social"])),
)


def apply(project: Path, op: tuple[str, int, str]) -> None:
    kind, n, word = op
    files = sorted((project / "entries").glob("*.md"))
    target = files[n % len(files)] if files else None
    if kind == "add" or target is None:
        name = f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}-{word}-{n}.md"
        (project / "entries" / name).write_text(
            _entry(f"New {word} {n}", n, [TAGS[n % len(TAGS)]], f"Fresh {word}."),
            encoding="utf-8")
    elif kind == "edit":
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("\n---\n", f"\n---\nThe {word} again. ", 1),
                          encoding="utf-8")
    elif kind == "delete" and len(files) > 1:
        target.unlink()
    elif kind == "rename":
        target.rename(target.with_name(f"{target.stem}-{word}.md"))
    elif kind == "retag":
        text = target.read_text(encoding="utf-8")
        target.write_text(re.sub(r"(?m)^tags: .*$", f"tags: [{word}]", text), encoding="utf-8")
    elif kind == "setting":
        config = project / "mkdocs.yml"
        text = re.sub(r"(?m)^(\s+)(page_size|handle|card_formats_recent_days): .*\n", "",
                      config.read_text(encoding="utf-8"))
        extra = f"      page_size: {n}\n      card_formats_recent_days: {n * 3}\n"
        if word:
            extra += f'      handle: "{word}"\n'
        config.write_text(text.replace("  - glimmer:\n", "  - glimmer:\n" + extra, 1),
                          encoding="utf-8")


@settings(max_examples=2, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=2, max_size=3))
def test_every_rebuild_equals_a_clean_build(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("steps")
    project = _project(root / "journal")
    os.environ.pop("GITHUB_ACTIONS", None)
    _build(project)
    for i, op in enumerate(steps):
        apply(project, op)
        _build(project)
        clean = _clean_copy(project, root / f"clean-{i}")
        _build(clean)
        ours, theirs = _files(project / "site"), _files(clean / "site")
        assert sorted(ours) == sorted(theirs), (op, set(ours) ^ set(theirs))
        differ = [p for p in ours if ours[p] != theirs[p]]
        assert not differ, (steps[:i + 1], differ)
        shutil.rmtree(clean)
