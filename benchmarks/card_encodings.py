"""Which file format should a card be? Size, encode time and legibility against lossless PNG.

Draws every card of a journal (this repository's sample entries by default) in every format,
encodes each one several ways and reports, per format and encoding: median bytes, median
CPU time of the encode alone, SSIM against the lossless card (mean over the card, and the
worst 64-px tile, which is where damaged text would show), and whether tesseract reads back
every word of the card's text that it reads from the lossless card (words compared after
case folding and with apostrophes dropped; emoji and sparkles, which tesseract reads as
stray symbols that flip with any pixel change, are not words). It also times the ways of
making the small page preview.

    .venv/bin/python benchmarks/card_encodings.py            # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/card_encodings.py --no-ocr   # sizes, times and SSIM only

SSIM is the usual one (Wang et al. 2004: Gaussian window sigma 1.5, K1 0.01, K2 0.03) on
luma, written here in numpy so the study needs nothing heavier than Pillow.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from glimmer_publish.cards.content import card_text  # noqa: E402
from glimmer_publish.cards.render import draw_entry, encode_preview  # noqa: E402
from glimmer_publish.entries import load_journal  # noqa: E402
from glimmer_publish.settings import load_settings  # noqa: E402


def _save(fmt: str, **options) -> Callable[[Image.Image], bytes]:
    def encode(img: Image.Image) -> bytes:
        out = io.BytesIO()
        img.save(out, fmt, **options)
        return out.getvalue()
    return encode


ENCODINGS: dict[str, Callable[[Image.Image], bytes]] = {
    "PNG level 3 (before)": _save("PNG", compress_level=3),
    "PNG level 1": _save("PNG", compress_level=1),
    "JPEG q90 4:4:4": _save("JPEG", quality=90, subsampling=0),
    "JPEG q90 4:4:4 optimized": _save("JPEG", quality=90, subsampling=0, optimize=True),
    "JPEG q85 4:4:4": _save("JPEG", quality=85, subsampling=0),
    "JPEG q85 4:4:4 optimized": _save("JPEG", quality=85, subsampling=0, optimize=True),
    "JPEG q90 4:2:2": _save("JPEG", quality=90, subsampling=1),
    "JPEG q90 4:2:0": _save("JPEG", quality=90, subsampling=2),
    "JPEG q90 4:2:0 optimized": _save("JPEG", quality=90, subsampling=2, optimize=True),
    "JPEG q85 4:2:0 optimized": _save("JPEG", quality=85, subsampling=2, optimize=True),
    "WebP q90 method 2": _save("WEBP", quality=90, method=2),
    "WebP lossless fast": _save("WEBP", lossless=True, quality=0, method=0),
}
LOSSLESS = "PNG level 3 (before)"


def _cpu(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.process_time()
        result = fn()
        times.append(time.process_time() - t)
    return statistics.median(times), result


def _luma(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"), dtype=np.float64)


def _chroma(img: Image.Image) -> np.ndarray:
    """Cb and Cr side by side (what chroma subsampling blurs and SSIM on luma cannot see)."""
    _, cb, cr = img.convert("YCbCr").split()
    return np.hstack([np.asarray(cb, dtype=np.float64), np.asarray(cr, dtype=np.float64)])


def _gauss(a: np.ndarray, sigma: float = 1.5, radius: int = 5) -> np.ndarray:
    x = np.arange(-radius, radius + 1)
    w = np.exp(-(x ** 2) / (2 * sigma ** 2))
    w /= w.sum()
    p = np.pad(a, radius, mode="reflect")
    rows = sum(w[k] * p[k:k + a.shape[0], :] for k in range(len(w)))
    return sum(w[k] * rows[:, k:k + a.shape[1]] for k in range(len(w)))


def ssim(a: Image.Image, b: Image.Image, plane=_luma) -> tuple[float, float]:
    """Mean SSIM and the lowest mean over 64x64 tiles (where a smudged letter would show)."""
    x, y = plane(a), plane(b)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _gauss(x), _gauss(y)
    sxx = _gauss(x * x) - mx * mx
    syy = _gauss(y * y) - my * my
    sxy = _gauss(x * y) - mx * my
    m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    h, w = (m.shape[0] // 64) * 64, (m.shape[1] // 64) * 64
    tiles = m[:h, :w].reshape(h // 64, 64, w // 64, 64).mean(axis=(1, 3))
    return float(m.mean()), float(tiles.min())


def _languages(text: str) -> str:
    names = " ".join(unicodedata.name(c, "") for c in text)
    langs = ["eng"]
    if "ARABIC" in names:
        langs.append("ara")
    if "CJK" in names or "HIRAGANA" in names or "KATAKANA" in names:
        langs.append("jpn")
    return "+".join(langs)


_OCR_SEEN: dict[tuple[bytes, str], str] = {}


def ocr(img: Image.Image, langs: str) -> str:
    """tesseract's reading of a card (optimized and plain JPEG decode alike: read once)."""
    import hashlib

    digest = (hashlib.sha256(img.tobytes()).digest(), langs)
    if digest in _OCR_SEEN:
        return _OCR_SEEN[digest]
    with tempfile.NamedTemporaryFile(suffix=".png") as fh:
        img.save(fh.name)
        out = subprocess.run(["tesseract", fh.name, "stdout", "-l", langs],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
    _OCR_SEEN[digest] = " ".join(out.split())
    return _OCR_SEEN[digest]


def words(text: str) -> Counter:
    """The words of a text as OCR is judged on them: case folded, apostrophes dropped."""
    text = re.sub(r"['’‘`´]", "", text.casefold())
    return Counter(re.findall(r"\w+", text))


def words_read(card_words: Counter, read: str) -> Counter:
    """Which of the card's own words tesseract found (as many times as the card has them)."""
    return card_words & words(read)


def _box480(width: int, height: int) -> tuple[int, int]:
    """The preview size before STYLE_VERSION 5: the long side exactly 480 px."""
    scale = 480 / max(width, height)
    return round(width * scale), round(height * scale)


def _preview_lanczos(img: Image.Image) -> bytes:
    """How previews were made before this study: Lanczos with a box pre-reduction."""
    small = img.convert("RGB").resize(_box480(*img.size), Image.Resampling.LANCZOS,
                                      reducing_gap=2.0)
    out = io.BytesIO()
    small.save(out, "WEBP", quality=82, method=2)
    return out.getvalue()


def _preview_bilinear(img: Image.Image, fmt: str, **options) -> bytes:
    size = _box480(*img.size)
    k = max(1, min(img.width // size[0], img.height // size[1]))
    small = img.convert("RGB").reduce(k) if k > 1 else img.convert("RGB")
    small = small.resize(size, Image.Resampling.BILINEAR)
    out = io.BytesIO()
    small.save(out, fmt, **options)
    return out.getvalue()


def _preview_reduce_webp(img: Image.Image) -> bytes:
    k = max(1, max(img.size) // 480)
    out = io.BytesIO()
    img.convert("RGB").reduce(k).save(out, "WEBP", quality=82, method=2)
    return out.getvalue()


PREVIEWS = {
    "Lanczos (reducing gap 2) + WebP (first)": _preview_lanczos,
    "box reduce + bilinear + WebP (until STYLE_VERSION 5)":
        lambda img: _preview_bilinear(img, "WEBP", quality=82, method=2),
    "box reduce + bilinear + JPEG q82": lambda img: _preview_bilinear(img, "JPEG", quality=82),
    "whole-number box reduce + WebP": _preview_reduce_webp,
    "whole-number box reduce + JPEG q80 (now: render.encode_preview)": encode_preview,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(REPO / "mkdocs.yml"))
    ap.add_argument("--repeat", type=int, default=3, help="encodes per card, median taken")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--ocr-formats", default="og,square,portrait,story")
    ap.add_argument("--formats", help="only these card formats (comma-separated)")
    ap.add_argument("--encodings", help="only encodings whose name contains one of these "
                                        "comma-separated words (the lossless one always runs)")
    args = ap.parse_args(argv)

    settings = load_settings(Path(args.config))
    entries = [e for e in load_journal(settings, include_drafts=True).entries]
    formats = args.formats.split(",") if args.formats else list(settings.card_formats)
    if args.encodings:
        kept = args.encodings.split(",")
        for name in list(ENCODINGS):
            if name != LOSSLESS and not any(w in name for w in kept):
                del ENCODINGS[name]
    ocr_formats = set(args.ocr_formats.split(","))
    rows: dict[tuple[str, str], dict[str, list]] = {}
    previews: dict[tuple[str, str], list[tuple[float, int]]] = {}
    draw_cpu: dict[str, list[float]] = {f: [] for f in formats}
    ocr_total = ocr_same = 0
    ocr_words = [0, 0]  # words tesseract reads from the lossless cards, words on them
    mismatches: list[str] = []
    for entry in entries:
        t = time.process_time()
        images, photo, _ = draw_entry(entry, settings, formats)
        per_card = (time.process_time() - t) / len(formats)
        for fmt, img in images.items():
            draw_cpu[fmt].append(per_card)
            truth = None
            if not args.no_ocr and fmt in ocr_formats:
                langs = _languages(entry.title + (entry.where or "") + entry.body)
                t = card_text(entry, settings)
                card_words = words(" ".join((t.title, t.excerpt, t.footer, t.label)))
                truth = words_read(card_words, ocr(img, langs))
                ocr_words[0] += sum(truth.values())
                ocr_words[1] += sum(card_words.values())
            for name, encode in ENCODINGS.items():
                cpu, data = _cpu(lambda encode=encode, img=img: encode(img), args.repeat)
                back = Image.open(io.BytesIO(data)).convert("RGB")
                mean, worst = ssim(img, back)
                _, chroma_worst = ssim(img, back, _chroma)
                # the largest difference of Cb or Cr at any pixel (0-255): colour fringes
                chroma_max = float(np.abs(_chroma(img) - _chroma(back)).max())
                same = None
                if truth is not None and name != LOSSLESS:
                    lost = truth - words_read(card_words, ocr(back, langs))
                    same = not lost
                    ocr_total += 1
                    ocr_same += same
                    if not same:
                        mismatches.append(f"{entry.slug} {fmt} {name}: lost "
                                          f"{' '.join(sorted(lost.elements()))}")
                row = rows.setdefault((fmt, name), {"bytes": [], "cpu": [], "ssim": [],
                                                    "worst": [], "chroma": [], "fringe": [],
                                                    "ocr": []})
                row["bytes"].append(len(data))
                row["cpu"].append(cpu)
                row["ssim"].append(mean)
                row["worst"].append(worst)
                row["chroma"].append(chroma_worst)
                row["fringe"].append(chroma_max)
                if same is not None:
                    row["ocr"].append(same)
            for name, make in PREVIEWS.items():
                cpu, data = _cpu(lambda make=make, img=img: make(img), args.repeat)
                previews.setdefault((fmt, name), []).append((cpu, len(data)))
        print(f"  {entry.slug}{' (photo)' if photo else ''}", file=sys.stderr)

    print(f"{len(entries)} entries x {len(formats)} formats; medians per card; "
          f"encode CPU is the median of {args.repeat} encodes\n")
    print("| format | encoding | bytes | encode CPU | SSIM mean | SSIM worst tile | "
          "colour (Cb, Cr) SSIM worst tile | largest colour error | OCR: no word lost |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for (fmt, name), row in rows.items():
        ocr_cell = (f"{sum(row['ocr'])}/{len(row['ocr'])}" if row["ocr"] else
                    ("reference" if name == LOSSLESS and not args.no_ocr else "—"))
        print(f"| {fmt} | {name} | {statistics.median(row['bytes']) / 1000:.0f} kB | "
              f"{statistics.median(row['cpu']) * 1000:.1f} ms | "
              f"{statistics.median(row['ssim']):.4f} | {min(row['worst']):.4f} | "
              f"{min(row['chroma']):.4f} | {max(row['fringe']):.0f} | {ocr_cell} |")
    print("\n| format | preview | CPU | bytes |\n| --- | --- | --- | --- |")
    for (fmt, name), vals in previews.items():
        print(f"| {fmt} | {name} | {statistics.median(v[0] for v in vals) * 1000:.1f} ms | "
              f"{statistics.median(v[1] for v in vals) / 1000:.1f} kB |")
    print("\n| format | drawing (layout + pixels), CPU per card |\n| --- | --- |")
    for fmt, vals in draw_cpu.items():
        print(f"| {fmt} | {statistics.median(vals) * 1000:.1f} ms |")
    if ocr_total:
        print(f"\nFrom the lossless cards tesseract reads {ocr_words[0]} of their "
              f"{ocr_words[1]} words. Lossy cards that lose none of those: "
              f"{ocr_same}/{ocr_total}")
        for m in mismatches:
            print(f"- differs: {m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
