"""Rendering every card of a journal: cache look-up, parallel drawing, encoding, safe writes.

A card's cache key hashes everything that can change its pixels (text, palette, photo bytes,
format, fonts, the style version, Pillow and the versions of the libraries that shape its
text), so a hit can be copied as is and a CI cache of the folder stays valid for exactly as
long as it should — across code changes that leave the pixels alone.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent import futures
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import PIL
from PIL import Image

from ..entries import Entry
from ..files import link_if_changed, write_if_changed
from ..problems import Problem
from ..settings import Settings
from . import worker
from .content import card_alt, card_text, palette_for
from .design import FORMATS, CardText, colours_for
from .drawable import undrawable
from .fonts import fonts_digest
from .layout import engine_versions
from .model import Card
from .shaping import shaping_versions
from .worker import (  # noqa: F401  (MAX_BYTES, PREVIEW_BOX, preview_size: this module's API)
    CARD_EXT,
    MAX_BYTES,
    OG_SMALL,
    PREVIEW_BOX,
    PREVIEW_EXT,
    PREVIEWS,
    CardInput,
    _base,
    encode_card,
    encode_preview,
    preview_size,
)

MIME = {"png": "image/png", "jpg": "image/jpeg"}
PHOTO_HINT = ("replace the picture with a JPEG or PNG that opens on your computer; the card "
              "uses the palette until then")


@dataclass
class CardsResult:
    cards: dict[str, dict[str, Card]] = field(default_factory=dict)
    rendered: int = 0
    cached: int = 0
    failed: int = 0  # cards drawn without their (unusable) photo, or not at all
    undrawable: int = 0  # characters left out of cards: no bundled font has them (warned)
    problems: list[Problem] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the cache entries this run used or made
    keys_by_slug: dict[str, dict[str, str]] = field(default_factory=dict)  # format -> key


# Bump whenever a card's pixels or bytes change (design, layout, encoding). The golden pixel
# tests in tests/test_card_style.py fail until it is bumped, so a refactor that leaves every
# pixel alone keeps every cached card, and one that changes pixels never serves stale ones.
STYLE_VERSION = 10


@lru_cache(maxsize=1)
def engine_digest() -> str:
    """What draws the pixels besides our code: Pillow and the fonts (the shaping libraries'
    versions are in the key on their own, `shaping_versions`)."""
    return hashlib.sha256(f"{PIL.__version__}\n{fonts_digest()}".encode()).hexdigest()


def _photo_digest(entry: Entry) -> str:
    if entry.photo is None:
        return ""
    try:
        return hashlib.sha256(entry.photo.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def cache_key(entry: Entry, settings: Settings, fmt: str, photo_digest: str) -> str:
    return cache_keys(entry, settings, (fmt,), photo_digest)[fmt]


def cache_keys(entry: Entry, settings: Settings, formats: Sequence[str], photo_digest: str,
               text: CardText | None = None) -> dict[str, str]:
    """The cache key of each format of one entry (what they share is gathered once);
    `text` is the entry's `card_text` if the caller has it already."""
    data = {
        "style": STYLE_VERSION,
        "engine": engine_digest(),
        "text": asdict(text or card_text(entry, settings)),
        "palette": asdict(palette_for(entry)),
        "slug": entry.slug,
        "photo": photo_digest,
        "shaping": shaping_versions(),
        "layout": engine_versions(),  # ICU's breaks, pyphen's hyphens, FriBiDi's levels
    }
    return {fmt: hashlib.sha256(json.dumps({**data, "format": fmt}, sort_keys=True).encode())
            .hexdigest() for fmt in formats}


def encode(img: Image.Image, photo: bool) -> tuple[bytes, str]:
    """PNG for flat colour and fine detail, JPEG for photos; always within the byte budget.

    For images other than the cards (collages of many small tiles, which the card study did
    not cover); cards use `encode_card`."""
    if not photo:
        out = io.BytesIO()
        img.save(out, "PNG", compress_level=3)  # level 9 is 3x slower for 15% less
        if out.tell() <= MAX_BYTES:
            return out.getvalue(), "png"
    return encode_card(img, True)


def card_input(entry: Entry, settings: Settings) -> CardInput:
    """What one glimmer's cards are drawn from: all a worker needs (`worker.CardInput`)."""
    return CardInput(entry.slug, card_text(entry, settings), colours_for(palette_for(entry)),
                     entry.photo)


def _photo_problem(entry: Entry, error: str) -> Problem:
    return Problem(entry.source, entry.photo_line, 1, "photo", error, PHOTO_HINT, "warning")


def draw_entry(entry: Entry, settings: Settings, formats: Sequence[str]
               ) -> tuple[dict[str, Image.Image], bool, Problem | None]:
    """Pixels of every requested format of one entry (the photo is decoded once for all).

    Returns the images, whether they carry the entry's photo, and the problem that made a
    stand-in card (an unreadable photo) if there was one.
    """
    images, photo, error = worker.draw_input(card_input(entry, settings), formats)
    return images, photo, None if error is None else _photo_problem(entry, error)


def render_entry(entry: Entry, settings: Settings, formats: Sequence[str]
                 ) -> tuple[dict[str, tuple[bytes, str, bytes]], Problem | None]:
    """Every requested format of one entry, encoded, each with its preview."""
    images, error = worker.render_input(card_input(entry, settings), formats)
    return images, None if error is None else _photo_problem(entry, error)


# How card workers start. "spawn": a fresh interpreter that imports the drawing code alone
# (`worker`). A forked worker is a copy of the build at the moment it forks (the journal,
# MkDocs' files and every page source, 100-200 MB at N = 10,000), and as the build goes on
# writing to its own copy, the worker is left sole owner of those pages: two workers held the
# whole build twice over. A spawned worker's memory does not grow with the journal. Tests
# that patch drawing functions in this process set "fork" so the workers see the patch.
START_METHOD = "spawn"
# Up to this many cards are drawn by a thread of the build, not by worker processes: two
# glimmers' four formats and the half-size og cards of a couple that left the recent window.
FEW_CARDS = 10
# Cards a worker is handed at a time (a few glimmers' worth): fewer round trips through the
# pool's pipes and threads, yet every worker gets at least four batches to even out the end.
BATCH_CARDS = 8


def _batches(tasks: list, cards: int) -> Iterator[list]:
    """Consecutive glimmers (palette order kept) in batches of about `cards` cards."""
    batch: list = []
    size = 0
    for task in tasks:
        batch.append(task)
        size += len(task[1])
        if size >= cards:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def site_formats(entries: Sequence[Entry], settings: Settings) -> dict[str, tuple[str, ...]]:
    """Which cards each glimmer keeps on the site: all formats for recent ones, og for older.

    "Recent" counts back from the newest glimmer, not from today, so the same journal
    always builds the same site."""
    formats = tuple(settings.card_formats)
    days = settings.card_formats_recent_days
    if days is None or not entries:
        return {e.slug: formats for e in entries}
    newest = max(e.date for e in entries)
    older = (OG_SMALL,) if "og" in formats else formats[:1]  # the link preview, else the first
    return {e.slug: formats if (newest - e.date).days <= days else older for e in entries}


def cache_folder(settings: Settings) -> Path:
    return (settings.cache_dir or settings.repo_root / ".cache" / "glimmer") / "cards"


def prune_cache(settings: Settings, keep: set[str], before: float) -> int:
    """Delete cached cards and previews no build needs any more; returns how many files.

    Called after a full build with the keys it used, so a cache carried between CI runs
    holds one site's cards, not every card ever drawn. Files written after `before` (the
    build's start) are left alone: another build may have just made them.
    """
    cards = cache_folder(settings)
    removed = 0
    for folder in (cards, cards.parent / PREVIEWS):
        try:  # a directory listing, not a Path and a stat per file: thousands of cards
            with os.scandir(folder) as listing:
                found = [e for e in listing if not e.name.startswith(".")
                         and (e.name.rpartition(".")[0] or e.name) not in keep]
        except OSError:
            continue
        for entry in found:
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat(
                        follow_symlinks=False).st_mtime < before:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                continue
    return removed


def _cached(folder: Path, key: str, fmt: str) -> tuple[Path, str, Path | bytes] | None:
    preview: Path | bytes = b""
    if fmt != OG_SMALL:
        preview = folder.parent / PREVIEWS / f"{key}.{PREVIEW_EXT}"
        if not preview.is_file():
            return None
    card = folder / f"{key}.{CARD_EXT}"
    return (card, CARD_EXT, preview) if card.is_file() else None


class _Drawing(Card):
    """A card still being drawn: all its metadata is known but its size in bytes, which
    waits for its pixels when read (only feeds read it, for their enclosures)."""

    @property
    def size(self) -> int:  # type: ignore[override]
        return self.__dict__["_job"]._size_of(self.slug, self.format)

    @size.setter
    def size(self, _placeholder: int) -> None:  # the dataclass __init__ sets one
        pass


class CardJob:
    """Cards being drawn in the background (`start_cards`).

    `cards` holds every card's metadata (paths, sizes in pixels, alt text, previews) as soon
    as the job starts; the files of cached cards are already in place, the others arrive
    while the pool draws them. `wait()` returns the whole result once every file is written
    (and raises what a drawing raised); `cancel()` stops drawing what has not started.

    The pool is handed at most `limit` drawings at a time, the next one as one finishes: a
    future, its work item and its callback cost about 2.5 kB in this process, for every card
    of the journal if all were handed out at once (25 MB at N = 10,000).
    """

    def __init__(self, result: CardsResult, total: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.result = result
        self.cards = result.cards
        self.keys = result.keys
        self._total, self._done, self._progress = total, 0, progress
        self._lock = threading.RLock()
        self._drawn = threading.Condition(self._lock)  # notified as cards leave `_drawing`
        self._sizes: dict[tuple[str, str], int] = {}
        self._drawing: set[tuple[str, str]] = set()  # (slug, format) not written yet
        # Futures not finished yet: a finished one leaves, with the image bytes it holds.
        self._futures: set = set()
        self._pool: futures.Executor | None = None
        self._todo: Iterator | None = None  # drawings not handed to the pool yet
        self._hand = None  # task -> its future (the pool's submit)
        self.limit = 1  # drawings handed to the pool at a time
        self.most_in_flight = 0  # the most it ever held at once
        self._submitted = False  # every drawing handed to the pool
        self._stopped = False  # cancelled: hand out nothing more
        self._error: BaseException | None = None

    def _count(self) -> None:
        with self._lock:
            self._done += 1
            if self._progress:
                self._progress(self._done, self._total)

    def _size_of(self, slug: str, fmt: str) -> int:
        with self._drawn:
            self._drawn.wait_for(lambda: (slug, fmt) not in self._drawing)
            if (slug, fmt) not in self._sizes:
                raise RuntimeError(f"the {fmt} card of {slug} could not be drawn") \
                    from self._error
            return self._sizes[(slug, fmt)]

    def _feed(self) -> None:
        """Hand the pool drawings until it holds `limit` of them (or none are left)."""
        while True:
            with self._lock:
                if self._todo is None or self._stopped or len(self._futures) >= self.limit:
                    return
                task = next(self._todo, None)
                if task is None:
                    self._todo, self._submitted = None, True
                    return
                future = self._hand(task)
                self._futures.add(future)
                self.most_in_flight = max(self.most_in_flight, len(self._futures))
            # Outside the lock: a future already done calls back at once, in this thread.
            future.add_done_callback(partial(self._finished, task))

    def _finished(self, task, future) -> None:  # replaced per job by start_cards
        raise NotImplementedError

    def wait(self) -> CardsResult:
        """Every card drawn and written; raises the first error a drawing raised."""
        try:
            with self._drawn:
                self._drawn.wait_for(lambda: not self._drawing)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        if self._error is not None:
            raise self._error
        return self.result

    def _let_workers_go(self) -> None:
        """Once the last card is in, the workers leave (the build may go on for a while)."""
        with self._lock:
            if not self._submitted or self._futures or self._pool is None:
                return
            pool = self._pool
        pool.shutdown(wait=False)

    def cancel(self) -> None:
        """Stop: cards not yet started are not drawn (a failed build needs none of them)."""
        with self._lock:
            self._stopped, self._todo = True, None
            pool = self._pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        with self._drawn:
            self._drawing.clear()
            self._drawn.notify_all()


@contextlib.contextmanager
def _workers_born_deaf(spawning: bool):
    """A spawned worker imports for a while before `worker.start_worker` runs; a Ctrl-C then
    would kill it with a traceback and leave the pool broken. Started while this process
    ignores Ctrl-C, a worker ignores it from its first instruction (the disposition survives
    exec, and Python keeps an ignored SIGINT ignored). Only the main thread may do this."""
    if not spawning or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@contextlib.contextmanager
def _workers_without_main(spawning: bool):
    """A spawned worker first runs the parent's main script again (so that what was pickled
    from it can be found): a writer's own script that calls MkDocs' build without `if
    __name__ == "__main__":` would build again in each worker, which fails. Workers need
    nothing from it (their task is `worker.draw_batch`), so while they start, the parent's
    main module is one with nothing to run. The pool starts every worker in its first
    hand-out (`CardJob.limit` is twice their number), within this block."""
    if not spawning:
        yield
        return
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main


def start_cards(
    entries: Sequence[Entry],
    settings: Settings,
    out_dir: Path,
    *,
    formats: Sequence[str] | None = None,
    per_entry: dict[str, tuple[str, ...]] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CardJob:
    """Start writing every card of `entries` into out_dir/cards/<slug>/<format>.jpg.

    Each card also gets a small JPEG preview at out_dir/thumbs/<slug>/<format>.jpg, which
    pages show instead of the full card (about a quarter of the bytes). `per_entry` narrows
    the formats for some glimmers (see `site_formats`).

    Cached cards are published before this returns; the others are drawn by a process pool
    in the background, link cards (og, which feeds need the sizes of) first. With one
    worker, everything is drawn before this returns.
    """
    formats = tuple(formats or settings.card_formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown card format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    cache = cache_folder(settings)
    out_dir = Path(out_dir)
    result = CardsResult()
    per_entry = per_entry or {}
    allowed = {*formats, *((OG_SMALL,) if "og" in formats else ())}
    wanted = {e.slug: tuple(f for f in per_entry.get(e.slug, formats) if f in allowed)
              for e in entries}
    job = CardJob(result, sum(len(v) for v in wanted.values()), progress)
    todo: list[tuple[Entry, tuple[str, ...], dict[str, str], CardInput]] = []
    alts: dict[str, str] = {}  # one alt text for every format of a glimmer

    def card(entry: Entry, name: str, size: int | None) -> Card:
        """The card's metadata; `size` None while it is being drawn."""
        fmt = _base(name)
        f = FORMATS[fmt]
        path = f"cards/{entry.slug}/{fmt}.{CARD_EXT}"
        width, height = (f.width // 2, f.height // 2) if name == OG_SMALL else (f.width, f.height)
        small, shown = path, (width, height)  # a half-size og card is its own thumbnail
        if name != OG_SMALL:
            small = f"{PREVIEWS}/{entry.slug}/{fmt}.{PREVIEW_EXT}"
            shown = preview_size(width, height)
        if entry.slug not in alts:
            alts[entry.slug] = card_alt(entry, settings)
        args = (entry.slug, fmt, path, width, height, MIME[CARD_EXT], size or 0,
                alts[entry.slug], small, *shown)
        if size is not None:
            return Card(*args)
        drawing = _Drawing(*args)
        object.__setattr__(drawing, "_job", job)
        return drawing

    def publish(entry: Entry, name: str, data: bytes | Path, preview: bytes | Path) -> None:
        """Put one card and its preview in place: bytes just drawn, or files from the cache."""
        made = card(entry, name, data.stat().st_size if isinstance(data, Path) else len(data))
        targets = [(data, made.path)]
        if name != OG_SMALL:
            targets.append((preview, made.preview))
        for source, target in targets:
            if isinstance(source, Path):
                link_if_changed(source, out_dir / target)
            else:
                write_if_changed(out_dir / target, source)
        with job._lock:
            job._sizes[(entry.slug, made.format)] = made.size
            result.cards.setdefault(entry.slug, {})[made.format] = made
        job._count()

    for entry in entries:
        missing = undrawable(entry)  # checked for cached cards too: the warning shows every build
        result.undrawable += len(missing)
        result.problems.extend(missing)
        digest = _photo_digest(entry)
        drawn_from = card_input(entry, settings)
        keys = cache_keys(entry, settings, wanted[entry.slug], digest, drawn_from.text)
        result.keys.update(keys.values())
        result.keys_by_slug[entry.slug] = keys
        missing = []
        for fmt in keys:
            hit = _cached(cache, keys[fmt], fmt)
            try:
                if hit is not None:
                    publish(entry, fmt, hit[0], hit[2])
                    result.cached += 1
                    continue
            except FileNotFoundError:
                pass  # pruned by another build sharing the cache since we looked: draw it
            missing.append(fmt)
        if missing:
            todo.append((entry, tuple(missing), keys, drawn_from))

    def collect(entry: Entry, output) -> None:
        """One glimmer's cards from a drawing: files in the cache, or a stand-in's bytes."""
        images, error = output
        problem = None if error is None else _photo_problem(entry, error)
        with job._lock:
            if problem is not None:
                result.problems.append(problem)
        for name, (data, ext, preview) in images.items():
            if ext != CARD_EXT:  # the metadata above promised this extension
                raise RuntimeError(f"a card was encoded as {ext}, not {CARD_EXT}")
            publish(entry, name, data, preview)
            with job._lock:
                result.failed += problem is not None
                result.rendered += 1

    # Link cards first: feeds need their sizes in bytes before pages are written; the
    # formats people download can follow while pages are built.
    # Within each, glimmers of one palette follow each other: a worker keeps only a few
    # palettes' backgrounds (`design.GLOW_BYTES`), and makes each one once.
    def by_palette(task) -> tuple:
        drawn_from = task[3]
        return drawn_from.photo is not None, drawn_from.colours.background, drawn_from.colours.glow

    first = [(e, tuple(f for f in fmts if _base(f) == "og"), keys, i) for e, fmts, keys, i in todo]
    then = [(e, tuple(f for f in fmts if _base(f) != "og"), keys, i) for e, fmts, keys, i in todo]
    tasks = [t for phase in (first, then) for t in sorted(phase, key=by_palette) if t[1]]
    workers = workers or os.cpu_count() or 1
    cards_to_draw = sum(len(fmts) for _, fmts, _, _ in tasks)

    def draw(batch: list) -> list:
        """What a worker is handed for a few glimmers (`worker.draw_batch`)."""
        return [(i, fmts, {name: keys[name] for name in fmts}) for _, fmts, keys, i in batch]

    if workers == 1 or not tasks:
        for task in tasks:
            collect(task[0], worker.draw_batch(cache, draw([task]))[0])
        return job

    for entry, fmts, _, _ in tasks:
        for name in fmts:
            job._drawing.add((entry.slug, _base(name)))
            result.cards.setdefault(entry.slug, {})[_base(name)] = card(entry, name, None)
    # An edit's or a new glimmer's few cards: a thread beside the page build (Pillow lets go
    # of the interpreter while it rasterises and encodes), not processes that must start and
    # load fonts first (about half a second of CPU each, on the cores the page build needs).
    # concurrent.futures' process pool (and multiprocessing) load only here.
    if cards_to_draw <= FEW_CARDS:
        job._pool = futures.ThreadPoolExecutor(max_workers=1)
        count = 1
    else:
        import multiprocessing

        count = min(workers, len(tasks))
        job._pool = futures.ProcessPoolExecutor(
            max_workers=count, mp_context=multiprocessing.get_context(START_METHOD),
            initializer=worker.start_worker)
        # One batch at work in each worker and one waiting for it, so none goes idle.
        job.limit = 2 * count
    job._hand = lambda batch: job._pool.submit(worker.draw_batch, cache, draw(batch))

    def done(batch, future) -> None:
        try:
            if not future.cancelled():
                for (entry, _, _, _), output in zip(batch, future.result(), strict=True):
                    collect(entry, output)
        except BaseException as exc:  # kept for wait(), which raises it
            with job._lock:
                job._error = job._error or exc
            job.cancel()
        finally:
            with job._drawn:  # its cards are in the site: the future need not keep them
                job._futures.discard(future)
                for entry, fmts, _, _ in batch:
                    for name in fmts:
                        job._drawing.discard((entry.slug, _base(name)))
                job._drawn.notify_all()
            job._feed()
            job._let_workers_go()

    job._finished = done  # type: ignore[method-assign]
    job._todo = _batches(tasks, max(1, min(BATCH_CARDS, cards_to_draw // (4 * count))))
    # Forked workers (tests) are copies of this process: frozen, its objects are left alone
    # by the workers' garbage collector, which would otherwise write to, and so copy into
    # every worker, each page of memory that holds one. (A process that froze its objects
    # already, glimmer's own, keeps them frozen.)
    pooled = isinstance(job._pool, futures.ProcessPoolExecutor)
    forking = pooled and START_METHOD == "fork"
    thaw = forking and gc.get_freeze_count() == 0
    if forking:
        gc.freeze()
    try:
        with _workers_born_deaf(pooled and not forking), \
                _workers_without_main(pooled and not forking):
            job._feed()  # the first drawings start the workers
    finally:
        if thaw:
            gc.unfreeze()
    job._let_workers_go()
    return job


def render_cards(
    entries: Sequence[Entry],
    settings: Settings,
    out_dir: Path,
    *,
    formats: Sequence[str] | None = None,
    per_entry: dict[str, tuple[str, ...]] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CardsResult:
    """Write every card of `entries` into out_dir/cards/<slug>/<format>.jpg and wait for them
    (`start_cards`, then `CardJob.wait`)."""
    return start_cards(entries, settings, out_dir, formats=formats, per_entry=per_entry,
                       workers=workers, progress=progress).wait()
