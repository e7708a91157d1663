"""Parsed entries kept between loads, so an unchanged file is read but never parsed again.

A record is what the loader made of one file: its Entry (or None) and every problem found.
It is found again by the file's absolute path and the SHA-256 of its bytes, inside a key
that holds everything else the result depends on: the settings the loader reads (repository
root, time zone), this package's version and the source of the modules that parse and word
the messages, the YAML library, and Python (whose Unicode tables slugs and tags use). Files
whose result depends on other files are kept with what they depend on, checked before the
record is used again: an entry's photo, by the place its path leads to and that file's
status (size, times, inode), settled as below. A photo that is missing or wrong, or not
settled, keeps its entry out of the cache (a missing one's hint lists its folder).

A file is not even read again when its status (size, times, inode) is what it was when its
bytes were last hashed, and it was already two seconds old then: the way git trusts its
index, safe against a second save within one tick of a coarse file-system clock.

Records live in memory for the life of the process (`glimmer serve`, and the plugin's load
after `glimmer build`'s own), and on disk in the cache folder, one file for the journal,
written atomically after a whole-journal load that parsed or dropped anything. A cache file
that is damaged, from another version or unreadable is ignored (and replaced); it is read
with an unpickler that only builds the few types a record holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import time
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from . import markup

if TYPE_CHECKING:
    from .entries import Entry
    from .problems import Problem
    from .settings import Settings

FORMAT = 3
FILE_NAME = "entries.pickle"
# Modules whose code decides what an entry file loads as, or how a problem is worded.
_SOURCES = ("entries.py", "markup.py", "palettes.py", "problems.py", "entry_cache.py")

Key = tuple[str, str]  # (absolute path, SHA-256 of the file's bytes)
Status = tuple[int, int, int, int, int]  # mtime_ns, ctime_ns, size, inode, mode
Depends = tuple[str, str, Status]  # a photo's path as written, where it leads, its status
Record = tuple["Entry | None", tuple["Problem", ...], "Depends | None"]
SETTLED_NS = 2_000_000_000  # how old a file must be before its status is trusted
# Only where a file's ctime is the time of its last change (POSIX). On Windows it is the
# time the file was made, and a directory listing gives no inode: every file is read there.
TRUST_STATUS = os.name == "posix"

# Records by cache key and Markdown pipeline: one journal's at a time, each load keeping only
# the files it read. Entries remember their rendered text (body_text, excerpt) once asked, so
# a new pipeline (mkdocs.yml's extensions edited during `glimmer serve`) gets new ones.
_memory: dict[tuple[str, int], _Kept] = {}


def _code_digest() -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _SOURCES:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(b"?")
    return h.hexdigest()


_CODE: str | None = None


def cache_key(settings: Settings) -> str:
    """Everything besides a file's path and bytes that its record depends on."""
    global _CODE
    import yaml

    from . import __version__

    if _CODE is None:
        _CODE = _code_digest()
    libyaml = getattr(getattr(yaml, "_yaml", None), "get_version_string", lambda: "")()
    parts = (FORMAT, __version__, _CODE, sys.version, yaml.__version__, libyaml,
             str(settings.repo_root.absolute()), settings.timezone)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _Unpickler(pickle.Unpickler):
    """A record is written as plain values (str, int, tuple, dict, None): a cache file that
    names any class or function is not ours, and is not read."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} has no place in a cache file")


class _Unencodable(ValueError):
    """A value a record cannot be written with: that record stays in memory only."""


def _encode_time(value: datetime | None) -> tuple | None:
    if value is None:
        return None
    tz = value.tzinfo
    if tz is None:
        zone: tuple = ()
    elif tz is UTC:
        zone = ("UTC",)
    elif isinstance(tz, ZoneInfo) and ZoneInfo(tz.key) is tz:
        zone = ("zone", tz.key)
    elif isinstance(tz, timezone) and tz == timezone(tz.utcoffset(None)) and str(tz) == str(
            timezone(tz.utcoffset(None))):
        offset = tz.utcoffset(None)
        zone = ("offset", offset.days, offset.seconds, offset.microseconds)
    else:
        raise _Unencodable(repr(tz))
    return (value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond, value.fold, zone)


def _decode_time(value: tuple | None) -> datetime | None:
    if value is None:
        return None
    *parts, fold, zone = value
    tz: tzinfo | None
    if not zone:
        tz = None
    elif zone[0] == "UTC":
        tz = UTC
    elif zone[0] == "zone":
        tz = ZoneInfo(zone[1])
    else:
        tz = timezone(timedelta(zone[1], zone[2], zone[3]))
    return datetime(*parts, tzinfo=tz, fold=fold)


_TIMES = ("date", "updated")
_PATHS = ("path", "photo")


def _encode(entry: Entry) -> tuple:
    """The entry's fields as plain values (values computed later, body_text and excerpt,
    are not kept)."""
    out = []
    for f in fields(entry):
        value = getattr(entry, f.name)
        if f.name in _TIMES:
            value = _encode_time(value)
        elif f.name in _PATHS:
            value = None if value is None else str(value)
        elif f.name == "card":
            value = (value.palette, value.excerpt)
        elif f.name == "spans":
            value = dict(value)
        out.append(value)
    return tuple(out)


def _decode_row(row: tuple, absolute: Path) -> Record:
    from .entries import CardOptions, Entry
    from .problems import Problem

    path, _, state, problems, depends = row
    entry = None
    if state is not None:
        values = dict(zip(_field_names(), state, strict=True))
        for name in _TIMES:
            values[name] = _decode_time(values[name])
        if values["path"] != path or path != str(absolute):
            raise ValueError("a record of another file")
        values["path"] = absolute
        if values["photo"] is not None:
            values["photo"] = Path(values["photo"])
        values["card"] = CardOptions(*values["card"])
        entry = Entry(**values)
    return entry, tuple(Problem(*p) for p in problems), depends


def depends_on_photo(candidate: Path, resolved: Path) -> Depends | None:
    """What a record that found its photo at `resolved` depends on, or None when that
    cannot be checked later (the photo is not settled, or statuses are not trusted)."""
    if not TRUST_STATUS:
        return None
    try:
        status = status_of(os.stat(resolved))
    except OSError:
        return None
    if max(status[0], status[1]) >= time.time_ns() - SETTLED_NS:
        return None
    return str(candidate), str(resolved), status


def _holds(depends: Depends | None) -> bool:
    """Is the photo still where the record found it, with the same status?"""
    if depends is None:
        return True
    candidate, resolved, status = depends
    try:
        return (str(Path(candidate).resolve()) == resolved
                and status_of(os.stat(resolved)) == tuple(status))
    except (OSError, RuntimeError):
        return False


_NAMES: tuple[str, ...] = ()


def _field_names() -> tuple[str, ...]:
    global _NAMES
    if not _NAMES:
        from .entries import Entry

        _NAMES = tuple(f.name for f in fields(Entry))
    return _NAMES


def _problem_row(p: Problem) -> tuple:
    return (p.path, p.line, p.col, p.field, p.message, p.hint, p.severity)


class _Kept:
    """What one process keeps of the last load: records, their encoded rows (so a save
    need not encode them again), and each file's trusted status."""

    def __init__(self, records: dict[Key, Record], rows: dict[Key, tuple],
                 status: dict[str, tuple[Status, str]]):
        self.records, self.rows, self.status = records, rows, status


def status_of(st: os.stat_result) -> Status:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_mode)


class EntryCache:
    """The records one load may reuse, and the ones it used (which are all it keeps)."""

    def __init__(self, settings: Settings) -> None:
        self.key = cache_key(settings)
        folder = settings.cache_dir
        self.file = folder / FILE_NAME if folder is not None else None
        self.memory_key = (self.key, markup.generation())
        kept = _memory.get(self.memory_key)
        self.known: dict[Key, Record] | None = kept.records if kept else None
        # rows: from the cache file, decoded when asked for (or kept encoded in memory)
        self.rows: dict[Key, tuple] = dict(kept.rows) if kept else {}
        self.status: dict[str, tuple[Status, str]] = dict(kept.status) if kept else {}
        self.new_status: dict[str, tuple[Status, str]] = {}
        self.used: dict[Key, Record] = {}
        self.changed = False
        self.started_ns = time.time_ns()

    def _read_file(self) -> dict[Key, tuple]:
        """The cache file's rows (and, kept aside, its trusted statuses)."""
        if self.file is None:
            return {}
        try:
            with self.file.open("rb") as fh:
                data = _Unpickler(io.BufferedReader(fh)).load()
            if (isinstance(data, tuple) and len(data) == 4 and data[0] == FORMAT
                    and data[1] == self.key and isinstance(data[3], dict)):
                self.status = data[3]
                return {(row[0], row[1]): row for row in data[2]}
        except Exception:  # damaged, partial, unreadable: parse afresh (and replace it)
            pass
        return {}

    def _ready(self) -> None:
        if self.known is None:
            self.known = {}
            self.rows = self._read_file()

    def unchanged(self, absolute: str, status: Status) -> str | None:
        """The digest of the file's bytes, if its status says they are the ones last read."""
        self._ready()
        kept = self.status.get(absolute)
        if kept is not None and tuple(kept[0]) == status and isinstance(kept[1], str):
            self.new_status[absolute] = kept
            return kept[1]
        return None

    def read(self, absolute: str, status: Status | None, digest: str) -> None:
        """The file was read: trust its status next time, if it was settled when read."""
        if status is not None and TRUST_STATUS and \
                max(status[0], status[1]) < self.started_ns - SETTLED_NS:
            self.new_status[absolute] = (status, digest)
            if self.status.get(absolute) != (status, digest):
                self.changed = True

    def get(self, key: Key, absolute: Path) -> Record | None:
        """The record of the file at `absolute` (key[0]) with these bytes, if kept."""
        self._ready()
        assert self.known is not None
        record = self.known.get(key)
        if record is None and key in self.rows:
            try:
                record = _decode_row(self.rows[key], absolute)
            except Exception:  # a damaged row: parse the file
                del self.rows[key]
                return None
        if record is not None and not _holds(record[2]):
            return None  # its photo moved or changed: parsed again (and put back)
        if record is not None:
            self.used[key] = record
        return record

    def put(self, key: Key, record: Record) -> None:
        self.used[key] = record
        self.rows.pop(key, None)  # a row of these bytes whose photo changed: the new one is saved
        self.changed = True

    def finish(self, *, whole: bool) -> None:
        """Remember this load's records. After a load of every file, only those are kept
        (a deleted or edited file's old record goes); a partial load only adds."""
        known = self.known or {}
        if whole:
            dropped = bool((known.keys() | self.rows.keys()) - self.used.keys()) or bool(
                self.status.keys() - self.new_status.keys())
            records, status = self.used, self.new_status
        else:
            dropped = False
            records, status = {**known, **self.used}, {**self.status, **self.new_status}
        rows = self._rows(records)
        _memory.clear()
        _memory[self.memory_key] = _Kept(records, rows, status)
        if whole and (self.changed or dropped):
            self._save(rows, status)

    def _rows(self, records: dict[Key, Record]) -> dict[Key, tuple]:
        """Each record as the cache file holds it (kept rows as they are)."""
        rows = {}
        for key, (entry, problems, depends) in records.items():
            row = self.rows.get(key)
            if row is None:
                try:
                    state = None if entry is None else _encode(entry)
                except _Unencodable:
                    continue
                row = (*key, state, tuple(_problem_row(p) for p in problems), depends)
            rows[key] = row
        return rows

    def _save(self, rows: dict[Key, tuple], status: dict[str, tuple[Status, str]]) -> None:
        if self.file is None:
            return
        # A status is only worth keeping with its record: without it the file is parsed.
        trusted = {path: kept for path, kept in status.items() if (path, kept[1]) in rows}
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump((FORMAT, self.key, list(rows.values()), trusted), fh,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:  # a read-only checkout still loads; it just parses every time
            with contextlib.suppress(OSError):
                tmp.unlink()


def forget() -> None:
    """Drop the records kept in memory (tests, benchmarks)."""
    _memory.clear()
