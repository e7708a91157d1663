"""Rendering every card of a journal: cache look-up, parallel drawing, encoding, safe writes.

A card's cache key hashes everything that can change its pixels (text, palette, photo bytes,
format, fonts, this package's code, Pillow's version and the versions of the libraries that
shape its text), so a hit can be copied as is and a CI cache of the folder stays valid for
exactly as long as it should.
"""

from __future__ import annotations

import filecmp
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import Image

from ..entries import Entry
from ..problems import Problem
from ..settings import Settings
from .content import card_alt, card_text, palette_for
from .design import FORMATS, PHOTO_COLOURS, colours_for, draw_card, layout_card
from .drawable import undrawable
from .fonts import fonts_digest
from .layout import engine_versions
from .model import Card
from .photo import PhotoError, cover, open_photo
from .shaping import shaping_versions

MAX_BYTES = 1_000_000  # Bluesky's limit for a link-card image, the tightest we serve
MIME = {"png": "image/png", "jpg": "image/jpeg"}
PREVIEW_BOX = 480  # pages show cards at most ~240 CSS px: 2x for sharp phone screens
PREVIEWS = "thumbs"  # beside cards/, so cards/<slug>/ holds exactly the cards people post


@dataclass
class CardsResult:
    cards: dict[str, dict[str, Card]] = field(default_factory=dict)
    rendered: int = 0
    cached: int = 0
    failed: int = 0  # cards drawn without their (unusable) photo, or not at all
    undrawable: int = 0  # characters left out of cards: no bundled font has them (warned)
    problems: list[Problem] = field(default_factory=list)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """This package's source: a change in how cards are drawn invalidates the cache."""
    h = hashlib.sha256(PIL.__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(fonts_digest().encode())
    return h.hexdigest()


def _photo_digest(entry: Entry) -> str:
    if entry.photo is None:
        return ""
    try:
        return hashlib.sha256(entry.photo.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def cache_key(entry: Entry, settings: Settings, fmt: str, photo_digest: str) -> str:
    data = {
        "code": code_digest(),
        "format": fmt,
        "text": asdict(card_text(entry, settings)),
        "palette": asdict(palette_for(entry)),
        "slug": entry.slug,
        "photo": photo_digest,
        "shaping": shaping_versions(),
        "layout": engine_versions(),  # ICU's breaks, pyphen's hyphens, FriBiDi's levels
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def preview_size(width: int, height: int) -> tuple[int, int]:
    scale = PREVIEW_BOX / max(width, height)
    return round(width * scale), round(height * scale)


def encode_preview(img: Image.Image) -> bytes:
    """A small WebP for page thumbnails: a tenth of the card's bytes, same picture."""
    small = img.convert("RGB").resize(preview_size(*img.size), Image.Resampling.LANCZOS,
                                      reducing_gap=2.0)  # box-reduce first: 2x faster, same look
    out = io.BytesIO()
    small.save(out, "WEBP", quality=82, method=2)
    return out.getvalue()


def encode(img: Image.Image, photo: bool) -> tuple[bytes, str]:
    """PNG for flat colour and text, JPEG for photos; always within the byte budget."""
    if not photo:
        out = io.BytesIO()
        img.save(out, "PNG", compress_level=3)  # level 9 is 3x slower for 15% less
        if out.tell() <= MAX_BYTES:
            return out.getvalue(), "png"
    for quality in (90, 85, 80, 72, 64, 55, 45):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=True,
                 subsampling=0 if quality >= 85 else 2)
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue(), "jpg"


def render_entry(entry: Entry, settings: Settings, formats: Sequence[str]
                 ) -> tuple[dict[str, tuple[bytes, str, bytes]], Problem | None]:
    """Every requested format of one entry (the photo is decoded once for all of them)."""
    photo = None
    problem = None
    if entry.photo is not None:
        try:
            photo = open_photo(entry.photo, max(max(f.width, f.height) for f in FORMATS.values()))
        except PhotoError as exc:
            problem = Problem(entry.source, entry.photo_line, 1, "photo", str(exc),
                              "replace the picture with a JPEG or PNG that opens on your "
                              "computer; the card uses the palette until then", "warning")
    text = card_text(entry, settings)
    seed = hashlib.sha256(entry.slug.encode()).digest()[1]
    out = {}
    for name in formats:
        fmt = FORMATS[name]
        layout = layout_card(text, fmt)
        if photo is not None:
            img = draw_card(layout, PHOTO_COLOURS, cover(photo, fmt.width, fmt.height), seed)
        else:
            img = draw_card(layout, colours_for(palette_for(entry)), None, seed)
        out[name] = (*encode(img, photo is not None), encode_preview(img))
    return out, problem


def _render_job(job: tuple[Entry, Settings, tuple[str, ...]]):
    return render_entry(*job)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write `data` unless the file already holds exactly these bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; cards are published
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def link_if_changed(source: Path, path: Path) -> None:
    """Publish a cached file as a hard link (no copy, no rewrite); copy where links fail."""
    try:
        if os.path.samefile(source, path):
            return
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        link = path.with_name(f".{path.name}.{os.getpid()}.link")
        link.unlink(missing_ok=True)
        os.link(source, link)
        if path.exists() and filecmp.cmp(source, path, shallow=False):
            link.unlink()  # same bytes already there: keep that file as it is
            return
        os.replace(link, path)
    except OSError:
        write_if_changed(path, source.read_bytes())


def _cached(folder: Path, key: str) -> tuple[Path, str, Path] | None:
    preview = folder.parent / PREVIEWS / f"{key}.webp"
    if not preview.is_file():
        return None
    for ext in MIME:
        card = folder / f"{key}.{ext}"
        if card.is_file():
            return card, ext, preview
    return None


def render_cards(
    entries: Sequence[Entry],
    settings: Settings,
    out_dir: Path,
    *,
    formats: Sequence[str] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CardsResult:
    """Write every card of `entries` into out_dir/cards/<slug>/<format>.<png|jpg>.

    Each card also gets a small WebP preview at out_dir/thumbs/<slug>/<format>.webp, which
    pages show instead of the full card (about a tenth of the bytes).
    """
    formats = tuple(formats or settings.card_formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown card format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    cache = (settings.cache_dir or settings.repo_root / ".cache" / "glimmer") / "cards"
    out_dir = Path(out_dir)
    result = CardsResult()
    total, done = len(entries) * len(formats), 0
    todo: list[tuple[Entry, tuple[str, ...], dict[str, str]]] = []

    def publish(entry: Entry, fmt: str, data: bytes | Path, ext: str,
                preview: bytes | Path) -> None:
        """Put one card and its preview in place: bytes just drawn, or files from the cache."""
        nonlocal done
        f = FORMATS[fmt]
        path = f"cards/{entry.slug}/{fmt}.{ext}"
        small = f"{PREVIEWS}/{entry.slug}/{fmt}.webp"
        for source, target in ((data, path), (preview, small)):
            if isinstance(source, Path):
                link_if_changed(source, out_dir / target)
            else:
                write_if_changed(out_dir / target, source)
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        result.cards.setdefault(entry.slug, {})[fmt] = Card(
            entry.slug, fmt, path, f.width, f.height, MIME[ext], size,
            card_alt(entry, settings), small, *preview_size(f.width, f.height))
        done += 1
        if progress:
            progress(done, total)

    for entry in entries:
        missing = undrawable(entry)  # checked for cached cards too: the warning shows every build
        result.undrawable += len(missing)
        result.problems.extend(missing)
        digest = _photo_digest(entry)
        keys = {fmt: cache_key(entry, settings, fmt, digest) for fmt in formats}
        missing = []
        for fmt in formats:
            hit = _cached(cache, keys[fmt])
            if hit is None:
                missing.append(fmt)
            else:
                result.cached += 1
                publish(entry, fmt, *hit)
        if missing:
            todo.append((entry, tuple(missing), keys))

    jobs = [(entry, settings, fmts) for entry, fmts, _ in todo]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            outputs = pool.map(_render_job, jobs)
            _collect(todo, outputs, cache, result, publish)
    else:
        _collect(todo, map(_render_job, jobs), cache, result, publish)
    return result


def _collect(todo, outputs, cache: Path, result: CardsResult, publish) -> None:
    for (entry, _fmts, keys), (images, problem) in zip(todo, outputs, strict=True):
        if problem is not None:
            result.problems.append(problem)
        for fmt, (data, ext, preview) in images.items():
            if problem is None:  # a stand-in card is never cached: the problem shows every build
                write_if_changed(cache.parent / PREVIEWS / f"{keys[fmt]}.webp", preview)
                write_if_changed(cache / f"{keys[fmt]}.{ext}", data)
            else:
                result.failed += 1
            result.rendered += 1
            publish(entry, fmt, data, ext, preview)
