"""What the world can see: the site shows only published glimmers, but a public repository
shows every file in it — private entries, drafts, and photos with the place they were taken.

`glimmer validate` warns about identifying photo metadata and a shared feed id;
`glimmer validate --publishing` (run by the publish workflows) refuses to deploy from a
public repository that holds private entries or photos with a location. The repository's
visibility comes from the workflow's event payload (GITHUB_EVENT_PATH).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .entries import DRAFTS_FOLDER, Entry, Journal, rel
from .photos import Inspection, PhotoFormatError, inspect, photo_files
from .problems import Problem
from .settings import Settings

PRIVATE_SETUP = "A private journal with a public site"  # README section names, quoted in hints
WHAT_IS_PUBLIC = "What is public"


# ---------------------------------------------------------------- photos


@dataclass
class PhotoCheck:
    """Every photo the journal holds, inspected once."""

    inspections: dict[Path, Inspection] = field(default_factory=dict)
    unreadable: dict[Path, str] = field(default_factory=dict)

    def of(self, path: Path) -> Inspection | None:
        if path not in self.inspections and path not in self.unreadable:
            try:
                self.inspections[path] = inspect(path)
            except (OSError, PhotoFormatError) as exc:
                self.unreadable[path] = str(exc)
        return self.inspections.get(path)


def all_entries(journal: Journal) -> list[Entry]:
    return [*journal.entries, *journal.withheld]


def photo_problems(journal: Journal, settings: Settings, check: PhotoCheck, *,
                   whole_journal: bool) -> list[Problem]:
    """A warning on the `photo:` line of each entry whose photo tells more than its pixels,
    and (for the whole journal) on every other photo in the entries folder."""
    problems = []
    referenced: set[Path] = set()
    for entry in all_entries(journal):
        if entry.photo is None:
            continue
        referenced.add(entry.photo)
        problem = _photo_problem(entry.photo, settings, check, entry.source, entry.photo_line)
        if problem:
            problems.append(problem)
    if whole_journal and settings.entries_dir.is_dir():
        for photo in photo_files([settings.entries_dir]):
            resolved = photo.resolve()
            if resolved in referenced or DRAFTS_FOLDER in photo.relative_to(
                    settings.entries_dir).parts:
                continue
            problem = _photo_problem(resolved, settings, check, None, 1)
            if problem:
                problems.append(problem)
    return problems


def _photo_problem(photo: Path, settings: Settings, check: PhotoCheck, source: str | None,
                   line: int) -> Problem | None:
    name = rel(photo, settings.repo_root)
    inspection = check.of(photo)
    if inspection is None:
        return Problem(source or name, line, 1, "photo",
                       f"'{name}' could not be checked for hidden data "
                       f"({check.unreadable.get(photo, 'unreadable')})",
                       "open it in a photo editor and save it again", severity="warning")
    if not inspection.found:
        return None
    return Problem(
        source or name, line, 1, "photo",
        f"'{name}' carries " + "; ".join(inspection.found),
        f"run  glimmer photos --strip {name}  to remove it (the picture, its orientation and "
        "colour profile are kept); in a public repository anyone can read it",
        severity="warning")


# ---------------------------------------------------------------- visibility


def repository_visibility(environ: Mapping[str, str]) -> tuple[str | None, str]:
    """('public' | 'private' | 'internal' | None, where that came from)."""
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None, "no workflow event payload (GITHUB_EVENT_PATH is not set)"
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"the workflow event payload could not be read ({exc})"
    repo = payload.get("repository") if isinstance(payload, dict) else None
    if not isinstance(repo, dict):
        return None, "the workflow event payload names no repository"
    visibility = repo.get("visibility")
    if visibility in ("public", "private", "internal"):
        return visibility, "the workflow event payload"
    if isinstance(repo.get("private"), bool):
        return ("private" if repo["private"] else "public"), "the workflow event payload"
    return None, "the workflow event payload does not say"


def tracked_files(root: Path) -> set[str] | None:
    """Repository-relative paths git tracks, or None outside a git repository."""
    try:
        result = subprocess.run(["git", "ls-files", "-z", "--full-name"], cwd=root,
                                capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    prefix = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=root,
                            capture_output=True, text=True, timeout=60).stdout.strip()
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return {n[len(prefix):] for n in names if n and n.startswith(prefix)}


@dataclass
class Verdict:
    visibility: str | None
    source: str
    problems: list[Problem]

    @property
    def refused(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def check_publishing(journal: Journal, settings: Settings, check: PhotoCheck, *,
                     visibility: str | None, environ: Mapping[str, str]) -> Verdict:
    """Refuse a public repository that holds private entries or photos with a location.

    An unknown visibility counts as public: a check that cannot tell must not wave through.
    Drafts are allowed (they are meant to be published soon) but each gets a warning.
    """
    source = "--visibility"
    if visibility is None:
        visibility, source = repository_visibility(environ)
    if visibility not in (None, "public"):
        return Verdict(visibility, source, [])
    tracked = tracked_files(settings.repo_root)

    def is_tracked(path: Path) -> bool:
        """Fails closed: a file git cannot be asked about counts as tracked."""
        name = rel(path, settings.repo_root)
        return tracked is None or Path(name).is_absolute() or name in tracked

    problems: list[Problem] = []
    photos: set[Path] = set()
    for entry in sorted(all_entries(journal), key=lambda e: e.source):
        if not is_tracked(entry.path):
            continue
        if entry.photo is not None:
            photos.add(entry.photo)
        if entry.private:
            extra = (f" (with its photo '{rel(entry.photo, settings.repo_root)}')"
                     if entry.photo else "")
            problems.append(Problem(
                entry.source, 1, 1, "private",
                f"this private glimmer{extra} is in a public repository: the site never shows "
                "it, but anyone can read the file on GitHub",
                f"keep the journal in a private repository (README: \"{PRIVATE_SETUP}\"), or "
                f"take the file out of this one:  git rm --cached {entry.source}  and purge it "
                f"from history (README: \"{WHAT_IS_PUBLIC}\")"))
        elif entry.draft:
            problems.append(Problem(
                entry.source, 1, 1, "draft",
                "this draft is readable by anyone in this public repository (the site does "
                "not show it yet)",
                f"to keep a draft on your computer until it is ready, move it into "
                f"{rel(settings.entries_dir / DRAFTS_FOLDER, settings.repo_root)}/ "
                "(git ignores that folder; glimmer serve still shows it)",
                severity="warning"))
    if settings.entries_dir.is_dir():
        photos |= {p.resolve() for p in photo_files([settings.entries_dir])
                   if DRAFTS_FOLDER not in p.relative_to(settings.entries_dir).parts}
    for photo in sorted(photos):
        inspection = check.of(photo)
        if inspection is None or not inspection.may_have_location or not is_tracked(photo):
            continue
        name = rel(photo, settings.repo_root)
        where = f" ({inspection.location})" if inspection.location else ""
        carries = "carries" if inspection.has_location else "may carry (its EXIF is unreadable)"
        problems.append(Problem(
            name, 1, 1, "photo",
            f"this photo {carries} the place it was taken{where}, and the repository is public",
            f"run  glimmer photos --strip {name} , commit, and purge the old version from "
            f"history (README: \"{WHAT_IS_PUBLIC}\"); or keep the journal private (README: "
            f"\"{PRIVATE_SETUP}\")"))
    return Verdict(visibility, source, problems)


def refusal_message(verdict: Verdict) -> str:
    """The summary under the problems: why nothing was deployed and the two ways out."""
    private = sum(p.field == "private" for p in verdict.problems)
    photos = sum(p.field == "photo" and p.severity == "error" for p in verdict.problems)
    held = " and ".join(part for part in (
        f"{private} private glimmer{'s' if private != 1 else ''}" if private else "",
        f"{photos} photo{'s' if photos != 1 else ''} with a location" if photos else "") if part)
    known = ("This repository is public" if verdict.visibility == "public"
             else f"The repository's visibility is unknown ({verdict.source}), so it is "
                  "treated as public")
    return (
        f"Not publishing. {known}, and it holds {held}: anyone can read every file in a "
        "public repository, whatever the site shows.\n"
        "Do one of these, then push again:\n"
        f"  1. Keep the journal private: make this repository private and publish the site to "
        f"a public one (README: \"{PRIVATE_SETUP}\").\n"
        "  2. Or take them out of this repository: strip photos with  glimmer photos --strip ,"
        " move private glimmers out (git rm --cached FILE keeps your copy), commit, and purge "
        f"the old versions from git history (README: \"{WHAT_IS_PUBLIC}\").\n"
        "Checking on your own computer? Add --visibility private (or public) to say which "
        "your repository is.")


def photo_and_id_warnings(journal: Journal, settings: Settings, config_file: Path,
                          check: PhotoCheck, *, whole_journal: bool) -> list[Problem]:
    from .identity import journal_id_problem

    problems = photo_problems(journal, settings, check, whole_journal=whole_journal)
    shared = journal_id_problem(settings, config_file)
    return [*problems, *([shared] if shared else [])]
