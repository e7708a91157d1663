"""The cache of parsed entries: a load that reuses it says exactly what a fresh parse says.

Every test compares against the loader without any cache (`load_entry`, file by file), or
changes something the cache must notice: the file's bytes, a photo on disk, a setting.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import replace

import pytest

from glimmer_publish import entry_cache
from glimmer_publish.entries import load_entry, load_journal
from glimmer_publish.settings import Settings


@pytest.fixture(autouse=True)
def _fresh_memory():
    entry_cache.forget()
    yield
    entry_cache.forget()


def _mixed(journal) -> None:
    """Good entries, one with a warning, one broken, one with a photo, one in another zone."""
    journal.entry("2026-03-14-kettle.md", tags=["light", "home"], where="Kitchen",
                  card="{palette: dusk, excerpt: Steam}", lang="pt-BR")
    journal.entry("2026-03-15-wrong-day.md", date="2026-03-16")  # warning: file name's date
    journal.entry("2026-03-16-broken.md", date="2026-02-30", tags="light")  # errors
    journal.entry("zoned.md", date="2026-03-17 07:30+05:30", updated="2026-03-18")
    journal.entry("local.md", date="2026-03-18 07:30", syndicate="[mastodon]")
    journal.write("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 32)
    journal.entry("with-photo.md", photo="photo.jpg", photo_alt="Steam on a blue kettle")


def _uncached(journal, settings=None):
    """What the loader says about each file with no cache at all."""
    settings = settings or journal.settings
    files = sorted(journal.entries_dir.rglob("*.md"))
    return {f.name: load_entry(f, settings) for f in files}


def _as_loaded(journal, settings=None):
    settings = settings or journal.settings
    loaded = load_journal(settings, include_drafts=True)
    by_name = {e.path.name: e for e in loaded.entries}
    said = {}
    for p in [*loaded.problems, *loaded.warnings]:
        said.setdefault(p.path.rsplit("/", 1)[-1], []).append(p)
    return by_name, said


def _same(journal, settings=None) -> None:
    by_name, said = _as_loaded(journal, settings)
    for name, (entry, problems) in _uncached(journal, settings).items():
        assert said.get(name, []) == problems, name
        got = by_name.get(name)
        assert got == entry, name
        if entry is not None:
            assert got.spans == entry.spans
            assert got.date.tzinfo == entry.date.tzinfo and got.date.isoformat() == \
                entry.date.isoformat()
            assert got.excerpt == entry.excerpt


def test_a_reload_from_memory_and_from_the_cache_file_says_what_a_fresh_parse_says(journal):
    _mixed(journal)
    _same(journal)  # parsed, written to the cache file
    assert (journal.settings.cache_dir / entry_cache.FILE_NAME).is_file()
    _same(journal)  # from memory
    entry_cache.forget()
    _same(journal)  # from the file, as a new process would


def test_an_edited_file_is_parsed_again(journal):
    path = journal.entry("2026-03-14-kettle.md", title="Before")
    load_journal(journal.settings)
    entry_cache.forget()  # from the file, whose record is of the old bytes
    journal.entry("2026-03-14-kettle.md", title="After, with more to say")
    os.utime(path, (0, 0))  # the time stamp is no part of the key: the bytes are
    assert [e.title for e in load_journal(journal.settings).entries] == ["After, with more to say"]
    journal.entry("2026-03-14-kettle.md", title="After", date="2026-03-40")
    assert not load_journal(journal.settings).entries


@pytest.mark.parametrize("settled", [False, True], ids=["new photo", "settled photo"])
def test_a_missing_photo_is_noticed_though_the_entry_did_not_change(journal, monkeypatch,
                                                                      settled):
    if settled:  # its entry's record is kept, with the photo's status
        monkeypatch.setattr(entry_cache, "SETTLED_NS", -10**12)
    _mixed(journal)
    assert load_journal(journal.settings).ok is False  # the broken one
    (journal.entries_dir / "photo.jpg").unlink()
    entry_cache.forget()
    _, said = _as_loaded(journal)
    assert [p.message for p in said["with-photo.md"]] == ["'photo.jpg' does not exist"]


def test_the_time_zone_setting_is_part_of_the_key(journal):
    journal.entry("local.md", date="2026-03-18 07:30")
    load_journal(journal.settings)
    berlin = replace(journal.settings, timezone="Europe/Berlin")
    (entry,) = load_journal(berlin).entries
    assert entry.date.isoformat() == "2026-03-18T07:30:00+01:00"
    entry_cache.forget()
    _same(journal, berlin)
    (entry,) = load_journal(journal.settings).entries
    assert entry.date.isoformat() == "2026-03-18T07:30:00+00:00"


def test_a_damaged_or_foreign_cache_file_is_ignored_and_replaced(journal):
    _mixed(journal)
    load_journal(journal.settings)
    cache = journal.settings.cache_dir / entry_cache.FILE_NAME
    good = cache.read_bytes()
    for damage in (good[: len(good) // 2], b"", b"\x80\x05garbage", pickle.dumps([1, 2, 3])):
        cache.write_bytes(damage)
        entry_cache.forget()
        _same(journal)
        assert cache.read_bytes() != damage  # written again, whole


class _Boom:
    def __reduce__(self):
        return (os.mkdir, ("boom",))


def test_a_cache_file_is_never_a_way_to_run_code(journal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    journal.entry("a.md")
    load_journal(journal.settings)
    cache = journal.settings.cache_dir / entry_cache.FILE_NAME
    key = entry_cache.cache_key(journal.settings)
    cache.write_bytes(pickle.dumps((entry_cache.FORMAT, key, [_Boom()])))
    entry_cache.forget()
    _same(journal)
    assert not (tmp_path / "boom").exists()


def test_a_deleted_file_leaves_the_cache_and_a_partial_load_keeps_the_rest(journal):
    a = journal.entry("a.md")
    b = journal.entry("b.md")
    load_journal(journal.settings)
    load_journal(journal.settings, [a])  # validate one file: b's record stays
    entry_cache.forget()
    cache = entry_cache.EntryCache(journal.settings)
    rows = cache._read_file()
    assert {os.path.basename(path) for path, _ in rows} == {"a.md", "b.md"}
    b.unlink()
    load_journal(journal.settings)
    rows = entry_cache.EntryCache(journal.settings)._read_file()
    assert {os.path.basename(path) for path, _ in rows} == {"a.md"}


def test_without_a_cache_folder_nothing_is_written(tmp_path):
    entries = tmp_path / "entries"
    entries.mkdir()
    (entries / "a.md").write_text("---\ntitle: A\ndate: 2026-03-14\n---\nHello.\n")
    settings = Settings(repo_root=tmp_path, entries_dir=entries)
    assert [e.title for e in load_journal(settings).entries] == ["A"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.md", "entries"]


def test_new_markdown_extensions_give_excerpts_rendered_with_them(journal):
    """`glimmer serve` after mkdocs.yml's extensions were edited: no excerpt from before."""
    journal.entry("a.md", body='She said "yes" -- softly.')
    (entry,) = load_journal(journal.settings).entries
    assert entry.excerpt == 'She said "yes" -- softly.'
    smart = replace(journal.settings, markdown_extensions=("smarty",))
    (entry,) = load_journal(smart).entries
    assert entry.excerpt == "She said \u201cyes\u201d \u2013 softly."
    (entry,) = load_journal(journal.settings).entries
    assert entry.excerpt == 'She said "yes" -- softly.'


# ---------------------------------------------------------------- files not read again


def _spy(monkeypatch, name: str) -> list[str]:
    """The entry files the loader's function `name` is called with from now on."""
    from glimmer_publish import entries

    seen: list[str] = []
    real = getattr(entries, name)

    def spy(path, *args, **kwargs):
        seen.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(entries, name, spy)
    return seen


def _reads(monkeypatch) -> list[str]:
    """The entry files the loader opens (its only way to their bytes)."""
    return _spy(monkeypatch, "_read")


@pytest.mark.skipif(not entry_cache.TRUST_STATUS, reason="every file is read on Windows")
@pytest.mark.parametrize("memory", [True, False], ids=["same process", "new process"])
def test_a_settled_unchanged_file_is_not_read_again_and_an_edit_always_is(
        journal, monkeypatch, memory):
    """Even an edit that keeps the size and puts the old modification time back (what a
    second save within one tick of a coarse clock looks like) is read: the change time moved."""
    monkeypatch.setattr(entry_cache, "SETTLED_NS", -10**12)  # every file counts as settled
    a = journal.entry("a.md", title="Kettle", body="Steam and light.")
    journal.entry("b.md", title="Birds", body="A blackbird before the alarm.")
    load_journal(journal.settings)
    reads = _reads(monkeypatch)
    if not memory:
        entry_cache.forget()
    assert sorted(e.title for e in load_journal(journal.settings).entries) == ["Birds", "Kettle"]
    assert reads == []

    before = a.stat()
    a.write_text(a.read_text(encoding="utf-8").replace("Kettle", "Kittle"), encoding="utf-8")
    os.utime(a, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert a.stat().st_size == before.st_size and a.stat().st_mtime_ns == before.st_mtime_ns
    if not memory:
        entry_cache.forget()
    assert sorted(e.title for e in load_journal(journal.settings).entries) == ["Birds", "Kittle"]
    assert reads == ["a.md"]


@pytest.mark.parametrize("case", ["saved moments ago", "windows"])
def test_a_file_whose_status_is_not_trusted_is_read_every_time(journal, monkeypatch, case):
    """A status is not trusted until the file is two seconds old (a save within the same
    clock tick would not change it), nor ever on Windows, where ctime is the file's birth
    time, so a same-size edit with its old mtime put back would look unchanged."""
    if case == "windows":
        monkeypatch.setattr(entry_cache, "TRUST_STATUS", False)
        monkeypatch.setattr(entry_cache, "SETTLED_NS", -10**12)
    journal.entry("a.md", title="Kettle")
    load_journal(journal.settings)
    reads = _reads(monkeypatch)
    load_journal(journal.settings)
    entry_cache.forget()
    load_journal(journal.settings)
    assert reads == ["a.md", "a.md"]


def test_a_link_is_read_every_time_since_its_target_changes_behind_it(journal, monkeypatch):
    monkeypatch.setattr(entry_cache, "SETTLED_NS", -10**12)
    target = journal.root / "elsewhere.md"
    target.write_text("---\ntitle: Kettle\ndate: 2026-03-14\n---\nSteam.\n", encoding="utf-8")
    try:
        (journal.entries_dir / "a.md").symlink_to(target)
    except OSError:  # Windows without the right to make links
        pytest.skip("this system does not let the test make a link")
    assert [e.title for e in load_journal(journal.settings).entries] == ["Kettle"]
    target.write_text("---\ntitle: Kittle\ndate: 2026-03-14\n---\nSteam.\n", encoding="utf-8")
    assert [e.title for e in load_journal(journal.settings).entries] == ["Kittle"]


def _parses(monkeypatch) -> list[str]:
    """The entry files the loader parses (not taken from the cache) from now on."""
    return _spy(monkeypatch, "_parse")


@pytest.mark.skipif(not entry_cache.TRUST_STATUS, reason="statuses are not trusted on Windows")
def test_an_entry_with_a_settled_photo_is_kept_until_the_photo_changes(journal, monkeypatch):
    """An entry with a photo is parsed once, like any other, while its photo stays where it
    was with the same status; replacing the photo or pointing its path elsewhere (a link
    whose target moves) makes the loader look again, and say what it finds."""
    monkeypatch.setattr(entry_cache, "SETTLED_NS", -10**12)
    photo = journal.write("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 32)
    journal.entry("with-photo.md", photo="photo.jpg", photo_alt="Steam on a blue kettle")
    load_journal(journal.settings)
    parsed = _parses(monkeypatch)
    load_journal(journal.settings)
    entry_cache.forget()
    load_journal(journal.settings)
    assert parsed == [], "kept, in memory and in the cache file"

    photo.write_bytes(b"GIF89a" + b"\0" * 30)  # no longer a JPEG (nor the same size)
    _, said = _as_loaded(journal)
    assert parsed == ["with-photo.md"]
    assert [p.message for p in said["with-photo.md"]] == [
        "'photo.jpg' is not a picture (its content is not JPEG, PNG or WebP)"]

    other = journal.write("other.jpg", b"\xff\xd8\xff\xe1" + b"\0" * 32)
    photo.unlink()
    try:
        photo.symlink_to(other)
    except OSError:  # Windows without the right to make links
        pytest.skip("this system does not let the test make a link")
    parsed.clear()
    assert [e.photo for e in load_journal(journal.settings).entries] == [other.resolve()]
    assert load_journal(journal.settings).entries[0].photo == other.resolve()
    assert parsed == ["with-photo.md"], "parsed once after the link appeared, then kept"
    third = journal.write("third.jpg", b"\xff\xd8\xff\xe2" + b"\0" * 32)
    photo.unlink()
    photo.symlink_to(third)  # same status as before? the place it leads to decides
    assert load_journal(journal.settings).entries[0].photo == third.resolve()
    assert parsed == ["with-photo.md"] * 2
    entry_cache.forget()  # a new process: the cache file holds the new record, not the old
    assert load_journal(journal.settings).entries[0].photo == third.resolve()
    assert parsed == ["with-photo.md"] * 2
    _same(journal)
