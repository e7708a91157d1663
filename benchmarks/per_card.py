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
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import synth  # noqa: E402

from glimmer_publish.cards.render import (  # noqa: E402
    draw_entry,
    encode_card,
    encode_preview,
)
from glimmer_publish.entries import load_journal  # noqa: E402
from glimmer_publish.settings import load_settings  # noqa: E402

FORMATS = ("og", "square", "portrait", "story")
PHASES = ("drawing", "encode", "preview")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warmup", type=int, default=40, help="entries drawn once first")
    parser.add_argument("--timed", type=int, default=200, help="entries timed after that")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]

    with tempfile.TemporaryDirectory(prefix="glimmer-per-card-") as tmp:
        project = Path(tmp)
        shutil.copy(HERE.parent / "mkdocs.yml", project / "mkdocs.yml")
        synth.generate(project / "entries", args.warmup + args.timed, args.seed)
        settings = load_settings(project / "mkdocs.yml")
        entries = load_journal(settings).entries
        warm, timed = entries[:args.warmup], entries[args.warmup:]
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
