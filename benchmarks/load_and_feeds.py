"""What every build does over all entries: loading the journal, the feeds, the body HTML.

    .venv/bin/python benchmarks/load_and_feeds.py               # N = 1,000, median of 5
    .venv/bin/python benchmarks/load_and_feeds.py --n 200 --repeat 3

A seeded synthetic journal (benchmarks/synth.py, the one benchmarks/run.py builds) is written
to a temporary folder. CPU time (time.process_time) of one process, median of `--repeat` runs
after one warm-up run:

- load_journal: warm (a second load in the same process, as `glimmer build` and its plugin
  do and as `glimmer serve` does after each save) and in a fresh process with and without the
  on-disk cache of parsed entries;
- undrawable: the card warnings of every entry (each build and `glimmer validate`);
- to_html over every entry: rendered from scratch, and again (memo);
- build_feeds: from scratch (no memo at all), after editing one entry, and unchanged;
- `glimmer validate`: a whole fresh process, wall and CPU time.

Each row says what was measured; rows the code under test cannot do are left out.
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


def _clear_memos() -> None:
    """Forget every rendered body and feed item (what a fresh process starts with)."""
    from glimmer_publish import feeds, markup

    for name in ("clear_memo",):
        for module in (markup, feeds):
            if hasattr(module, name):
                getattr(module, name)()
    for name in ("_sanitized", "_converted"):
        cached = getattr(markup, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


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
    from glimmer_publish import markup
    from glimmer_publish.cards.drawable import undrawable
    from glimmer_publish.feeds import build_feeds

    settings = _settings(project)
    out: dict[str, float] = {}
    out["load_journal, warm"] = median_cpu(
        lambda: loader.load_journal(settings, include_drafts=True), repeat)
    journal = loader.load_journal(settings, include_drafts=True)
    entries = journal.entries
    out["undrawable, all entries"] = median_cpu(
        lambda: [undrawable(e) for e in entries], repeat)

    def all_html():
        for e in entries:
            markup.to_html(e.body, markup.id_prefix(e.slug))

    out["to_html, all entries, rendered"] = median_cpu(all_html, repeat, _clear_memos)
    out["to_html, all entries, again"] = median_cpu(all_html, repeat)

    public = [e for e in entries if not e.draft]
    cards = _cards(public)
    out["build_feeds, from scratch"] = median_cpu(
        lambda: build_feeds(public, settings, cards), repeat, _clear_memos)
    round_ = iter(range(10_000))
    edited: list = []

    def edit_one():
        # A new body for the newest entry: in every feed it is in (the journal's, its tags').
        n = next(round_)
        edited[:] = [replace(public[0], body=f"Edited, round {n}. {public[0].body}",
                             digest=f"edited-{n}"), *public[1:]]

    out["build_feeds, one entry edited"] = median_cpu(
        lambda: build_feeds(edited, settings, cards), repeat, edit_one)
    out["build_feeds, unchanged"] = median_cpu(
        lambda: build_feeds(public, settings, cards), repeat)
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


def fresh(project: Path, what: str) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", what, str(project)],
                         check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def glimmer_validate(project: Path) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("glimmer")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(exe), "validate"], cwd=project, check=True,
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
        figures["load_journal, fresh process, no cache"] = statistics.median(runs)
        fresh(project, "load")  # leaves the cache (if the loader keeps one)
        figures["load_journal, fresh process, cache kept"] = statistics.median(
            fresh(project, "load") for _ in range(args.repeat))
        glimmer_validate(project)
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
