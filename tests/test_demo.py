"""This repository's sample journal is the demo: built exactly like a journal `glimmer init` makes.

Its mkdocs.yml and both publish workflows (publish.yml, and publish-to-public-repo.yml that
`glimmer init --private` writes) are the starter files with the demo's answers; the only
differences allowed are listed here, each with its reason, so the two cannot drift apart
without this file saying so. The tool's own tests workflow stays here and never reaches a
journal.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import yaml

from glimmer_publish.init import FILES, Answers, journal_files, starter, values_for
from glimmer_publish.init import fill as fill_starter

REPO = Path(__file__).resolve().parent.parent
DEMO = Answers(site_name="Small Glimmers", author="A glimmer keeper",
               site_url="https://example.github.io/journal/", timezone="Europe/London",
               language="en", handle="", public=True,
               # The sample's id, the same as identity.TEMPLATE_JOURNAL_ID on branch privacy.
               journal_id="6f1c2a9e-3d4b-4e8a-9c57-2b1f0d8e7a43")

# (starter text, demo text, why)
MKDOCS_DIFFERENCES = [
    ("  # custom_dir: overrides    # make this folder to replace any of the theme's files\n",
     "  custom_dir: theme          # the demo shows where a journal's overrides go\n",
     "theme/README.md explains overriding to people reading this repository"),
]
WORKFLOW_DIFFERENCES = [
    ("# Tool: exactly the Glimmer Publish named in requirements.in and every package it needs,"
     " each checked against\n# the sha256 in requirements.txt (pip install --require-hashes "
     "refuses anything else), so a\n# build never runs code nobody pinned. Upgrading is "
     "changing that pin: Dependabot proposes it,\n# or run `glimmer upgrade` locally.\n",
     "# Tool: this repository's demo journal installs Glimmer Publish built from this very\n"
     "# checkout (not from PyPI), so every change to the tool is published with the demo. A\n"
     "# journal made by `glimmer init` runs this same workflow with a pinned, hashed install.\n",
     "the demo is built from the tool's own source"),
    ("          cache-dependency-path: requirements.txt\n",
     "          cache-dependency-path: pyproject.toml\n",
     "the demo has no requirements.txt: its dependencies are pyproject.toml's"),
    ("      - name: Install Glimmer Publish (the exact version, checked by hash)\n"
     "        run: python -m pip install --require-hashes -r requirements.txt\n",
     "      - name: Install Glimmer Publish (built from this checkout)\n"
     "        run: python -m pip install .\n",
     "a package built from the checkout, not an editable copy: what a journal gets"),
    ("          # An unchanged journal and tool version hit exactly and re-render nothing;\n",
     "          # An unchanged journal, card code and fonts hit exactly and re-render nothing;\n",
     "here the tool's code is part of the key, as there is no version pin to change"),
    ("hashFiles('entries/**', 'mkdocs.yml', 'requirements.txt')",
     "hashFiles('entries/**', 'mkdocs.yml', 'glimmer_publish/cards/**', "
     "'glimmer_publish/fonts/**')",
     "the same reason"),
]


def apply(text: str, differences: list[tuple[str, str, str]]) -> str:
    for old, new, _why in differences:
        assert text.count(old) >= 1, f"the starter no longer has: {old!r}"
        text = text.replace(old, new)
    return text


def test_the_demo_mkdocs_yml_is_what_init_writes_for_its_answers():
    values = values_for(DEMO, datetime(2026, 11, 28))
    expected = apply(fill_starter(starter("mkdocs.yml"), values), MKDOCS_DIFFERENCES)
    assert (REPO / "mkdocs.yml").read_text(encoding="utf-8") == expected


def test_the_demo_publish_workflow_is_the_journal_one_installing_this_checkout():
    expected = apply(starter("publish.yml"), WORKFLOW_DIFFERENCES)
    actual = (REPO / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert actual == expected


def test_the_private_source_workflow_is_the_journal_one_installing_this_checkout():
    """The same install and card-cache differences as publish.yml, and nothing else."""
    expected = apply(starter("publish-to-public-repo.yml"), WORKFLOW_DIFFERENCES)
    actual = (REPO / ".github" / "workflows" / "publish-to-public-repo.yml").read_text(
        encoding="utf-8")
    assert actual == expected


def test_the_tests_workflow_is_never_written_into_a_journal():
    files = journal_files(DEMO, datetime(2026, 11, 28), [])
    assert ".github/workflows/tests.yml" not in files and ".github/workflows/tests.yml" not in FILES
    workflows = [name for name in files if name.startswith(".github/workflows/")]
    assert workflows == [".github/workflows/publish.yml"]
    private = journal_files(replace(DEMO, public=False), datetime(2026, 11, 28), [])
    assert sorted(n for n in private if n.startswith(".github/workflows/")) == [
        ".github/workflows/publish-to-public-repo.yml", ".github/workflows/publish.yml"]
    for text in [*files.values(), *private.values()]:
        assert "pytest" not in text and "tests/run.sh" not in text
    tests_yml = yaml.safe_load((REPO / ".github" / "workflows" / "tests.yml").read_text())
    assert tests_yml["name"] == "Tests"
