"""The `glimmer` command: thin wrappers over the same code the MkDocs plugin runs."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from . import __version__
from .entries import load_journal
from .problems import render
from .settings import Settings, SettingsError, find_config, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DRAWING = ("build", "serve", "cards")  # commands that draw cards, so need text shaping


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(find_config(args.config))


def cmd_validate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    paths = None
    if args.paths:
        from .entries import find_entry_files

        paths = []
        for p in map(Path, args.paths):
            if p.is_dir():
                paths.extend(find_entry_files(p))
            elif p.exists() or p.is_symlink():
                paths.append(p)
            else:
                print(f"glimmer validate: {p}: no such file or folder", file=sys.stderr)
                return EXIT_USAGE
    journal = load_journal(settings, paths, include_drafts=True)
    from .cards.drawable import undrawable

    for entry in journal.entries:  # warnings: what the cards will have to leave out
        journal.warnings.extend(undrawable(entry))
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    said = journal.problems + journal.warnings  # warnings are shown but never fail the run
    if said:
        print(render(said, fmt))
    elif fmt == "json":
        print("[]")
    if fmt != "json":
        files = "file" if journal.checked == 1 else "files"
        if journal.problems:
            n = len(journal.problems)
            bad = len({p.path for p in journal.problems})
            print(f"{n} problem{'s' if n != 1 else ''} in {bad} of {journal.checked} {files}",
                  file=sys.stderr)
        else:
            print(f"{journal.checked} {files} checked, all good", file=sys.stderr)
        if journal.warnings:
            n = len(journal.warnings)
            print(f"{n} warning{'s' if n != 1 else ''} worth a look", file=sys.stderr)
    return EXIT_PROBLEMS if journal.problems else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .new import write_new_entry

    settings = _settings(args)
    tags = [t for t in (args.tags or "").split(",") if t.strip()]
    result = write_new_entry(
        settings, args.title, tags=tags, where=args.where, felt=args.felt, body=args.body,
        now=datetime.now(settings.tz),
    )
    if result.problems:
        print(render(result.problems, "text"), file=sys.stderr)
        return EXIT_PROBLEMS
    print(result.path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glimmer", description="Notice it, name it, share it: publish a glimmer journal.")
    parser.add_argument("--version", action="version", version=f"glimmer {__version__}")
    parser.add_argument("--config", "-f", default="mkdocs.yml",
                        help="the journal's mkdocs.yml (default: ./mkdocs.yml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check entries and list every problem at once")
    p.add_argument("paths", nargs="*", help="entry files or folders (default: all entries)")
    p.add_argument("--format", choices=("text", "github", "json"),
                   help="output style (default: github inside GitHub Actions, else text)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("new", help="write a new glimmer with today's date")
    p.add_argument("title", help='what you noticed, e.g. "Sunlight on the kettle"')
    p.add_argument("--tags", help="comma-separated, e.g. light,home")
    p.add_argument("--where", help="where it happened")
    p.add_argument("--felt", help="where or how you felt it in your body")
    p.add_argument("--body",
                   help="a sentence or two (default: a prompt to replace before publishing)")
    p.set_defaults(func=cmd_new)

    for name, module in (("build", "build"), ("serve", "build"), ("cards", "cards.command")):
        try:
            mod = __import__(f"glimmer_publish.{module}", fromlist=["add_parser"])
        except ImportError:
            continue
        adder = getattr(mod, f"add_{name}_parser", None)
        if adder:
            adder(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in DRAWING:
        from .cards.shaping import shaping_problem

        missing = shaping_problem()
        if missing:  # stop before drawing a single card with unshaped text
            print(f"glimmer {args.command}: {missing}", file=sys.stderr)
            return EXIT_PROBLEMS
    try:
        return args.func(args)
    except SettingsError as exc:
        print(f"glimmer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("glimmer: stopped; nothing was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
