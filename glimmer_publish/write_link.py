"""The "Write a glimmer" link: GitHub's web editor, opened on a new, pre-filled entry file.

GitHub has no documented API for this, but its "new file" page reads two query parameters,
`filename` and `value`, which widely used tools rely on (the changesets bot, docfx, pipecd).
A folder in the URL path is unreliable together with `filename` (the last path part is
dropped, isaacs/github#1527), so the whole path goes into `filename` and the URL path names
only the branch. The phone fills in the date (see write.html); this module holds the parts
both sides share, so tests can check the browser's URL against the same template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

# The writer types the title at the end of the empty `title:` line (a tap at a line's end
# puts the cursor there on a phone); the hint above it is a YAML comment. Untouched, the file
# has no title, and the validator refuses it ("title is required") until one is typed.
HINT = "# What did you notice? Type it after title: below, then commit."
DATE_TOKEN = "@DATE@"
JS_SAFE = "!*'()"
TEMPLATE = (
    "---\n"
    f"{HINT}\n"
    "title: \n"
    f"date: {DATE_TOKEN}\n"
    "# where: the place (optional)\n"
    "# felt: where you felt it in your body (optional)\n"
    "---\n"
    "\n"
)
_GITHUB = re.compile(r"^/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/*$")


@dataclass(frozen=True)
class WriteLink:
    owner: str
    repo: str
    branch: str
    entries_path: str  # the entries folder, relative to the repository's root
    timezone: str

    @property
    def base(self) -> str:
        return f"https://github.com/{self.owner}/{self.repo}/new/{quote(self.branch)}"


def github_repo(repo_url: str | None) -> tuple[str, str] | None:
    """('owner', 'name') for a https://github.com/owner/name URL, else None."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url.strip())
    if parts.hostname not in ("github.com", "www.github.com"):
        return None
    match = _GITHUB.match(parts.path)
    return (match.group(1), match.group(2)) if match else None


def branch_from_edit_uri(edit_uri: str | None) -> str | None:
    """'main' from MkDocs' `edit_uri: edit/main/docs/` (also `blob/...`, `tree/...`)."""
    parts = [p for p in (edit_uri or "").split("/") if p]
    if len(parts) >= 2 and parts[0] in ("edit", "blob", "tree"):
        return parts[1]
    return None


def file_name(when: datetime) -> str:
    """entries/YYYY/YYYY-MM-DD-HHMM.md's last two parts: the date first, like `glimmer new`."""
    return f"{when:%Y}/{when:%Y-%m-%d-%H%M}.md"


def entry_text(when: datetime) -> str:
    return TEMPLATE.replace(DATE_TOKEN, f"{when:%Y-%m-%d %H:%M}")


def new_file_url(link: WriteLink, when: datetime) -> str:
    """The same URL the page's script builds, for a given local time."""
    path = f"{link.entries_path.strip('/')}/{file_name(when)}"
    # Escaped exactly as the script's encodeURIComponent does (it leaves !*'() as they are).
    return (f"{link.base}?filename={quote(path, safe=JS_SAFE + '/')}"
            f"&value={quote(entry_text(when), safe=JS_SAFE)}")
