"""What every build does over all entries: loading the journal, the feeds, the body HTML.

    .venv/bin/python benchmarks/load_and_feeds.py               # N = 1,000, median of 5
    .venv/bin/python benchmarks/load_and_feeds.py --n 200 --repeat 3

A seeded synthetic journal (benchmarks/synth.py, the one benchmarks/run.py builds) is written
to a temporary folder. CPU time (time.process_time) of one process, median of `--repeat` runs
after one warm-up run, unless the row says otherwise:

- load_journal: parsing every file (no cache of parsed entries), warm (a second load in the
  same process, as the plugin's after `glimmer build`'s own, and `glimmer serve`'s after each
  save), and the first load of a new process with and without the cache file;
- undrawable: the card warnings of every entry (each build and `glimmer validate`);
- to_html over every entry: rendered, from the memo file (a new process), and again;
- build_feeds: from scratch; in a new process with the cache files (bodies, feed items) of
  the build before, unchanged and after editing one entry; in the process of the build
  before, after editing one entry and unchanged; and feeds_key;
- `glimmer validate`: a whole new process, wall and CPU time (children's rusage), first
  without any cache, then the median of `--repeat` runs.

Rows the code under test cannot do are left out, so the script also measures older code
(run it with PYTHONPATH pointing at an export of that code).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def median_cpu(fn, repeat: int, before=None) -> float:
    """Median CPU seconds of `fn()` over `repeat` runs after one warm-up (`before()` runs
    ahead of each, untimed)."""
    if before:
        before()
    fn()
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _forget_everything(project: Path | None = None) -> None:
    """What a first build starts with: no rendered body, feed item or parsed entry in memory,
    and (with `project`) no cache files either."""
    from glimmer_publish import feeds

    if project is not None:
        for name in ("bodies.pickle", "entries.pickle", "feed-items.pickle"):
            (project / ".cache" / "glimmer" / name).unlink(missing_ok=True)
    _forget_memory()
    for name in ("_made_before", "_heads_before"):
        if hasattr(feeds, name):
            getattr(feeds, name).clear()


def _forget_memory() -> None:
    """What a new process starts with: nothing in memory (cache files are kept)."""
    from glimmer_publish import markup

    if hasattr(markup, "clear_memo"):
        markup.clear_memo()
    for name in ("_sanitized", "_converted", "_plain_text"):
        cached = getattr(markup, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    try:
        from glimmer_publish import entry_cache
    except ImportError:
        return
    entry_cache.forget()


def _settings(project: Path):
    from glimmer_publish.settings import load_settings

    return load_settings(project / "mkdocs.yml", publishing=True)


def _cards(entries):
    """An og card for every entry, as the build would hand the feeds (no pixels needed)."""
    from glimmer_publish.cards.model import Card

    return {e.slug: Card(e.slug, "og", f"cards/{e.slug}/og.jpg", 1200, 630, "image/jpeg",
                         80_000, f"{e.title}. {e.excerpt}"[:1500]) for e in entries}


def in_process(project: Path, repeat: int) -> dict[str, float]:
    from glimmer_publish import entries as loader
    from glimmer_publish import feeds, markup
    from glimmer_publish.cards.drawable import undrawable
    from glimmer_publish.feeds import build_feeds

    settings = _settings(project)
    out: dict[str, float] = {}
    out["load_journal, parsing every file"] = median_cpu(
        lambda: loader.load_journal(settings, include_drafts=True), repeat,
        lambda: _forget_everything(project))
    out["load_journal, warm"] = median_cpu(
        lambda: loader.load_journal(settings, include_drafts=True), repeat)
    journal = loader.load_journal(settings, include_drafts=True)
    entries = journal.entries
    out["undrawable, all entries, warm"] = median_cpu(
        lambda: [undrawable(e) for e in entries], repeat)

    def all_html():
        for e in entries:
            markup.to_html(e.body, markup.id_prefix(e.slug))

    out["to_html, all entries, rendered"] = median_cpu(
        all_html, repeat, lambda: _forget_everything(project))
    all_html()
    if hasattr(markup, "save_memo"):
        markup.save_memo()
        out["to_html, all entries, from the memo file"] = median_cpu(
            all_html, repeat, _forget_memory)
    out["to_html, all entries, again"] = median_cpu(all_html, repeat)

    public = [e for e in entries if not e.draft]
    cards = _cards(public)
    out["build_feeds, from scratch"] = median_cpu(
        lambda: build_feeds(public, settings, cards), repeat,
        lambda: _forget_everything(project))
    round_ = iter(range(10_000))
    edited: list = []

    def edit_one():
        # A new body for the newest entry: in every feed it is in (the journal's, its tags').
        n = next(round_)
        edited[:] = [replace(public[0], body=f"Edited, round {n}. {public[0].body}",
                             digest=f"edited-{n}"), *public[1:]]

    build_feeds(public, settings, cards)
    if hasattr(markup, "save_memo"):
        markup.save_memo()

        def new_process_edit_one():
            _forget_everything(None)
            edit_one()
            build_feeds(public, settings, cards)  # the build before leaves its cache files
            markup.save_memo()
            _forget_everything(None)

        out["build_feeds, new process, cache files"] = median_cpu(
            lambda: build_feeds(public, settings, cards), repeat,
            lambda: _forget_everything(None))
        out["build_feeds, new process, one entry edited"] = median_cpu(
            lambda: build_feeds(edited, settings, cards), repeat, new_process_edit_one)
    build_feeds(public, settings, cards)
    out["build_feeds, one entry edited"] = median_cpu(
        lambda: build_feeds(edited, settings, cards), repeat, edit_one)
    out["build_feeds, unchanged"] = median_cpu(
        lambda: build_feeds(public, settings, cards), repeat)
    if hasattr(feeds, "feeds_key"):
        out["feeds_key"] = median_cpu(lambda: feeds.feeds_key(public, settings, cards), repeat)
    out["entries"] = len(entries)
    out["feed files"] = len(build_feeds(public, settings, cards))
    return out


def first_load(project: Path) -> float:
    """CPU of the first load_journal in this (fresh) process, imports excluded."""
    from glimmer_publish import entries as loader

    settings = _settings(project)
    start = time.process_time()
    loader.load_journal(settings, include_drafts=True)
    return time.process_time() - start


# A user's installed package has its bytecode compiled; let the child processes keep theirs.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def fresh(project: Path, what: str) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", what, str(project)],
                         check=True, capture_output=True, text=True, env=CHILD_ENV).stdout
    return float(out.strip().splitlines()[-1])


def glimmer_validate(project: Path) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("glimmer")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "glimmer_publish.cli"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*command, "validate"], cwd=project, check=True, env=CHILD_ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="write the journal here and keep it")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(first_load(Path(args.child[1])))
        return

    import run

    root = args.keep or Path(tempfile.mkdtemp(prefix="glimmer-load-"))
    try:
        project = root / "ours"
        if not (project / "mkdocs.yml").exists():
            run.make_ours(root, args.n, args.seed)
        figures: dict[str, float] = in_process(project, args.repeat)
        cache = project / ".cache"
        runs = []
        for _ in range(args.repeat):
            shutil.rmtree(cache, ignore_errors=True)
            runs.append(fresh(project, "load"))
        figures["load_journal, new process, no cache"] = statistics.median(runs)
        fresh(project, "load")  # leaves the cache (if the loader keeps one)
        figures["load_journal, new process, cache kept"] = statistics.median(
            fresh(project, "load") for _ in range(args.repeat))
        shutil.rmtree(cache, ignore_errors=True)
        first = glimmer_validate(project)
        figures["glimmer validate, no cache, wall"], figures[
            "glimmer validate, no cache, CPU"] = first
        samples = [glimmer_validate(project) for _ in range(args.repeat)]
        figures["glimmer validate, wall"] = statistics.median(w for w, _ in samples)
        figures["glimmer validate, CPU"] = statistics.median(c for _, c in samples)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()[0]
    if args.json:
        print(json.dumps({**figures, "load average": load}, indent=2))
        return
    print(f"N = {args.n}, seed {args.seed}, median of {args.repeat} (CPU seconds unless "
          f"wall); load average at the end {load:.1f}")
    for key, value in figures.items():
        shown = f"{value:d}" if isinstance(value, int) else f"{value * 1000:8.1f} ms"
        print(f"  {key:<44} {shown}")


if __name__ == "__main__":
    main()
