"""`glimmer upgrade`: move a journal's pin to a new Glimmer Publish and say what changed.

The pin in requirements.in (and its locked copy in requirements.txt) is all an upgrade
touches: mkdocs.yml, entries and the workflow stay as they are, so a journal made by an
older `glimmer init` keeps building. What changed comes from the changelog that ships with
the package (its metadata's long description), so it works offline.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.version import InvalidVersion, Version

from . import __version__
from .init import PACKAGE, pin_files, release_hashes

PIN = re.compile(rf"^{re.escape(PACKAGE)}\s*==\s*([^\s#;\\]+)", re.MULTILINE | re.IGNORECASE)
SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\][^\n]*$", re.MULTILINE)


class UpgradeError(ValueError):
    """The journal's pin cannot be moved; the message says why and what to do."""


def changelog_text() -> str:
    """The changelog of the installed package (a clone's CHANGELOG.md when run from one)."""
    clone = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
    if clone.is_file():
        return clone.read_text(encoding="utf-8")
    try:
        description = metadata.metadata(PACKAGE).get_payload() or ""
    except metadata.PackageNotFoundError:
        return ""
    start = description.find("# Changelog")
    return description[start:] if start >= 0 else ""


def changes_between(changelog: str, old: str, new: str) -> str:
    """The changelog's sections for versions after `old` up to and including `new`."""
    heads = list(SECTION.finditer(changelog))
    parts = []
    for i, head in enumerate(heads):
        try:
            version = Version(head["version"])
        except InvalidVersion:
            continue
        if Version(old) < version <= Version(new):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(changelog)
            parts.append(changelog[head.start():end].strip())
    return "\n\n".join(parts)


def pinned_version(root: Path) -> str:
    source = root / "requirements.in"
    if not source.is_file():
        raise UpgradeError(f"{source}: no such file; run glimmer upgrade in a journal made by "
                           "`glimmer init` (or add a line glimmer-publish==VERSION to it)")
    found = PIN.search(source.read_text(encoding="utf-8"))
    if not found:
        raise UpgradeError(f"{source}: there is no line {PACKAGE}==VERSION to change")
    return found.group(1)


def upgrade(root: Path, version: str, hashes: list[str]) -> tuple[str, list[Path]]:
    """Rewrite the pin files for `version`; returns (the old version, files changed).

    For the installed version the whole lock (its dependencies too) is rewritten; for any
    other version only glimmer-publish's own line moves, since its dependencies are not
    known here."""
    old = pinned_version(root)
    fresh = pin_files(version, hashes)
    changed = []
    for name in ("requirements.in", "requirements.txt"):
        path = root / name
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        if name == "requirements.in" or version == __version__ or not before:
            after = fresh[name] if name == "requirements.txt" else \
                PIN.sub(f"{PACKAGE}=={version}", before, count=1)
        else:
            after = _replace_block(before, fresh[name])
        if after != before:
            with path.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(after)
            changed.append(path)
    return old, changed


def _replace_block(text: str, fresh: str) -> str:
    """Swap glimmer-publish's entry (pin, hashes, via comment) for the fresh one."""
    block = re.compile(rf"^{re.escape(PACKAGE)}==.*?(?=^[A-Za-z0-9]|\Z)",
                       re.MULTILINE | re.DOTALL | re.IGNORECASE)
    new_block = block.search(fresh)
    assert new_block is not None
    return block.sub(lambda _: new_block.group(0), text, count=1)


def cmd_upgrade(args) -> int:
    root = Path(args.dir)
    version = args.version or __version__
    try:
        Version(version)
        old = pinned_version(root)
        if Version(version) < Version(old) and not args.allow_downgrade:
            raise UpgradeError(f"the journal has {old}, newer than {version}; "
                               "pass --allow-downgrade to go back")
        hashes = release_hashes(version, Path(args.hashes_from) if args.hashes_from else None)
        old, changed = upgrade(root, version, hashes)
    except InvalidVersion:
        print(f"glimmer upgrade: {version!r} is not a version like 0.2.0", file=sys.stderr)
        return 2
    except UpgradeError as exc:
        print(f"glimmer upgrade: {exc}", file=sys.stderr)
        return 1
    if not changed:
        print(f"The journal already uses Glimmer Publish {version}.")
        return 0
    print(f"Glimmer Publish {old} -> {version}: changed {', '.join(p.name for p in changed)}.")
    notes = changes_between(changelog_text(), old, version)
    if notes:
        print(f"\nWhat changed:\n\n{notes}")
    if version != __version__:
        print(f"\nnote: {version} is not the installed version ({__version__}); only its pin "
              "moved. Install it and run `glimmer upgrade` again to lock its dependencies, "
              "or let Dependabot do it.", file=sys.stderr)
    if not hashes:
        print(f"note: no hashes for {PACKAGE} {version} were found (PyPI could not be "
              "reached or does not have it yet); run glimmer upgrade again later",
              file=sys.stderr)
    print("\nCommit requirements.in and requirements.txt; the next build uses it.")
    return 0


def add_upgrade_parser(sub) -> None:
    p = sub.add_parser("upgrade", help="pin the journal to this (or a given) Glimmer Publish "
                                       "and show what changed")
    p.add_argument("version", nargs="?", help=f"the version to pin (default: the installed "
                                              f"one, {__version__})")
    p.add_argument("--dir", default=".", help="the journal's folder (default: here)")
    p.add_argument("--allow-downgrade", action="store_true",
                   help="allow pinning an older version than the journal has")
    p.add_argument("--hashes-from", metavar="DIST",
                   help="take glimmer-publish's hashes from built files in DIST "
                        "instead of PyPI")
    p.set_defaults(func=cmd_upgrade)
