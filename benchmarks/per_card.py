"""CPU per card, one process: drawing, the JPEG encode and the JPEG page preview, per format.

    .venv/bin/python benchmarks/per_card.py                 # 40 warm-up + 200 timed entries
    .venv/bin/python benchmarks/per_card.py --timed 400 --formats og,story

A seeded synthetic journal (benchmarks/synth.py, the one benchmarks/run.py builds) is
written to a temporary folder. The first `--warmup` entries are drawn once in every format
(fonts opened, backgrounds and sparkles made: what a worker pays once, not per card); the
next `--timed` entries, which the warm-up never saw, are then timed card by card with
`time.process_time`, so nothing measured is served from a cache of an earlier drawing of the
same text. Each card is timed exactly as `render.render_entry` makes it in the pool:
drawing (layout, shaping, rasterising, `render.draw_entry`), encoding (`render.encode_card`)
and the page preview (`render.encode_preview`). The figures are medians per format, and the
target figure (issue 14: at most 15 ms) is the median over formats of the per-card totals.

    .venv/bin/python benchmarks/per_card.py --pool 1000 --formats og,story
    .venv/bin/python benchmarks/per_card.py --pool 1000 --photo-size 4032x3024  # phones' photos

`--pool N` measures instead what benchmarks/run.py calls "per card": `glimmer cards --format
X` with the card cache cleared, over a synthetic journal of N glimmers, minus `glimmer
validate`, over N; and takes it apart: the build process's own CPU (user and system; it
keys every card, hands the pool its work and writes every file) beyond `glimmer validate`,
the workers' CPU, and the mean of drawing the same N cards one after another in this
process (photos and long texts included, which a median leaves out).
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run  # noqa: E402
import synth  # noqa: E402

from glimmer_publish.cards.content import palette_for  # noqa: E402
from glimmer_publish.cards.render import (  # noqa: E402
    draw_entry,
    encode_card,
    encode_preview,
    render_entry,
)
from glimmer_publish.entries import load_journal  # noqa: E402
from glimmer_publish.settings import load_settings  # noqa: E402

FORMATS = ("og", "square", "portrait", "story")
PHASES = ("drawing", "encode", "preview")


def by_palette(entry) -> tuple:
    palette = palette_for(entry)
    return entry.photo is not None, repr(palette)


def time_card(entry, settings, fmt: str) -> dict[str, float]:
    """CPU seconds of each phase of one card."""
    t0 = time.process_time()
    images, photo, _ = draw_entry(entry, settings, (fmt,))
    t1 = time.process_time()
    img = images[fmt]
    encode_card(img, photo)  # as render_entry: only the half-size og card is compacted
    t2 = time.process_time()
    encode_preview(img)
    t3 = time.process_time()
    return {"drawing": t1 - t0, "encode": t2 - t1, "preview": t3 - t2, "total": t3 - t0}


# Runs glimmer's command line in a child, which reports its own CPU (user, system) as the
# command returns; the rest of what the child and its workers used (they are reaped as it
# exits) is the difference to this process's children's CPU.
_RUSAGE = """
import json, resource, sys
from glimmer_publish.cli import main
if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
    me = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps([me.ru_utime, me.ru_stime]), file=sys.stderr)
    sys.exit(code or 0)
"""


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _cpu(project: Path, *args: str) -> tuple[float, float, float]:
    """The command's own user and system CPU, and the CPU of it and all it started."""
    env = run.child_env()  # bytecode compiled, as a user's installed package has it
    before = _children_cpu()
    done = subprocess.run([sys.executable, "-c", _RUSAGE, *args], cwd=project, env=env,
                          capture_output=True, text=True, check=True)
    user, system = json.loads(done.stderr.strip().splitlines()[-1])
    return user, system, _children_cpu() - before


def pool(n: int, formats: list[str], seed: int,
         photo_size: tuple[int, int] = synth.PHOTO_SIZE) -> None:
    """The pool's figure per card, and where it goes (see the module's docstring)."""
    with tempfile.TemporaryDirectory(prefix="glimmer-per-card-pool-") as tmp:
        project = Path(tmp)
        shutil.copy(HERE.parent / "mkdocs.yml", project / "mkdocs.yml")
        synth.generate(project / "entries", n, seed, photo_size=photo_size)
        base = statistics.median(_cpu(project, "validate")[2] for _ in range(3))
        settings = load_settings(project / "mkdocs.yml")
        entries = load_journal(settings).entries
        print(f"N = {n}, photos {photo_size[0]}x{photo_size[1]}, `glimmer validate` {base:.2f} s "
              "CPU; ms per card "
              f"(load average {os.getloadavg()[0]:.1f} at the start)")
        print("| format | pool figure | build process (user - validate) + system | workers | "
              "one process, mean | one process, median |")
        print("| --- | --- | --- | --- | --- | --- |")
        for fmt in formats:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            out = project / f"cards-{fmt}"
            user, system, total = _cpu(project, "cards", "--format", fmt, "--out", str(out))
            shutil.rmtree(out, ignore_errors=True)
            times = []
            for entry in entries:
                t0 = time.process_time()
                render_entry(entry, settings, (fmt,))
                times.append(time.process_time() - t0)
            ms = 1000 / n
            print(f"| {fmt} | {(total - base) * ms:.1f} | "
                  f"{(user - base) * ms:.1f} + {system * ms:.1f} | "
                  f"{(total - user - system) * ms:.1f} | {sum(times) * ms:.1f} | "
                  f"{statistics.median(times) * 1000:.1f} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=40, help="entries drawn once first")
    parser.add_argument("--timed", type=int, default=200, help="entries timed after that")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pool", type=int, metavar="N",
                        help="instead: `glimmer cards` over N glimmers, taken apart")
    parser.add_argument("--photo-size", default="x".join(map(str, synth.PHOTO_SIZE)),
                        metavar="WxH", help="the synthetic photos' size (a phone's: 4032x3024)")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    if args.pool:
        width, height = (int(v) for v in args.photo_size.lower().split("x"))
        pool(args.pool, formats, args.seed, (width, height))
        return 0

    with tempfile.TemporaryDirectory(prefix="glimmer-per-card-") as tmp:
        project = Path(tmp)
        shutil.copy(HERE.parent / "mkdocs.yml", project / "mkdocs.yml")
        synth.generate(project / "entries", args.warmup + args.timed, args.seed)
        settings = load_settings(project / "mkdocs.yml")
        entries = load_journal(settings).entries
        warm, timed = entries[:args.warmup], entries[args.warmup:]
        # In the order the pool hands them to a worker: glimmers of one palette after each
        # other, so a worker's few kept backgrounds (`design.GLOW_BYTES`) are made once each.
        timed.sort(key=by_palette)
        for entry in warm:
            for fmt in formats:
                time_card(entry, settings, fmt)
        samples: dict[str, list[dict[str, float]]] = {fmt: [] for fmt in formats}
        for entry in timed:
            for fmt in formats:  # formats interleaved: a change in load hits them alike
                samples[fmt].append(time_card(entry, settings, fmt))

    load = os.getloadavg()[0]
    print(f"CPU per card, ms (median of {len(timed)} cards after {len(warm)} warm-up "
          f"entries; seed {args.seed}; load average {load:.1f})")
    print("| format | drawing | encode | preview | total |")
    print("| --- | --- | --- | --- | --- |")
    totals = []
    for fmt in formats:
        med = {k: statistics.median(s[k] for s in samples[fmt]) * 1000
               for k in (*PHASES, "total")}
        totals.append(med["total"])
        print(f"| {fmt} | " + " | ".join(f"{med[k]:.1f}" for k in (*PHASES, "total")) + " |")
    print(f"median over formats: {statistics.median(totals):.1f} ms per card (target 15)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
