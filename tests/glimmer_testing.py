"""A throwaway journal that tests fill with the entries they need.

A plain module (not conftest) so test files can import it by a name nothing shadows.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from glimmer_publish.settings import Settings


class TmpJournal:
    """A journal folder in tmp_path with a helper to write entries."""

    def __init__(self, root: Path, **settings):
        self.root = root
        self.entries_dir = root / "entries"
        self.entries_dir.mkdir(parents=True, exist_ok=True)
        self.settings = Settings(repo_root=root, entries_dir=self.entries_dir,
                                 site_url="https://example.org/journal/",
                                 cache_dir=root / ".cache" / "glimmer", **settings)

    def write(self, name: str, text: str | bytes, *, dedent: bool = True) -> Path:
        path = self.entries_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n") if dedent else text,
                            encoding="utf-8", newline="")
        return path

    def entry(self, name: str, title: str = "Sun on the kettle", date: str = "2026-03-14",
              body: str = "Steam and light.", **fields) -> Path:
        lines = [f"title: {title!r}" if title else "", f"date: {date}"]
        for key, value in fields.items():
            if isinstance(value, bool):
                value = str(value).lower()
            elif isinstance(value, list | tuple):
                value = "[" + ", ".join(value) + "]"
            lines.append(f"{key}: {value}")
        front = "\n".join(line for line in lines if line)
        return self.write(name, f"---\n{front}\n---\n{body}\n", dedent=False)


def journal_like_this_repo(root: Path) -> Path:
    """A new journal folder with this repository's mkdocs.yml, docs/ and theme/ (no entries)."""
    import shutil

    repo = Path(__file__).resolve().parent.parent
    root.mkdir(parents=True)
    shutil.copy(repo / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "theme"):
        if (repo / folder).is_dir():
            shutil.copytree(repo / folder, root / folder)
    (root / "docs").mkdir(exist_ok=True)
    (root / "entries").mkdir()
    return root
