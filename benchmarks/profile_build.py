"""Where a cold build's time goes: cProfile of `glimmer build` and of card rendering.

    .venv/bin/python benchmarks/profile_build.py --n 1000

The build's main process is profiled as a whole. Its cards are drawn in worker processes,
which cProfile does not follow, so card rendering is also profiled on its own, in one process
(`render_cards(..., workers=1)`) over a sample of the same entries.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run

TOP = 25


def top(stats: pstats.Stats, key: str) -> str:
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats(key).print_stats(TOP)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join(line.replace(str(run.REPO) + "/", "").replace(sys.prefix + "/", "")
                     for line in lines[start:] if line.strip())


def profile_build(project: Path, out: Path) -> pstats.Stats:
    shutil.rmtree(project / ".cache", ignore_errors=True)
    shutil.rmtree(project / "site", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), *run.glimmer(), "build"],
                   cwd=project, check=True, env={**os.environ, **run.QUIET_ENV},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"cold build under cProfile: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return pstats.Stats(str(out))


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
        build = profile_build(project, root / "build.prof")
        cards, cpu, rendered = profile_cards(project, args.cards_sample)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    text = "\n".join([
        f"# Profile of a cold build, N = {args.n:,}", "",
        "## `glimmer build`, main process (cards are drawn in worker processes)", "",
        "By cumulative time:", "", "```", top(build, "cumulative"), "```", "",
        "By own time:", "", "```", top(build, "tottime"), "```", "",
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
