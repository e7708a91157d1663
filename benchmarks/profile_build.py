"""Where a build's time goes: cProfile of `glimmer build` (cold and again) and of card rendering.

    .venv/bin/python benchmarks/profile_build.py --n 1000

The build's main process is profiled as a whole, cold and then with nothing changed (every
card from the cache, so all of that build's work is in the main process). Cold cards are drawn
in worker processes, which cProfile does not follow, so card rendering is also profiled on its
own, in one process (`render_cards(..., workers=1)`) over a sample of the same entries.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run

TOP = 30


def top(stats: pstats.Stats, key: str) -> str:
    """The TOP lines of a profile, with this machine's folders cut from the file names."""
    import glimmer_publish

    out = io.StringIO()
    stats.stream = out
    stats.sort_stats(key).print_stats(TOP)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    folders = {str(Path(glimmer_publish.__file__).parent.parent), str(run.REPO), sys.prefix,
               sys.base_prefix, tempfile.gettempdir()}
    text = "\n".join(line for line in lines[start:] if line.strip())
    for folder in sorted(folders, key=len, reverse=True):
        text = text.replace(folder + "/", "")
    return text


def profile_build(project: Path, out: Path, cold: bool) -> tuple[pstats.Stats, float]:
    """Profile one `glimmer build` (cold: caches and site deleted first) and time it."""
    if cold:
        shutil.rmtree(project / ".cache", ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), *run.glimmer(), "build"],
                   cwd=project, check=True, env=run.child_env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return pstats.Stats(str(out)), time.perf_counter() - started


def profile_cards(project: Path, sample: int) -> tuple[pstats.Stats, float, int]:
    from glimmer_publish.cards import render_cards
    from glimmer_publish.entries import load_journal
    from glimmer_publish.settings import load_settings

    settings = load_settings(project / "mkdocs.yml")
    settings = dataclasses.replace(settings, cache_dir=project / ".cache-profile")
    entries = load_journal(settings).entries[:sample]
    render_cards(entries[:1], settings, project / "cards-warm", workers=1)  # load fonts once
    profiler = cProfile.Profile()
    cpu = time.process_time()
    profiler.enable()
    result = render_cards(entries[1:], settings, project / "cards-profile", workers=1)
    profiler.disable()
    return pstats.Stats(profiler), time.process_time() - cpu, result.rendered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=1000, help="journal size (default: 1000)")
    parser.add_argument("--cards-sample", type=int, default=41,
                        help="entries whose cards are profiled in one process (default: 41)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=run.OUT / "profile.md")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="glimmer-profile-"))
    try:
        project, _ = run.make_ours(root, args.n, args.seed)
        build, cold_s = profile_build(project, root / "cold.prof", cold=True)
        again, again_s = profile_build(project, root / "again.prof", cold=False)
        cards, cpu, rendered = profile_cards(project, args.cards_sample)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    text = "\n".join([
        f"# Where a build's time goes, N = {args.n:,}", "",
        f"## Cold `glimmer build` ({cold_s:.1f} s under cProfile), main process only: the "
        "cards are drawn in worker processes", "",
        "By cumulative time:", "", "```", top(build, "cumulative"), "```", "",
        f"## `glimmer build` again, nothing changed ({again_s:.1f} s under cProfile)", "",
        "By cumulative time:", "", "```", top(again, "cumulative"), "```", "",
        "By own time:", "", "```", top(again, "tottime"), "```", "",
        f"## Card rendering in one process: {rendered} cards, {cpu:.1f} s CPU, "
        f"{cpu / max(rendered, 1) * 1000:.0f} ms per card", "",
        "By own time:", "", "```", top(cards, "tottime"), "```", "",
        "By cumulative time:", "", "```", top(cards, "cumulative"), "```", "",
    ])
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
