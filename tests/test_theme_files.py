"""The theme's static files, whose list `glimmer build` keeps between builds.

MkDocs walks the whole theme (Material's 14,000 icons) and matches each file against its
patterns on every build; `plugin/theme.py` keeps the result in the cache folder. Whatever
is kept, the site must hold exactly the theme files a plain `mkdocs build` publishes, and a
file added to or removed from the journal's `custom_dir` must show on the next build.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import chdir
from pathlib import Path

from glimmer_testing import journal_like_this_repo

from glimmer_publish.cli import main as glimmer


def _journal(root: Path) -> Path:
    journal_like_this_repo(root)
    (root / "entries" / "2026-03-14-kettle.md").write_text(
        "---\ntitle: Sun on the kettle\ndate: 2026-03-14\n---\nSteam and light.\n",
        encoding="utf-8")
    return root


def _assets(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in (site / "assets").rglob("*")
            if p.is_file()}


def _build(root: Path) -> set[str]:
    with chdir(root):
        assert glimmer(["build"]) == 0
    return _assets(root / "site")


def test_kept_theme_list_publishes_what_mkdocs_does_and_sees_custom_dir_changes(tmp_path):
    root = _journal(tmp_path / "journal")
    first = _build(root)
    kept = root / ".cache" / "glimmer" / "theme-files.json"
    assert json.loads(kept.read_text(encoding="utf-8"))["files"], "the list was not kept"

    # Plain MkDocs, which never reads the kept list, publishes the same theme files.
    plain = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d",
                            str(tmp_path / "plain")], cwd=root, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert _assets(tmp_path / "plain") == first
    assert _build(root) == first  # from the kept list

    extra = root / "theme" / "assets" / "extra.css"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("body { margin: 0 }\n", encoding="utf-8")
    assert _build(root) == first | {"assets/extra.css"}
    assert (root / "site" / "assets" / "extra.css").read_text(encoding="utf-8") \
        == "body { margin: 0 }\n"

    extra.unlink()
    assert _build(root) == first


def test_a_damaged_kept_list_is_ignored(tmp_path):
    root = _journal(tmp_path / "journal")
    first = _build(root)
    kept = root / ".cache" / "glimmer" / "theme-files.json"
    data = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({"key": data["key"], "files": [1, 2]}), encoding="utf-8")
    assert _build(root) == first
    kept.write_text("{not json", encoding="utf-8")
    assert _build(root) == first


def test_the_kept_list_is_found_again_by_a_new_process(tmp_path):
    """The key is the same in every process: MkDocs' static templates are a set, whose
    order changes with Python's hash seed."""
    root = _journal(tmp_path / "journal")
    kept = root / ".cache" / "glimmer" / "theme-files.json"
    keys = []
    for seed in ("1", "2", "3"):
        result = subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "build"], cwd=root,
                                capture_output=True, text=True,
                                env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        keys.append(json.loads(kept.read_text(encoding="utf-8"))["key"])
    assert len(set(keys)) == 1, keys
