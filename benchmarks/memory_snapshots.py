"""What the build process itself holds, and who allocated it, at points inside a cold build.

    .venv/bin/python benchmarks/memory_snapshots.py 2000            # og cards only
    .venv/bin/python benchmarks/memory_snapshots.py 2000 --frames 12 --by traceback

Makes a synthetic journal of N glimmers (as run.py does), then runs one cold `glimmer build`
in a child process with tracemalloc on and the glimmer plugin's hooks wrapped, so that after
`on_files`, after MkDocs has read every page (`on_env`), after the last page is written and
at the end of `on_post_build` it prints the process's PSS, what tracemalloc counts as live,
and the allocation sites holding the most (by file, line or traceback). Card workers are
separate processes: see memory_timeline.py for them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import run

CHILD = r"""
import gc, os, sys, tracemalloc
frames, by, top, dump = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
taken = []
phases = os.environ.get("SNAPSHOT_PHASES") == "1"
if frames:
    tracemalloc.start(frames)
import ctypes, time
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
try:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
except (OSError, AttributeError):
    libc = None
started = time.process_time()
from glimmer_publish.plugin import plugin as P

def pss():
    with open(f"/proc/{os.getpid()}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) // 1024
    return 0

def pymalloc():
    # Python's small-object allocator: bytes in live blocks against arenas held
    import tempfile
    sys.stderr.flush()
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        found = {}
        for line in out:
            name, _, value = line.partition("=")
            if value.strip().replace(",", "").isdigit():
                found.setdefault(name.strip(), int(value.strip().replace(",", "")))
    live = found.get("# bytes in allocated blocks", 0)
    arenas = found.get("Total", 0)  # the first Total: the arenas' bytes
    return f"; pymalloc: {live / 2**20:.0f} MB live in {arenas / 2**20:.0f} MB of arenas"

def snap(label):
    gc.collect()
    m = libc.mallinfo2() if libc else None
    heap = (f", malloc: {m.uordblks / 2**20:.0f} MB used, {m.fordblks / 2**20:.0f} MB free, "
            f"{m.hblkhd / 2**20:.0f} MB mmapped") if m else ""
    print(f"== {label} ({time.process_time() - started:.0f} s CPU): PSS {pss()} MB{heap}"
          f"{pymalloc()}", file=sys.stderr, flush=True)
    if libc is not None and os.environ.get("SNAPSHOT_TRIM") == "1":
        libc.malloc_trim(0)
        print(f"   after malloc_trim(0): PSS {pss()} MB", file=sys.stderr, flush=True)
    if by == "types":
        count, size = {}, {}
        for obj in gc.get_objects():
            name = type(obj).__qualname__
            if name == "dict":
                continue  # counted with their owners, below
            nbytes = sys.getsizeof(obj)
            inner = getattr(obj, "__dict__", None)
            if isinstance(inner, dict):
                nbytes += sys.getsizeof(inner)
            count[name] = count.get(name, 0) + 1
            size[name] = size.get(name, 0) + nbytes
        for name in sorted(size, key=size.get, reverse=True)[:top]:
            print(f"  {size[name] / 2**20:7.2f} MB {count[name]:8d}  {name}", file=sys.stderr)
    if not frames:
        return
    current, peak = tracemalloc.get_traced_memory()
    print(f"   traced {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB)", file=sys.stderr)
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)])
    if dump:
        taken.append(label)
        snapshot.dump(os.path.join(dump, f"{len(taken)}.snapshot"))
    stats = snapshot.statistics(by)
    for stat in stats[:top]:
        where = stat.traceback.format(limit=frames) if by == "traceback" else [str(stat.traceback)]
        print(f"  {stat.size / 2**20:7.2f} MB {stat.count:8d}  " + "\n      ".join(
            w.strip() for w in where), file=sys.stderr)
    tracemalloc.reset_peak()
    if phases:  # the next snapshot holds only what the next phase allocated and kept
        tracemalloc.stop()
        tracemalloc.start(frames)

def wrap(name, label, after=True):
    inner = getattr(P.GlimmerPlugin, name)
    def hook(self, *a, **k):
        if not after:
            snap(label)
        out = inner(self, *a, **k)
        if after:
            snap(label)
        return out
    setattr(P.GlimmerPlugin, name, hook)

wrap("on_files", "before on_files (the journal loaded)", after=False)
wrap("on_files", "after on_files")
wrap("on_env", "after MkDocs read every page (on_env)")
wrap("_publish_stored_pages", "every page written (start of on_post_build)", after=False)
wrap("_report", "end of on_post_build (cards waited for)")
P.GlimmerPlugin.on_post_build = P.CombinedEvent(P.GlimmerPlugin._publish_stored_pages,
                                                P.GlimmerPlugin._report)
from glimmer_publish import cli
sys.argv = ["glimmer", "build"]
code = cli.main()
snap("after the build")
sys.exit(code)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--formats", default="og", help='card_formats, "" for the journal\'s own')
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--frames", type=int, default=1,
                        help="traceback depth kept (0: no tracemalloc, PSS and malloc only)")
    parser.add_argument("--by", default="filename",
                        choices=("filename", "lineno", "traceback", "types"))
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--phases", action="store_true",
                        help="each snapshot holds only what was allocated since the one before")
    parser.add_argument("--dump", type=Path, help="save each snapshot here (1.snapshot, ...)")
    parser.add_argument("--keep", type=Path, help="make the journal here (or reuse it)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix=f"glimmer-snapshots-{args.n}-"))
    try:
        project = root / "ours"
        if not (project / "entries").is_dir():
            project, _ = run.make_ours(root, args.n, args.seed, args.formats or None)
        for cold in (".cache", "site", ".site.previous", ".site.previous.incomplete"):
            path = project / cold
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        env = {**run.child_env(), "SNAPSHOT_PHASES": "1" if args.phases else ""}
        dump = str(args.dump.resolve()) if args.dump else ""
        proc = subprocess.run([sys.executable, "-c", CHILD, str(args.frames), args.by,
                               str(args.top), dump], cwd=project, env=env)
        return proc.returncode
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
