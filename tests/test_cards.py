"""Rendered cards: sizes, byte budget, determinism, cache, contrast, photos and bad photos."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from itertools import pairwise
from pathlib import Path

import pytest
from glimmer_testing import TmpJournal
from PIL import Image, JpegImagePlugin

from glimmer_publish.cards import CardsResult, card_alt, render_cards
from glimmer_publish.cards.content import card_text, palette_for
from glimmer_publish.cards.design import (
    FORMATS,
    PHOTO_COLOURS,
    background,
    colours_for,
    layout_card,
)
from glimmer_publish.cards.photo import cover, open_photo, open_photos
from glimmer_publish.cards.render import MAX_BYTES, draw_entry
from glimmer_publish.entries import load_journal
from glimmer_publish.palettes import PALETTES, contrast, luminance

LONG_TITLE = ("A stranger on the early bus handed me the window seat, and the whole valley "
              "was full of mist and light")


def photo_bytes(exif_rotated: bool = True) -> bytes:
    """A landscape photo: warm left half, blue right half, with GPS and an EXIF rotation."""
    im = Image.new("RGB", (1600, 1000), (240, 150, 60))
    im.paste((40, 90, 220), (800, 0, 1600, 1000))
    exif = Image.Exif()
    if exif_rotated:
        exif[0x0112] = 6  # shown rotated 90° clockwise: the warm half ends up on top
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    exif[0x010F] = "GlimmerCam"
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def bomb_png() -> bytes:
    """A tiny PNG whose header claims 30000×30000 pixels."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = bytearray(data[12:29])
    ihdr[4:12] = struct.pack(">II", 30000, 30000)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def write_samples(j: TmpJournal) -> None:
    j.entry("2026-06-02-birds.md", "Birds before the alarm", where="Bedroom window",
            body="I woke a few minutes before the alarm and lay still. A blackbird sang.")
    j.entry("2026-09-19-jasmine.md", "ياسمين في المساء", card="{palette: dusk}",
            body="The jasmine by the door opened all at once tonight.")
    j.entry("2026-08-15-cat.md", "The cat found the only patch of sun 🐈☀️ 👨‍👩‍👧 🇯🇵",
            body="One square of sunlight, and the cat exactly inside it. 🧡")
    j.write("photos/valley.jpg", photo_bytes())
    j.entry("2026-10-01-valley.md", LONG_TITLE, photo="photos/valley.jpg",
            photo_alt="Mist over a valley",
            body="Mist in every fold of the hills.")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> tuple[TmpJournal, list, CardsResult, Path]:
    j = TmpJournal(tmp_path_factory.mktemp("cards"))
    write_samples(j)
    journal = load_journal(j.settings)
    assert not journal.problems
    out = j.root / "site"
    return j, journal.entries, render_cards(journal.entries, j.settings, out, workers=2), out


def test_every_card_has_its_exact_size_and_fits_the_byte_budget(rendered):
    j, entries, result, out = rendered
    assert result.rendered == len(entries) * 4 and result.failed == 0 and not result.problems
    for entry in entries:
        assert set(result.cards[entry.slug]) == set(FORMATS)
        for name, card in result.cards[entry.slug].items():
            data = (out / card.path).read_bytes()
            assert card.size == len(data) <= MAX_BYTES
            assert card.path.startswith(f"cards/{entry.slug}/{name}.")
            with Image.open(out / card.path) as im:
                assert im.size == (FORMATS[name].width, FORMATS[name].height)
                assert (card.width, card.height) == im.size
                assert card.mime == Image.MIME[im.format]
            assert card.alt == card_alt(entry, j.settings)


def _words(img: Image.Image, langs: str) -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "card.png"
        img.save(path)
        read = subprocess.run(["tesseract", str(path), "stdout", "-l", langs],
                              capture_output=True, text=True, check=True, timeout=120,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout
    return set(re.findall(r"\w{2,}", read.casefold()))


@pytest.mark.parametrize("slug, fmt, langs", [("birds", "og", "eng"), ("birds", "story", "eng"),
                                               ("jasmine", "square", "ara+eng")])
def test_published_cards_read_back_as_well_as_the_lossless_drawing(rendered, slug, fmt, langs):
    """Cards are JPEG with halved colour resolution (4:2:0): the text is all in the full-
    resolution brightness, so OCR finds every word there that it finds in the pixels drawn."""
    j, entries, result, out = rendered
    entry = next(e for e in entries if slug in e.slug)
    card = result.cards[entry.slug][fmt]
    with Image.open(out / card.path) as im:
        assert im.format == "JPEG" and JpegImagePlugin.get_sampling(im) == 2
        published = im.convert("RGB")
    drawn = draw_entry(entry, j.settings, (fmt,))[0][fmt]
    lossless = _words(drawn, langs)
    assert len(lossless) >= 5, lossless  # the title, excerpt and footer are really read
    assert lossless <= _words(published, langs)


def test_same_inputs_give_byte_identical_files_without_metadata(rendered, tmp_path):
    _, entries, _, out = rendered
    fresh = TmpJournal(tmp_path)  # its own, empty cache: everything is drawn again
    some = [e for e in entries if e.photo or "🐈" in e.title]
    again = render_cards(some, fresh.settings, tmp_path / "site", workers=1)
    assert again.cached == 0 and again.rendered == 8
    for slug, cards in again.cards.items():
        for name, card in cards.items():
            assert (out / card.path).read_bytes() == (tmp_path / "site" / card.path).read_bytes()
            with Image.open(out / card.path) as im:
                assert not im.getexif() and "exif" not in im.info
            assert b"GlimmerCam" not in (out / card.path).read_bytes(), (slug, name)


def test_a_second_build_copies_from_the_cache_and_leaves_identical_files_alone(rendered):
    j, entries, _, out = rendered
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.*")}
    again = render_cards(entries, j.settings, out, workers=2)
    assert (again.rendered, again.cached) == (0, len(entries) * 4)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.*")} == before


def test_changing_one_entry_redraws_only_its_cards(tmp_path):
    j = TmpJournal(tmp_path)
    j.entry("2026-01-01-one.md", "One small thing")
    j.entry("2026-01-02-two.md", "Another small thing")
    entries = load_journal(j.settings).entries
    first = render_cards(entries, j.settings, tmp_path / "site", formats=["og"], workers=1)
    assert (first.rendered, first.cached) == (2, 0)
    j.entry("2026-01-02-two.md", "Another small thing, retold")
    entries = load_journal(j.settings).entries
    second = render_cards(entries, j.settings, tmp_path / "site", formats=["og"], workers=1)
    assert (second.rendered, second.cached) == (1, 1)
    cache_files = list((j.settings.cache_dir / "cards").iterdir())
    assert len(cache_files) == 3 and not any(p.name.endswith(".tmp") for p in cache_files)


def test_every_palette_meets_wcag_aa_on_its_background_and_glow():
    for p in PALETTES.values():
        for surface in (p.background, p.glow):
            assert contrast(p.text, surface) >= 4.5, p.name
            assert contrast(p.muted, surface) >= 4.5, p.name
            assert contrast(p.accent, surface) >= 3.0, p.name  # the motif: a graphic
    assert {p.dark for p in PALETTES.values()} == {True, False} and len(PALETTES) >= 6


def _worst(img: Image.Image, box, dark_text: bool) -> tuple[int, int, int]:
    region = img.crop(tuple(round(v) for v in box))
    colours = [c for _, c in region.getcolors(region.width * region.height)]
    return (max if not dark_text else min)(colours, key=luminance)


@pytest.mark.parametrize("name", ["og", "story"])
def test_text_keeps_4_5_to_1_against_the_worst_pixel_beneath_it(rendered, name):
    j, entries, _, _ = rendered
    for entry in entries:
        layout = layout_card(card_text(entry, j.settings), FORMATS[name])
        if entry.photo:
            colours = PHOTO_COLOURS
            size = (FORMATS[name].width, FORMATS[name].height)
            photo = cover(open_photo(entry.photo, [size]), *size)
        else:
            colours, photo = colours_for(palette_for(entry)), None
        under = background(layout, colours, photo)
        dark_text = luminance(colours.text) < 0.2
        for placed in layout.blocks:
            colour = colours.text if placed.kind in ("title", "excerpt") else colours.muted
            for box in placed.ink():
                assert contrast(colour, _worst(under, box, dark_text)) >= 4.5, (entry.slug,
                                                                                   placed.kind)


def test_photo_is_turned_upright_and_cropped_to_fill_each_format(rendered):
    _, entries, result, out = rendered
    entry = next(e for e in entries if e.photo)
    for name in ("og", "story"):
        with Image.open(out / result.cards[entry.slug][name].path) as im:
            top = im.convert("RGB").getpixel((8, 8))
            bottom = im.convert("RGB").getpixel((8, im.height - 8))
        assert top[0] > top[2] + 10, "the warm half of the photo belongs on top"
        assert bottom[2] > bottom[0] + 10, "the blue half of the photo belongs at the bottom"


@pytest.mark.parametrize("case", ["truncated", "corrupt", "bomb", "missing"])
def test_a_bad_photo_gives_a_problem_on_its_line_and_a_palette_card(tmp_path, case):
    j = TmpJournal(tmp_path)
    good = photo_bytes(exif_rotated=False)
    data = {"truncated": good[: len(good) // 2], "corrupt": good[:20] + b"\x00garbage" * 50,
            "bomb": bomb_png(), "missing": good}[case]
    name = "pic.png" if case == "bomb" else "pic.jpg"
    j.write(name, data)
    j.entry("2026-02-02-pic.md", "A picture", photo=name, photo_alt="A picture")
    entries = load_journal(j.settings).entries
    assert entries, "the loader accepts it: the problem only shows when decoding"
    if case == "missing":
        (j.entries_dir / name).unlink()
    result = render_cards(entries, j.settings, tmp_path / "site", formats=["og"], workers=1)
    assert result.failed == 1 and len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.path, problem.line, problem.field) == ("entries/2026-02-02-pic.md", 4,
                                                           "photo")
    assert "Traceback" not in problem.message
    card = result.cards[entries[0].slug]["og"]
    assert card.mime == "image/jpeg" and (tmp_path / "site" / card.path).is_file()
    again = render_cards(entries, j.settings, tmp_path / "site", formats=["og"], workers=1)
    assert again.problems == result.problems, "a stand-in card is not cached"


def test_alt_text_has_title_excerpt_and_date_within_mastodons_limit(tmp_path):
    j = TmpJournal(tmp_path)
    j.entry("2026-03-14-kettle.md", "Sun on the kettle", where="Kitchen",
            body="Steam and light. " + "More words here. " * 200)
    entry = load_journal(j.settings).entries[0]
    alt = card_alt(entry, j.settings)
    assert alt.startswith("Sun on the kettle. Steam and light.")
    assert alt.endswith("March 14, 2026, Kitchen.") and len(alt) <= 1500
    j.entry("2026-03-14-kettle.md", "Sun on the kettle", card="{excerpt: " + "x" * 280 + "}")
    entry = load_journal(j.settings).entries[0]
    assert len(card_alt(entry, j.settings)) <= 1500


def test_cached_cards_are_published_as_links_not_copies(rendered, tmp_path):
    j, entries, _, _ = rendered
    out = tmp_path / "fresh-site"
    again = render_cards(entries, j.settings, out, workers=1)
    assert again.rendered == 0
    cache = j.settings.cache_dir / "cards"
    cached = {p.stat().st_ino for p in cache.iterdir()}
    for cards in again.cards.values():
        for card in cards.values():
            published = (out / card.path).stat()
            assert published.st_ino in cached and published.st_size == card.size
            assert (out / card.preview).is_file()


def test_a_background_job_gives_every_cards_metadata_before_any_is_drawn(tmp_path, monkeypatch):
    """start_cards: pages get paths, pixel sizes, alt text and previews at once; the byte
    size (which only feeds read) waits for that card; wait() leaves every file in place."""
    from glimmer_publish.cards import render, worker

    j = TmpJournal(tmp_path)
    write_samples(j)
    entries = load_journal(j.settings).entries
    out = tmp_path / "site"
    gate = tmp_path / "go"
    drawn = worker.render_input

    monkeypatch.setattr(render, "START_METHOD", "fork")  # forked workers see the patch below

    def held(card, formats):
        while not gate.exists():
            import time
            time.sleep(0.01)
        return drawn(card, formats)

    monkeypatch.setattr(worker, "render_input", held)
    job = render.start_cards(entries, j.settings, out, formats=["og", "story"], workers=2)
    early = {slug: dict(cards) for slug, cards in job.cards.items()}
    assert not list(out.rglob("*.jpg"))  # nothing drawn yet, and all metadata is there
    assert {slug: set(cards) for slug, cards in early.items()} == {
        e.slug: {"og", "story"} for e in entries}
    gate.touch()
    result = job.wait()
    assert result.rendered == 2 * len(entries) and not result.problems
    for slug, cards in early.items():
        for name, card in cards.items():
            final = result.cards[slug][name]
            assert (card.path, card.width, card.height, card.mime, card.alt, card.preview,
                    card.preview_width, card.preview_height, card.size) == (
                final.path, final.width, final.height, final.mime, final.alt, final.preview,
                final.preview_width, final.preview_height, final.size)
            assert (out / card.path).stat().st_size == card.size > 0
            assert (out / card.preview).is_file()


def test_a_card_that_fails_to_draw_fails_wait_and_stops_the_rest(tmp_path, monkeypatch):
    from glimmer_publish.cards import render, worker

    j = TmpJournal(tmp_path)
    write_samples(j)
    entries = load_journal(j.settings).entries
    drawn = worker.render_input

    monkeypatch.setattr(render, "START_METHOD", "fork")  # forked workers see the patch below

    def broken(card, formats):
        if card.slug.endswith("jasmine"):
            raise RuntimeError("the drawing broke")
        return drawn(card, formats)

    monkeypatch.setattr(worker, "render_input", broken)
    job = render.start_cards(entries, j.settings, tmp_path / "site", formats=["og"], workers=2)
    with pytest.raises(RuntimeError, match="the drawing broke"):
        job.wait()
    jasmine = next(e.slug for e in entries if e.slug.endswith("jasmine"))
    with pytest.raises(RuntimeError, match="could not be drawn"):
        _ = job.cards[jasmine]["og"].size


def _children() -> dict[str, str]:
    """This process's children: pid -> command line."""
    me = str(os.getpid())
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat[stat.rindex(")") + 2:].split()[1] == me:
                found[pid] = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                              .decode(errors="replace"))
        except (OSError, ValueError):
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def _eight_cards_started(tmp_path):
    """The sample glimmers' og and story cards, started with two workers allowed: the job,
    where it writes, and the processes that started while it was handed out."""
    from glimmer_publish.cards import render

    j = TmpJournal(tmp_path)
    write_samples(j)
    entries = load_journal(j.settings).entries
    out = tmp_path / "site"
    before = _children()
    job = render.start_cards(entries, j.settings, out, formats=["og", "story"], workers=2)
    started = [c for pid, c in _children().items()
               if pid not in before and "resource_tracker" not in c]
    return job, out, started


def _all_arrived(job, out) -> None:
    result = job.wait()
    assert result.rendered == 8 and not result.problems
    for cards in result.cards.values():
        for card in cards.values():
            assert (out / card.path).stat().st_size == card.size > 0


def test_card_workers_are_fresh_processes_handed_a_few_drawings_at_a_time(tmp_path,
                                                                          monkeypatch):
    """Memory at N = 10,000 (issue 14): a worker forked from the build carried a copy of it,
    and handing the pool every drawing at once kept a future per card in the build. Here the
    workers start as fresh interpreters, the pool never holds more than two drawings per
    worker, and every card still arrives."""
    from glimmer_publish.cards import render

    monkeypatch.setattr(render, "FEW_CARDS", 2)  # these eight cards are a job for workers
    job, out, workers = _eight_cards_started(tmp_path)
    assert workers and all("spawn_main" in c for c in workers), workers
    _all_arrived(job, out)
    assert job.limit == 4 and 1 <= job.most_in_flight <= 4


def test_a_few_cards_are_drawn_beside_the_build_without_starting_workers(tmp_path):
    """A new glimmer's cards (and a few more): starting worker processes would cost more CPU
    than drawing them, on the cores the page build needs."""
    from glimmer_publish.cards import render

    assert render.FEW_CARDS >= 8
    job, out, started = _eight_cards_started(tmp_path)
    assert started == []
    _all_arrived(job, out)


def _sigint_ignored(queue) -> None:
    import signal
    queue.put(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)


@pytest.mark.skipif(os.name != "posix", reason="Ctrl-C reaches a process group on POSIX")
def test_spawned_card_workers_ignore_ctrl_c_from_their_first_instruction():
    """A Ctrl-C while a fresh worker is still importing must not kill it with a traceback:
    workers started by the first drawings are born ignoring it (render._workers_born_deaf)."""
    import multiprocessing
    import signal

    from glimmer_publish.cards import render

    ctx = multiprocessing.get_context("spawn")
    seen = []
    # as in a terminal, even if the suite was started in the background (Ctrl-C ignored)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for deaf in (True, False):
            queue = ctx.Queue()
            with render._workers_born_deaf(deaf):
                worker = ctx.Process(target=_sigint_ignored, args=(queue,))
                worker.start()
            seen.append(queue.get(timeout=60))
            worker.join(60)
    finally:
        signal.signal(signal.SIGINT, before)
    assert seen == [True, False]


def test_a_card_worker_imports_the_drawing_code_only():
    """Card workers are handed each glimmer's `CardInput`, not its entry: importing what they
    run must not load the journal's loader, Markdown, YAML or the settings (every worker paid
    about 0.15 s of CPU and some MB for them)."""
    code = ("import sys, glimmer_publish.cards.worker\n"
            "print(' '.join(m for m in ('glimmer_publish.entries', 'glimmer_publish.settings', "
            "'glimmer_publish.markup', 'markdown', 'yaml', 'mkdocs') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120).stdout.split()
    assert loaded == []


def test_cards_are_drawn_one_palette_after_another_and_every_format_arrives(tmp_path,
                                                                           monkeypatch):
    """A worker keeps only a few palettes' backgrounds (`design.GLOW_BYTES`): the pool hands
    out the link cards first, and within them and within the rest, the glimmers of one
    palette together; every card of every glimmer still arrives, once."""
    from glimmer_publish.cards import render, worker

    j = TmpJournal(tmp_path)
    names = ["dawn", "dusk", "moss", "dawn", "dusk", "moss", "dawn"]
    for i, palette in enumerate(names):
        j.entry(f"2026-06-{i + 1:02d}-day{i}.md", f"Day {i}", card=f"{{palette: {palette}}}",
                body="A small thing went right.")
    entries = load_journal(j.settings).entries
    seen = []
    drawn = worker.render_input

    def noted(card, formats):
        seen.append((card.colours.background, formats))
        return drawn(card, formats)

    monkeypatch.setattr(worker, "render_input", noted)
    result = render.render_cards(entries, j.settings, tmp_path / "site",
                                 formats=["og", "square"], workers=1)
    assert result.rendered == 2 * len(entries) and not result.problems
    assert [f for _, f in seen] == [("og",)] * len(entries) + [("square",)] * len(entries)
    for phase in (seen[:len(entries)], seen[len(entries):]):
        order = [colour for colour, _ in phase]
        assert len({c for c in order}) == 3
        assert all(a == b or b not in order[:i] for i, (a, b) in enumerate(pairwise(order)))
    for entry in entries:
        assert set(result.cards[entry.slug]) == {"og", "square"}


def test_publishing_a_cached_card_links_it_and_keeps_a_file_that_holds_the_same_bytes(tmp_path):
    """files.link_if_changed: a new card is a hard link to the cache (folders made as
    needed); a site file with other bytes is replaced by the link; one with the same bytes
    is left as it is (its inode and time: nothing for a deploy to upload)."""
    from glimmer_publish.files import link_if_changed

    cached = tmp_path / "cache" / "k.jpg"
    cached.parent.mkdir()
    cached.write_bytes(b"card")
    fresh = tmp_path / "site" / "cards" / "a" / "og.jpg"
    link_if_changed(cached, fresh)
    assert fresh.stat().st_ino == cached.stat().st_ino
    link_if_changed(cached, fresh)  # again: nothing changes
    assert fresh.stat().st_ino == cached.stat().st_ino
    other = tmp_path / "site" / "cards" / "b" / "og.jpg"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"old card")
    link_if_changed(cached, other)
    assert other.stat().st_ino == cached.stat().st_ino and other.read_bytes() == b"card"
    same = tmp_path / "site" / "cards" / "c" / "og.jpg"
    same.parent.mkdir(parents=True)
    same.write_bytes(b"card")
    inode = same.stat().st_ino
    link_if_changed(cached, same)
    assert same.stat().st_ino == inode != cached.stat().st_ino
    assert sorted(p.name for p in same.parent.iterdir()) == ["og.jpg"]  # no link left over


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_a_photo_opens_upright_in_rgb_whatever_its_mode(tmp_path, mode):
    """open_photo hands drawing RGB pixels; an RGB photo is no longer copied once more to
    get them (a 12-megapixel photo is 36 MB a copy in a card worker)."""
    source = Image.linear_gradient("L").resize((320, 200)).convert(mode)
    path = tmp_path / f"photo-{mode}.jpg"
    source.save(path, "JPEG", quality=95)
    with Image.open(path) as im:
        expected = im.convert("RGB").tobytes()
    opened = open_photo(path, [(1080, 1920)])
    assert opened.mode == "RGB" and opened.size == (320, 200) and opened.info == {}
    assert opened.tobytes() == expected


def test_a_worker_stores_cards_in_the_cache_and_hands_back_where_not_bytes(tmp_path):
    """worker.draw_batch: each card and its preview are written into the card cache under
    their keys, byte for byte what drawing gives; a card drawn without its unusable photo
    comes back as bytes and is never cached (its problem must show on every build)."""
    from glimmer_publish.cards import render, worker

    j = TmpJournal(tmp_path)
    j.write("pic.jpg", photo_bytes()[:400])  # cut short: it fails only when decoded
    j.entry("2026-02-01-kettle.md", "Sun on the kettle", body="Steam and light.")
    j.entry("2026-02-02-pic.md", "A picture", photo="pic.jpg", photo_alt="A picture")
    entries = {e.slug: e for e in load_journal(j.settings).entries}
    kettle, pic = (next(e for s, e in entries.items() if s.endswith(n)) for n in ("kettle", "pic"))
    cache = tmp_path / "cache" / "cards"
    batch = [(render.card_input(e, j.settings), ("og", "og-small"), {"og": f"{e.slug}-a",
              "og-small": f"{e.slug}-b"}) for e in (kettle, pic)]
    good, bad = worker.draw_batch(cache, batch)

    expected, error = worker.render_input(batch[0][0], ("og", "og-small"))
    assert error is None and good[1] is None
    for name, (data, ext, preview) in expected.items():
        card, got_ext, shown = good[0][name]
        assert card == cache / f"{kettle.slug}-{'a' if name == 'og' else 'b'}.jpg"
        assert got_ext == ext and card.read_bytes() == data
        if name == "og":
            assert shown == cache.parent / "thumbs" / f"{kettle.slug}-a.jpg"
            assert shown.read_bytes() == preview
        else:  # the half-size og card is its own thumbnail
            assert shown == b""
    images, problem = bad
    assert problem and all(isinstance(data, bytes) and data for data, _, _ in images.values())
    assert not list(cache.glob(f"{pic.slug}*")), "a stand-in card is never cached"


def test_the_pool_is_handed_glimmers_in_order_in_batches_of_a_few_cards():
    from glimmer_publish.cards.render import _batches

    tasks = [(f"g{i}", ("og", "square", "story")[: 1 + i % 3]) for i in range(10)]
    batches = list(_batches(tasks, 4))
    assert [t for b in batches for t in b] == tasks
    assert all(sum(len(t[1]) for t in b) >= 4 for b in batches[:-1])
    assert all(sum(len(t[1]) for t in b[:-1]) < 4 for b in batches)


@pytest.mark.parametrize("turned", [False, True])
def test_a_phone_photo_is_decoded_no_larger_than_its_cards_need(tmp_path, turned):
    """A 12-megapixel JPEG is decoded whole only for the story card (1920 rows from 3024)
    and at half size for the others, each still large enough to cover its card without
    being enlarged; an EXIF turn (portrait photos from a phone) is taken into account."""
    wide = Image.linear_gradient("L").resize((4032, 3024)).convert("RGB")
    path = tmp_path / "phone.jpg"
    if turned:  # a phone held upright: stored on its side, with the tag that turns it
        exif = Image.Exif()
        exif[0x0112] = 6
        wide.save(path, quality=80, exif=exif)
    else:
        wide.save(path, quality=80)
    upright = (3024, 4032) if turned else (4032, 3024)
    sizes = [(FORMATS[n].width, FORMATS[n].height) for n in ("og", "square", "portrait", "story")]
    photos = open_photos(path, sizes)
    assert set(photos) == set(sizes)
    decoded = {size: photo.size for size, photo in photos.items()}
    if turned:  # upright 3024 wide: the story card's 1080 columns fit in a half-size decode too
        assert decoded[(1080, 1920)] == (1512, 2016)
    else:
        assert decoded[(1080, 1920)] == upright
    for name in ("og", "square", "portrait"):
        size = (FORMATS[name].width, FORMATS[name].height)
        assert decoded[size] == (upright[0] // 2, upright[1] // 2)
    for size, photo in photos.items():
        k = max(size[0] / photo.width, size[1] / photo.height)
        assert k <= 1, f"{photo.size} would be enlarged to cover {size}"
        assert cover(photo, *size).size == size
    assert photos[sizes[0]] is photos[sizes[1]], "one decode for every size a scale serves"
    # The same pixels a whole decode gives where no smaller scale would do: a small photo.
    small = tmp_path / "small.jpg"
    wide.resize((1600, 1200)).save(small, quality=80)
    assert all(p.size == (1600, 1200) for p in open_photos(small, sizes).values())
