"""`glimmer photos`: list what the journal's photos carry, and `--strip` it in place.

Also the pre-commit fixer hook `glimmer-strip-photos`, which passes the staged photos.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .entries import load_journal, rel
from .photos import PhotoFormatError, examine, photo_files, strip
from .settings import Settings, find_config, load_settings


def journal_photos(settings: Settings) -> list[Path]:
    """Every photo below the entries folder, and any photo an entry names elsewhere."""
    found = photo_files([settings.entries_dir]) if settings.entries_dir.is_dir() else []
    journal = load_journal(settings, include_drafts=True)
    found += [e.photo for e in (*journal.entries, *journal.withheld) if e.photo is not None]
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)
    return sorted(unique.values())


def cmd_photos(args: argparse.Namespace) -> int:
    root = Path.cwd()
    if args.paths:
        missing = [p for p in args.paths if not Path(p).exists()]
        if missing:
            print(f"glimmer photos: {missing[0]}: no such file or folder", file=sys.stderr)
            return 2
        photos = photo_files(map(Path, args.paths))  # shown relative to where you are
    else:
        settings = load_settings(find_config(args.config))
        root = settings.repo_root
        photos = journal_photos(settings)

    carrying = failed = 0
    verb = "would remove" if args.dry_run else "removed"
    for photo in photos:
        name = rel(photo, root)
        try:
            result = strip(photo, dry_run=args.dry_run) if args.strip else examine(photo)
        except (OSError, PhotoFormatError) as exc:
            failed += 1
            print(f"{name}: cannot be read ({exc}); left unchanged", file=sys.stderr)
            continue
        found = result.inspection.found
        carrying += bool(found)
        if not args.strip:
            print(f"{name}: " + ("; ".join(found) if found else "nothing but the picture"))
        elif not result.changed:
            print(f"{name}: nothing to remove")
        else:
            what = "; ".join(found) if found else "camera data"
            kept = ", ".join(result.kept) or "nothing else"
            print(f"{name}: {verb} {what} ({result.removed_bytes:,} bytes); kept {kept}; "
                  "the picture itself is untouched")
    n = len(photos)
    summary = f"{n} photo{'s' if n != 1 else ''} checked"
    if not args.strip and carrying:
        summary += (f"; {carrying} carr{'ies' if carrying == 1 else 'y'} more than the picture:"
                    " run  glimmer photos --strip  to remove it")
    elif args.dry_run:
        summary += "; nothing was changed (dry run)"
    print(summary, file=sys.stderr)
    return 1 if failed else 0


def add_photos_parser(sub) -> None:
    p = sub.add_parser(
        "photos", help="list what photos carry (GPS, serial numbers, names...); --strip removes it",
        description="Photos from phones and cameras carry where they were taken and more. "
                    "--strip removes it in place without re-encoding (JPEG, PNG and WebP are "
                    "all edited losslessly), keeping orientation and colour profile.")
    p.add_argument("paths", nargs="*",
                   help="photos or folders (default: every photo of the journal)")
    p.add_argument("--strip", action="store_true", help="remove the metadata in place")
    p.add_argument("--dry-run", action="store_true",
                   help="with --strip: say what would be removed, change nothing")
    p.set_defaults(func=cmd_photos)
