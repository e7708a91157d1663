"""The `glimmer` command: thin wrappers over the same code the MkDocs plugin runs."""

from __future__ import annotations

import argparse
import gc
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


def _settings(args: argparse.Namespace, *, publishing: bool = False) -> Settings:
    return load_settings(find_config(args.config), publishing=publishing)


def cmd_validate(args: argparse.Namespace) -> int:
    from .publishing import PhotoCheck, check_publishing, photo_and_id_warnings, refusal_message

    config_file = find_config(args.config)
    settings = load_settings(config_file, publishing=True)
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

    photos = PhotoCheck()
    # Warnings are shown but never fail the run.
    problems = [*journal.problems, *journal.warnings, *photo_and_id_warnings(
        journal, settings, config_file, photos, whole_journal=paths is None)]
    verdict = None
    if args.publishing:
        verdict = check_publishing(journal, settings, photos, visibility=args.visibility,
                                   environ=os.environ)
        problems += verdict.problems
    errors = [p for p in problems if p.severity == "error"]
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if problems:
        print(render(problems, fmt))
    elif fmt == "json":
        print("[]")
    if fmt != "json":
        files = "file" if journal.checked == 1 else "files"
        if verdict is not None and verdict.refused:
            print(refusal_message(verdict), file=sys.stderr)
        elif errors:
            n = len(errors)
            bad = len({p.path for p in errors})
            print(f"{n} problem{'s' if n != 1 else ''} in {bad} of {journal.checked} {files}",
                  file=sys.stderr)
        else:
            print(f"{journal.checked} {files} checked, all good", file=sys.stderr)
            if verdict is not None:
                print(f"safe to publish: the repository is {verdict.visibility or 'public'} "
                      f"({verdict.source})", file=sys.stderr)
        warned = len(problems) - len(errors)
        if warned:
            print(f"{warned} warning{'s' if warned != 1 else ''} worth a look", file=sys.stderr)
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .new import write_new_entry

    settings = _settings(args)
    title, where, felt = args.title, args.where, args.felt
    if title is None:
        # No title: ask gently on a terminal; a script without one gets a usage error.
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            print("glimmer new: give a title, e.g. glimmer new \"Sunlight on the kettle\" "
                  "(questions are asked only on a terminal)", file=sys.stderr)
            return EXIT_USAGE
        from .prompts import ask

        answers = ask(input, print)
        if answers is None:
            print("glimmer new: nothing was written", file=sys.stderr)
            return EXIT_OK
        title, where, felt = answers.title, where or answers.where, felt or answers.felt
    tags = [t for t in (args.tags or "").split(",") if t.strip()]
    result = write_new_entry(
        settings, title, tags=tags, where=where, felt=felt, body=args.body,
        now=datetime.now(settings.tz), draft=args.draft, local=args.local,
    )
    if result.problems:
        print(render(result.problems, "text"), file=sys.stderr)
        return EXIT_PROBLEMS
    print(result.path)
    if args.local:
        print("a draft that stays on this computer: git ignores this folder, only "
              "`glimmer serve` shows it; to publish it, move it into entries/ and remove "
              "the `draft: true` line", file=sys.stderr)
    elif args.draft:
        print("a draft is left out of the site, but once committed it is in the repository: "
              "if your repository is public, anyone can read it there. To keep it on this "
              "computer until it is ready, use  glimmer new --local  (entries/_drafts/, "
              "which git ignores)", file=sys.stderr)
    return EXIT_OK


# Commands whose code lives in its own module, imported only when needed: `glimmer validate`
# need not load the card renderer, MkDocs' builder or the network clients to start.
COMMAND_MODULES = (("build", "build"), ("serve", "serve"), ("cards", "cards.command"),
                   ("photos", "photo_command"), ("id", "identity"), ("init", "init"),
                   ("upgrade", "upgrade"), ("syndicate", "syndicate.command"))


def _command_in(argv: list[str] | None) -> str | None:
    """The command `argv` asks for, if plainly one of ours (else None: load every command,
    for help, a misspelt command or anything unusual)."""
    known = {"validate", "new", *(name for name, _ in COMMAND_MODULES)}
    args = iter(argv or ())
    for arg in args:
        if arg in ("-h", "--help"):
            return None
        if arg == "-f" or (len(arg) > 2 and "--config".startswith(arg)):
            next(args, None)  # the option's value
            continue
        if arg.startswith("-"):
            continue
        return arg if arg in known else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `argv`, only the asked-for command's module is loaded."""
    wanted = _command_in(argv)
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
    p.add_argument("--publishing", action="store_true",
                   help="also refuse when a public repository holds private glimmers or "
                        "photos with a location (the publish workflows use this)")
    p.add_argument("--visibility", choices=("public", "private"),
                   help="with --publishing: the repository's visibility (default: from the "
                        "workflow's event payload; unknown counts as public)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("new", help="write a new glimmer with today's date")
    p.add_argument("title", nargs="?",
                   help='what you noticed, e.g. "Sunlight on the kettle" (without it, on a '
                        "terminal, glimmer asks a few gentle questions)")
    p.add_argument("--tags", help="comma-separated, e.g. light,home")
    p.add_argument("--where", help="where it happened")
    p.add_argument("--felt", help="where or how you felt it in your body")
    p.add_argument("--body",
                   help="a sentence or two (default: a prompt to replace before publishing)")
    p.add_argument("--draft", action="store_true",
                   help="mark it as a draft: only `glimmer serve` shows it (but a public "
                        "repository shows every committed file)")
    p.add_argument("--local", action="store_true",
                   help="a draft in entries/_drafts/, which git ignores: it stays on this "
                        "computer")
    p.set_defaults(func=cmd_new)

    for name, module in COMMAND_MODULES:
        if wanted is not None and name != wanted:
            continue
        try:
            mod = __import__(f"glimmer_publish.{module}", fromlist=["add_parser"])
        except ImportError:
            continue
        adder = getattr(mod, f"add_{name}_parser", None)
        if adder:
            adder(sub)
    return parser


def _never_fail_on_output() -> None:
    """A Windows console or pipe in a legacy code page cannot show every script: print
    what it can and escape the rest, instead of a UnicodeEncodeError traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


CALM_GC = (50_000, 20, 50)


def _calm_collector() -> None:
    """A build makes hundreds of thousands of small objects that live until it ends, and
    Python's collector, at its default pace, walks them again and again: 15 % of a rebuild.
    Only in a process of glimmer's own (a test calling `main` keeps its collector)."""
    gc.set_threshold(*CALM_GC)


def main(argv: list[str] | None = None) -> int:
    _never_fail_on_output()
    if argv is None:
        _calm_collector()
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
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
        for problem in exc.problems:
            print(f"glimmer: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("glimmer: stopped; nothing was changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
