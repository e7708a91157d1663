"""Where the write link points: the repository and branch read from mkdocs.yml's values."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from glimmer_publish.write_link import (
    WriteLink,
    branch_from_edit_uri,
    github_repo,
    new_file_url,
)


@pytest.mark.parametrize(("url", "repo"), [
    ("https://github.com/ana/journal", ("ana", "journal")),
    ("https://github.com/ana/journal/", ("ana", "journal")),
    ("https://github.com/ana/journal.git", ("ana", "journal")),
    ("https://www.github.com/Ana-B/my.journal", ("Ana-B", "my.journal")),
    ("https://gitlab.com/ana/journal", None),
    ("https://github.com/ana", None),
    ("https://github.com/ana/journal/tree/main", None),
    ("", None),
    (None, None),
])
def test_only_github_repository_addresses_are_understood(url, repo):
    assert github_repo(url) == repo


@pytest.mark.parametrize(("edit_uri", "branch"), [
    ("edit/main/docs/", "main"), ("blob/trunk/docs/", "trunk"), ("tree/dev/", "dev"),
    ("", None), (None, None), ("docs/", None),
])
def test_branch_comes_from_edit_uri(edit_uri, branch):
    assert branch_from_edit_uri(edit_uri) == branch


def test_the_address_keeps_the_folder_in_filename_and_the_text_whole():
    link = WriteLink("ana", "journal", "main", "entries", "Europe/Berlin")
    url = new_file_url(link, datetime(2026, 3, 9, 7, 5))
    parts = urlsplit(url)
    assert parts.path == "/ana/journal/new/main"  # no folder beside filename (it gets dropped)
    query = parse_qs(parts.query, strict_parsing=True)
    assert query["filename"] == ["entries/2026/2026-03-09-0705.md"]
    assert query["value"][0].startswith("---\n# What did you notice?")
    assert "\ntitle: \n" in query["value"][0]
    assert "date: 2026-03-09 07:05\n" in query["value"][0]
    assert "+" not in parts.query  # spaces are %20: GitHub must not see a literal '+'
