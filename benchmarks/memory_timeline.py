"""Who holds the memory of a cold build: the build process against its card workers, over time.

    .venv/bin/python benchmarks/memory_timeline.py 3000              # og cards only
    .venv/bin/python benchmarks/memory_timeline.py 1000 --formats "" # the journal's own formats

Makes a synthetic journal of N glimmers (as run.py does), runs one cold `glimmer build` and
samples the proportional set size (PSS) of the build process and of each of its descendants
every 0.2 s. Prints the peak of the whole tree with the share of each process at that moment,
then a timeline: the figure run.py reports as "tree", taken apart.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import measure
import run


def pss_mb(pid: int) -> int:
    return measure._memory_kb(pid) // 1024


def descendants(root: int) -> list[int]:
    tree = measure._children()
    found, todo = [], list(tree.get(root, ()))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, ()))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--formats", default="og", help='card_formats, "" for the journal\'s own')
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rows", type=int, default=25, help="timeline rows to print")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix=f"glimmer-memory-{args.n}-"))
    try:
        project, _ = run.make_ours(root, args.n, args.seed, args.formats or None)
        env = run.child_env()
        start = time.perf_counter()
        with (root / "log.txt").open("wb") as log:
            proc = subprocess.Popen([*run.glimmer(), "build"], cwd=project, env=env,
                                    stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
            timeline: list[tuple[float, int, list[int]]] = []
            while proc.poll() is None:
                others = [pss_mb(p) for p in descendants(proc.pid)]
                timeline.append((time.perf_counter() - start, pss_mb(proc.pid), others))
                time.sleep(0.2)
        if proc.returncode:
            print((root / "log.txt").read_text(errors="replace")[-2000:], file=sys.stderr)
            return proc.returncode
        wall = time.perf_counter() - start
        at, main_mb, others = max(timeline, key=lambda row: row[1] + sum(row[2]))
        print(f"N = {args.n}, cold build {wall:.0f} s; tree peak {main_mb + sum(others)} MB at "
              f"{at:.0f} s: build process {main_mb} MB, others {others} MB; build process "
              f"alone at most {max(row[1] for row in timeline)} MB")
        for at, main_mb, others in timeline[::max(1, len(timeline) // args.rows)]:
            print(f"  {at:6.1f} s  tree {main_mb + sum(others):4d} MB  build {main_mb:4d} MB  "
                  f"others {others}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
