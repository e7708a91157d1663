"""`glimmer cards`: render cards for a look (or to post) outside a full site build."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import time
from pathlib import Path

from ..problems import render
from ..settings import CARD_FORMATS

DEFAULT_OUT = "card-preview"  # not site/: a site build replaces that folder whole


def add_cards_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cards", help="render the image cards (all cores, cached)")
    p.add_argument("slugs", nargs="*", metavar="SLUG",
                   help="only these glimmers (the file name without date and .md also works)")
    p.add_argument("--format", action="append", choices=CARD_FORMATS, dest="formats",
                   help="only this format (repeat for more; default: card_formats in mkdocs.yml)")
    p.add_argument("--out", default=DEFAULT_OUT,
                   help=f"folder to write cards/<slug>/<format>.png into (default: {DEFAULT_OUT})")
    p.add_argument("--sheet", metavar="SLUG",
                   help="also write one contact sheet of SLUG's cards in every format")
    p.add_argument("--workers", type=int, help="processes to use (default: all cores)")
    p.set_defaults(func=cmd_cards)


def _pick(entries: list, wanted: list[str]) -> tuple[list, list[str]]:
    by_slug = {e.slug: e for e in entries}
    chosen, unknown = [], []
    for want in wanted:
        hit = by_slug.get(want) or next((e for e in entries if e.slug.endswith("-" + want)), None)
        if hit is None:
            unknown.append(want)
        elif hit not in chosen:
            chosen.append(hit)
    return chosen, unknown


class _Progress:
    """A rich bar on a terminal; a plain line every tenth of the way in CI logs."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None
        interactive = sys.stderr.isatty() and not os.environ.get("CI")
        if interactive and total:
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("cards", total=total)
        self.step = max(1, total // 10)

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
        elif done == total or done % self.step == 0:
            print(f"cards: {done}/{total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def cmd_cards(args: argparse.Namespace) -> int:
    from ..cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, _settings
    from ..entries import load_journal
    from .render import render_cards
    from .sheet import contact_sheet

    settings = _settings(args)
    journal = load_journal(settings)
    if journal.problems:
        print(render(journal.problems, "text"), file=sys.stderr)
    entries = journal.entries
    wanted = list(args.slugs) + ([args.sheet] if args.sheet else [])
    if wanted:
        entries, unknown = _pick(journal.entries, wanted)
        if unknown:
            slugs = [e.slug for e in journal.entries]
            for name in unknown:
                close = difflib.get_close_matches(name, slugs, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                print(f"glimmer cards: no published glimmer '{name}'{hint}", file=sys.stderr)
            return EXIT_USAGE
    formats = tuple(dict.fromkeys(args.formats or settings.card_formats))
    out = Path(args.out)
    started = time.perf_counter()
    progress = _Progress(len(entries) * len(formats))
    try:
        result = render_cards(entries, settings, out, formats=formats, workers=args.workers,
                              progress=progress)
    finally:
        progress.close()
    if result.problems:
        print(render(result.problems, "text"), file=sys.stderr)
    seconds = time.perf_counter() - started
    lost = ""
    if result.undrawable:
        chars = "character" if result.undrawable == 1 else "characters"
        lost = f", {result.undrawable} {chars} left out (no font has them: see the warnings)"
    print(f"{result.rendered} rendered, {result.cached} from cache, {result.failed} failed"
          f"{lost} ({seconds:.1f} s) -> {out}/cards/", file=sys.stderr)
    if args.sheet:
        entry = _pick(journal.entries, [args.sheet])[0][0]
        files = [out / card.path for card in result.cards[entry.slug].values()]
        sheet = out / "sheets" / f"{entry.slug}.png"
        sheet.parent.mkdir(parents=True, exist_ok=True)
        contact_sheet([files]).save(sheet, "PNG", optimize=True)
        print(sheet)
    bad = journal.problems or result.failed
    return EXIT_PROBLEMS if bad else EXIT_OK
