"""Whole-process measurements: wall time, CPU time and peak memory of a command and its children.

Each run is a fresh process. Two memory figures, because a process pool spreads memory over
several processes: `rss` is the largest single process (from wait4's rusage, which folds in
every child the command waited for), `tree` is the peak of the summed proportional set size
(PSS) of the command and all its descendants, sampled every 50 ms from /proc.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds, children included
    rss_mb: float  # largest single process
    tree_mb: float  # peak PSS of the whole process tree (sampled)
    returncode: int


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def _memory_kb(pid: int) -> int:
    """PSS of one process (shared pages counted once over the tree), RSS if PSS is unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE // 1024
    except OSError:
        return 0


def _tree_kb(root: int) -> int:
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_kb(pid)
        todo.extend(tree.get(pid, ()))
    return total


def run(cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `cmd` to completion in a fresh process and measure it."""
    peak = [0]
    done = threading.Event()
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL)

        def sample() -> None:
            while not done.wait(0.05):
                peak[0] = max(peak[0], _tree_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024,
                  tree_mb=max(peak[0], usage.ru_maxrss) / 1024, returncode=proc.returncode)


@dataclass(frozen=True)
class Summary:
    median: float
    low: float
    high: float
    runs: int

    def text(self, unit: str = "s", digits: int = 2) -> str:
        if self.runs == 1:
            return f"{self.median:.{digits}f} {unit}"
        return f"{self.median:.{digits}f} {unit} ({self.low:.{digits}f}–{self.high:.{digits}f})"


def summarize(values: list[float]) -> Summary:
    return Summary(statistics.median(values), min(values), max(values), len(values))
