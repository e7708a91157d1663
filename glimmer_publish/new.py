"""`glimmer new`: a ready entry in seconds, never overwriting anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from .entries import NEW_ENTRY_PROMPT as PROMPT
from .entries import UNEDITED, find_entry_files, load_entry, slugify
from .problems import Problem
from .settings import Settings


@dataclass
class NewEntry:
    path: Path | None
    problems: list[Problem] = field(default_factory=list)


def entry_text(title: str, when: datetime, tags: list[str], where: str | None,
               felt: str | None, body: str | None) -> str:
    """The file's text; values are dumped by YAML so colons and quotes stay safe."""
    fields: dict[str, object] = {"title": title.strip(), "date": when.strftime("%Y-%m-%d %H:%M")}
    if tags:
        fields["tags"] = [t.strip().lower() for t in tags]
    if where:
        fields["where"] = where.strip()
    if felt:
        fields["felt"] = felt.strip()
    lines = []
    for key, value in fields.items():
        if key == "date":
            lines.append(f"date: {value}")
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(_scalar(v) for v in value)}]")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    text = (body or PROMPT).strip()
    return "---\n" + "\n".join(lines) + "\n---\n" + text + "\n"


def _scalar(value: object) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return dumped.removesuffix("\n...\n").strip()


def write_new_entry(settings: Settings, title: str, *, tags: list[str], where: str | None,
                    felt: str | None, body: str | None, now: datetime) -> NewEntry:
    """Write entries/YYYY/YYYY-MM-DD-title.md and validate it.

    A name whose address another entry already uses (in any folder) gets a number instead,
    and an existing file is never opened for writing.
    """
    stem = f"{now:%Y-%m-%d}-{slugify(title)[:60].strip('-') or 'glimmer'}"
    folder = settings.entries_dir / f"{now:%Y}"
    folder.mkdir(parents=True, exist_ok=True)
    text = entry_text(title, now, tags, where, felt, body)
    taken = {slugify(p.stem).casefold() for p in find_entry_files(settings.entries_dir)}
    for n in range(1, 1000):
        path = folder / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        if slugify(path.stem).casefold() in taken:
            continue
        try:
            with path.open("x", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except FileExistsError:
            continue
        _, found = load_entry(path, settings)
        # The prompt is there to be replaced: validation refuses it until the writer does.
        problems = [p for p in found if p.severity == "error" and p.message != UNEDITED]
        if problems:
            path.unlink()
            return NewEntry(None, problems)
        return NewEntry(path)
    return NewEntry(
        None, [Problem(str(folder), 1, 1, "", "too many glimmers with this title today")],
                    )
