"""Contact sheets of the multilingual test journal, one per card format, for the README.

`python tools/multilingual_sheets.py` renders every card of tests/multilingual/ with the real
code and lays them out in small WebP sheets: a quick way to look at every script at once.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from glimmer_publish.cards.design import FORMATS
from glimmer_publish.cards.render import render_cards
from glimmer_publish.cards.sheet import contact_sheet
from glimmer_publish.entries import load_journal
from glimmer_publish.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
JOURNAL = ROOT / "tests" / "multilingual"
OUT = ROOT / ".github" / "readme" / "multilingual"  # not docs/: the sample site publishes that
PER_ROW = {"og": 5, "square": 7, "portrait": 7, "story": 10}
HEIGHT = {"og": 180, "square": 240, "portrait": 280, "story": 360}


def main() -> int:
    settings = load_settings(JOURNAL / "mkdocs.yml")
    journal = load_journal(settings)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(settings, cache_dir=Path(tmp) / "cache")
        result = render_cards(journal.entries, settings, Path(tmp), formats=tuple(FORMATS))
        for name in FORMATS:
            files = [Path(tmp) / result.cards[e.slug][name].path for e in journal.entries]
            n = PER_ROW[name]
            rows = [files[i:i + n] for i in range(0, len(files), n)]
            sheet = contact_sheet(rows, height=HEIGHT[name])
            path = OUT / f"{name}.webp"
            sheet.save(path, "WEBP", quality=80, method=6)
            print(f"{path.relative_to(ROOT)}: {sheet.width}x{sheet.height}, "
                  f"{path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
