"""The journal's own id, which every feed item id is made from.

Feed readers tell items apart by id. With the default `journal_id: glimmer`, two buddies'
glimmers saved under the same file name get the same id, and a reader following both
shows only one of them. So each journal gets a random id once, written into mkdocs.yml,
and `glimmer validate` warns while a journal still shares one.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from pathlib import Path

from .problems import Problem
from .settings import Settings, find_config, load_settings, plugin_options, read_mkdocs_yml

DEFAULT_JOURNAL_ID = "glimmer"
# The sample journal's own id (this repository's mkdocs.yml) and its example address: a
# copy made with "Use this template" keeps both until the writer sets their own site_url.
TEMPLATE_JOURNAL_ID = "6f1c2a9e-3d4b-4e8a-9c57-2b1f0d8e7a43"
TEMPLATE_SITE_URL = "https://example.github.io/journal/"


def new_journal_id() -> str:
    """A fresh, random id: unique without any registry, and it says nothing about the writer."""
    return str(uuid.uuid4())


def shares_its_id(settings: Settings) -> bool:
    """True while this journal's feed ids could clash with another journal's."""
    if settings.journal_id in ("", DEFAULT_JOURNAL_ID):
        return True
    return (settings.journal_id == TEMPLATE_JOURNAL_ID
            and settings.site_url.rstrip("/") != TEMPLATE_SITE_URL.rstrip("/"))


def journal_id_problem(settings: Settings, config_file: Path) -> Problem | None:
    """A warning with the exact fix when the journal has no id of its own."""
    if not shares_its_id(settings):
        return None
    line = _glimmer_line(config_file.read_text(encoding="utf-8"))
    fresh = new_journal_id()
    shared = ("the default id 'glimmer'" if settings.journal_id in ("", DEFAULT_JOURNAL_ID)
              else "the sample journal's id")
    return Problem(
        config_file.name, (line or 0) + 1, 1, "journal_id",
        f"this journal uses {shared}, so feed readers can mix up its glimmers with another "
        "journal's that have the same file names",
        f"run  glimmer id  once (it writes a new id into {config_file.name}), or add this "
        f"line under `- glimmer:`\n    journal_id: {fresh}\n"
        "do it before your first publish if you can: a new id makes readers show every "
        "glimmer once more",
        severity="warning",
    )


_GLIMMER_ITEM = re.compile(r"^(?P<indent>\s*)-\s+glimmer\s*(?P<colon>:)?\s*(?:#.*)?$")


def _glimmer_line(text: str) -> int | None:
    """0-based index of the `- glimmer` line in mkdocs.yml's plugins list."""
    for i, line in enumerate(text.split("\n")):
        if _GLIMMER_ITEM.match(line):
            return i
    return None


def with_journal_id(text: str, journal_id: str) -> str | None:
    """mkdocs.yml's text with `journal_id` set under the glimmer plugin, everything else kept
    byte for byte (comments, order, quoting); None when the layout is too unusual to edit."""
    lines = text.split("\n")
    at = _glimmer_line(text)
    if at is None:
        return None
    item = _GLIMMER_ITEM.match(lines[at])
    dash = len(item["indent"])
    options_indent = None
    for j in range(at + 1, len(lines)):
        stripped = lines[j].strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(lines[j]) - len(lines[j].lstrip())
        if indent <= dash:
            break
        options_indent = options_indent if options_indent is not None else indent
        key = re.match(r"^\s*journal_id\s*:", lines[j])
        if key and indent == options_indent:
            comment = re.search(r"\s+#.*$", lines[j])
            lines[j] = (" " * indent + f"journal_id: {journal_id}"
                        + (comment.group() if comment else ""))
            return "\n".join(lines)
    indent = options_indent if options_indent is not None else dash + 4
    if not item["colon"]:
        lines[at] = lines[at].replace("glimmer", "glimmer:", 1)
    lines.insert(at + 1, " " * indent
                 + f"journal_id: {journal_id}   # feed ids; keep it once published")
    return "\n".join(lines)


def set_journal_id(config_file: Path, journal_id: str) -> bool:
    """Write the id into mkdocs.yml if the edit reads back as intended; False otherwise."""
    text = config_file.read_text(encoding="utf-8")
    edited = with_journal_id(text, journal_id)
    if edited is None:
        return False
    tmp = config_file.with_name(f".{config_file.name}.tmp")
    tmp.write_text(edited, encoding="utf-8", newline="")
    try:
        if plugin_options(read_mkdocs_yml(tmp)).get("journal_id") != journal_id:
            return False
        tmp.replace(config_file)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def cmd_id(args: argparse.Namespace) -> int:
    config_file = find_config(args.config)
    settings = load_settings(config_file)
    if not shares_its_id(settings):
        print(f"journal_id: {settings.journal_id}")
        print("this journal already has its own id; keep it (a new one would make feed "
              "readers show every glimmer again)", file=sys.stderr)
        return 0
    fresh = new_journal_id()
    if not set_journal_id(config_file, fresh):
        print(f"glimmer id: could not edit {config_file.name} safely; add this line under "
              f"`- glimmer:` in `plugins:` yourself:\n    journal_id: {fresh}", file=sys.stderr)
        return 1
    print(f"journal_id: {fresh}")
    print(f"written into {config_file.name}; commit it, and never change it afterwards",
          file=sys.stderr)
    return 0


def add_id_parser(sub) -> None:
    p = sub.add_parser("id", help="give this journal its own feed id (once, in mkdocs.yml)")
    p.set_defaults(func=cmd_id)
