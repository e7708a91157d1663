"""The one loader and the one validated `Entry` type every later stage reads.

A journal is loaded once: files are read, front matter is parsed safely, every field is
checked, and all problems of all files come back together. Private entries (and drafts,
unless previewing) are filtered here, at load, so no later stage can leak them.
"""

from __future__ import annotations

import calendar
import contextlib
import difflib
import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from . import markup
from .entry_cache import EntryCache, depends_on_photo, status_of
from .markup import XML_FORBIDDEN as _FORBIDDEN
from .palettes import PALETTE_NAMES
from .problems import Problem
from .settings import Settings

MAX_FILE_BYTES = 1_000_000
MAX_FRONT_MATTER_CHARS = 20_000
MAX_BODY_CHARS = 20_000
MAX_YAML_NODES = 2_000
MAX_YAML_DEPTH = 10
MAX_TITLE = 120
MAX_TAGS = 20
MAX_TAG_CHARS = 32
MAX_SLUG_CHARS = 100
MAX_PLACE = 120
MAX_FELT = 280
MAX_AUTHOR = 100
MAX_ALT = 1000
MAX_CARD_EXCERPT = 280
DRAFTS_FOLDER = "_drafts"  # entries/_drafts/: git-ignored, read by the preview only
PHOTO_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}

FIELDS = (
    "title", "date", "tags", "where", "felt", "draft", "private",
    "photo", "photo_alt", "updated", "author", "card", "lang", "syndicate",
)
SYNDICATE_TARGETS = ("bluesky", "mastodon")
CARD_FIELDS = ("palette", "excerpt")
REQUIRED = ("title", "date")

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_LANG = re.compile(
    r"(?P<language>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?"
    r"(?P<variants>(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*)",
    re.IGNORECASE | re.ASCII,
)
_TAG = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}

ENTRY_TEMPLATE = """---
title: Sun on the kettle
date: 2026-03-14
tags: [light, home]
---
What you noticed, in a sentence or two.
"""
# What `glimmer new` writes where the writer's words go. Left unedited it would be
# published as if the writer had said it, so the loader refuses it (see _examples).
NEW_ENTRY_PROMPT = "What did you notice? Where did you feel it? A sentence or two is plenty."
EXAMPLE_TEXTS = (NEW_ENTRY_PROMPT, "What you noticed, in a sentence or two.")
UNEDITED = "this is still the example text from `glimmer new`"

# A date without a time is a calendar day, not an instant. It is published at 10:00 UTC,
# the one hour at which that day is the same day from UTC-10 (Hawaii) to UTC+13:59 (New
# Zealand's summer, Tonga, Samoa): at midnight in the site's zone, readers west of it saw
# the day before. Only UTC-11, UTC-12 and UTC+14 (a few small islands) see a neighbour day.
DATE_ONLY_AT = time(10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class CardOptions:
    palette: str | None = None
    excerpt: str | None = None


@dataclass(frozen=True, repr=False)
class Entry:
    """One glimmer, fully validated. Paths are absolute; `source` is the repo-relative path."""

    path: Path
    source: str
    slug: str
    title: str
    date: datetime
    has_time: bool
    body: str
    tags: tuple[str, ...] = ()
    where: str | None = None
    felt: str | None = None
    draft: bool = False
    private: bool = False
    photo: Path | None = None
    photo_alt: str | None = None
    photo_line: int = 1  # where `photo:` is, so later stages can point at it without re-reading
    updated: datetime | None = None
    author: str | None = None
    card: CardOptions = field(default_factory=CardOptions)
    body_line: int = 1
    digest: str = ""
    lang: str | None = None  # the entry's own BCP 47 tag; None means the site's language
    # 1-based (line, column) where each text field's value starts in the file: "title",
    # "where", "felt", "author", "photo_alt", "card.excerpt", "tags.0".., "body". Derived from
    # the file's bytes (which `digest` already covers), so left out of equality and hashing.
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False)
    # Where `glimmer syndicate` may post it: None = every configured network, () = nowhere.
    syndicate: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        """Short for an entry loaded from its file: what its bytes (`digest`) at its place
        make of it with the settings. Listings' page keys hold this text for every entry
        they show, so it must name all an entry is made from, and is quick to make."""
        if self.digest:
            return (f"Entry({str(self.path)!r}, digest={self.digest!r}, draft={self.draft!r}, "
                    f"photo={self.photo and str(self.photo)!r})")
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return f"Entry({inner})"

    @property
    def date_iso(self) -> str:
        """The date as written, for `<time datetime>` and metadata: `2026-03-14` for a
        date-only glimmer (its stored 10:00 UTC is no time the writer gave), else ISO 8601."""
        return self.date.date().isoformat() if not self.has_time else self.date.isoformat()

    @property
    def url(self) -> str:
        """Site-relative permalink: it depends on the file name only, never on the title."""
        return f"glimmers/{self.slug}/"

    def __post_init__(self) -> None:
        # Room for the two texts made on first use, made here in the same order for every
        # entry: an attribute added later (as functools.cached_property does) turns the
        # entry's shared-key dict into a dict of its own, 1.3 kB more per entry.
        object.__setattr__(self, "_body_text", None)
        object.__setattr__(self, "_excerpt", None)

    @property
    def body_text(self) -> str:
        text = self.__dict__.get("_body_text")
        if text is None:
            text = markup.plain_text(self.body)
            object.__setattr__(self, "_body_text", text)
        return text

    @property
    def excerpt(self) -> str:
        """The first sentence or two of the body (or `felt`), as plain text."""
        text = self.__dict__.get("_excerpt")
        if text is None:
            text = markup.excerpt(self.body_text) or (self.felt or "")
            object.__setattr__(self, "_excerpt", text)
        return text


@dataclass
class Journal:
    """What the loader returns: entries safe to publish, every problem found (errors, which
    stop publishing) and warnings (worth a look; `glimmer validate` shows them, exit 0)."""

    entries: list[Entry]
    problems: list[Problem]
    checked: int = 0
    hidden: int = 0
    warnings: list[Problem] = field(default_factory=list)
    # Private entries (and drafts, unless previewing): never published, but their files and
    # photos are still in the repository, so the publishing checks need to see them.
    withheld: list[Entry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- discovery


def find_entry_files(entries_dir: Path) -> list[Path]:
    """Every `*.md` below the entries folder, except hidden, `_`-prefixed and README files."""
    return [path for path, _ in _entry_files(entries_dir)]


def _is_entry_name(name: str) -> bool:
    return (name.lower().endswith(".md") and not name.startswith((".", "_"))
            and name.lower() != "readme.md")


def _entry_files(folder: Path) -> list[tuple[Path, os.DirEntry]]:
    """`find_entry_files` (the order and the choice of os.walk without following links),
    with each file's directory entry: it knows without asking the disk again whether the
    file is a link and (mostly) whether it is a regular file."""
    try:
        with os.scandir(folder) as it:
            listed = sorted(it, key=lambda e: e.name)
    except OSError:
        return []
    found: list[tuple[Path, os.DirEntry]] = []
    folders = []
    for item in listed:
        try:
            is_dir = item.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not item.name.startswith((".", "_")) and not item.is_symlink():
                folders.append(item)
        elif _is_entry_name(item.name):
            found.append((folder / item.name, item))
    for item in folders:
        found.extend(_entry_files(folder / item.name))
    return found


def slugify(stem: str) -> str:
    """A file name's stem as a URL slug: lower case, words joined by '-', letters of any script."""
    text = unicodedata.normalize("NFKC", stem).lower()
    text = re.sub(r"['’]", "", text)
    return re.sub(r"[^\w]+|_+", "-", text).strip("-")


def load_journal(
    settings: Settings,
    paths: Iterable[Path] | None = None,
    *,
    include_drafts: bool = False,
    drafts_folder: bool = False,
) -> Journal:
    """Load and validate entries; only publishable ones come back in `entries`.

    `drafts_folder` (the preview only) also reads entries/_drafts/, which git ignores, so a
    half-written glimmer can stay on the writer's machine; its entries count as drafts.
    """
    # Excerpts and alt text are read from bodies rendered with the journal's own extensions.
    markup.configure(settings.markdown_extensions, settings.markdown_configs, settings.cache_dir)
    known: dict[Path, os.DirEntry] = {}
    if paths is None:
        listed = _entry_files(settings.entries_dir)
        files = [path for path, _ in listed]
        known.update(listed)
    else:
        files = list(paths)
    local = []
    if drafts_folder and paths is None:
        listed = _entry_files(settings.entries_dir / DRAFTS_FOLDER)
        local = [path for path, _ in listed]
        known.update(listed)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    loaded: list[Entry] = []
    cache = EntryCache(settings)
    for file in [*files, *local]:
        entry, found = _load_entry(file, settings, cache, known.get(file))
        for p in found:
            (warnings if p.severity == "warning" else problems).append(p)
        if entry is not None:
            loaded.append(replace(entry, draft=True) if file in local else entry)
    cache.finish(whole=paths is None)
    if paths is None:  # the rendered bodies worth keeping are these
        markup.keep_bodies(e.body for e in loaded)
    problems.extend(_duplicate_slugs(loaded, settings))
    visible = [e for e in loaded if not e.private and (include_drafts or not e.draft)]
    withheld = [e for e in loaded if e.private or (e.draft and not include_drafts)]
    visible.sort(key=lambda e: (e.date, e.slug), reverse=True)
    return Journal(visible, problems, checked=len(files) + len(local),
                   hidden=len(loaded) - len(visible), warnings=warnings, withheld=withheld)


def _duplicate_slugs(entries: list[Entry], settings: Settings) -> list[Problem]:
    by_slug: dict[str, list[Entry]] = {}
    for e in entries:
        by_slug.setdefault(e.slug.casefold(), []).append(e)
    problems = []
    for group in by_slug.values():
        if len(group) < 2:
            continue
        for e in group:
            others = ", ".join(o.source for o in group if o is not e)
            problems.append(Problem(
                e.source, 1, 1, "slug",
                f"the address '{e.url}' is also used by {others}",
                "rename one of the files: the address comes from the file name",
            ))
    return problems


# ---------------------------------------------------------------- one file


def rel(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=8)
def _prefix(root: Path) -> str:
    return os.path.join(str(root.absolute()), "")


def _relative(absolute: Path, root: Path) -> str:
    """`rel` for an absolute path, by its text when it lies plainly below the root."""
    text, prefix = str(absolute), _prefix(root)
    if text.startswith(prefix) and os.sep == "/":
        return text[len(prefix):]
    return rel(absolute, root)


def load_entry(path: Path, settings: Settings) -> tuple[Entry | None, list[Problem]]:
    """Read and validate one file. Never raises for anything inside the file."""
    return _load_entry(path, settings, None)


def _load_entry(path: Path, settings: Settings, cache: EntryCache | None,
                listed: os.DirEntry | None = None) -> tuple[Entry | None, list[Problem]]:
    """`load_entry`, with the record of an unchanged file taken from `cache` if it has one."""
    absolute = path.absolute()
    status = None
    if cache is not None and listed is not None:
        with contextlib.suppress(OSError):
            st = listed.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode):  # a link's target may change behind its status
                status = status_of(st)
                digest = cache.unchanged(str(absolute), status)
                record = cache.get((str(absolute), digest), absolute) if digest else None
                if record is not None:
                    return record[0], list(record[1])
    source = _relative(absolute, settings.repo_root)
    report = _Report(source)
    raw = _read(path, settings, report, listed)
    if raw is None:
        return None, report.problems
    digest = hashlib.sha256(raw).hexdigest()
    if cache is None:
        return _parse(path, source, raw, digest, settings, report)
    key = (str(absolute), digest)
    cache.read(key[0], status, digest)
    record = cache.get(key, absolute)
    if record is not None:
        return record[0], list(record[1])
    entry, problems = _parse(path, source, raw, digest, settings, report)
    if not report.volatile:
        cache.put(key, (entry, tuple(problems), report.depends))
    return entry, problems


def _parse(path: Path, source: str, raw: bytes, digest: str, settings: Settings,
           report: _Report) -> tuple[Entry | None, list[Problem]]:
    text = _decode(raw, report)
    if text is None:
        return None, report.problems
    parts = _split(text, report)
    if parts is None:
        return None, report.problems
    fm_text, body, fm_line, body_line = parts
    data = _parse_yaml(fm_text, fm_line, report)
    if data is None:
        return None, report.problems
    entry = _validate(path, source, data, body, body_line, fm_line, settings, report, digest)
    return (None if report.failed else entry), report.problems


class _Report:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []
        # True when the result depends on more than the file's bytes in a way the cache of
        # parsed entries cannot check (a missing photo's folder): it is never kept there.
        self.volatile = False
        self.depends = None  # what it can check: the photo found (entry_cache.Depends)

    def error(self, line: int, col: int, fld: str, message: str, hint: str = "",
              severity: str = "error") -> None:
        """Record a problem; invisible characters in it are spelled out, never printed."""
        self.problems.append(Problem(self.source, line, col, _visible(fld), _visible(message),
                                     _visible(hint), severity))

    def warn(self, line: int, col: int, fld: str, message: str, hint: str = "") -> None:
        """Something worth a look that does not stop publishing."""
        self.error(line, col, fld, message, hint, "warning")

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _visible(text: str) -> str:
    return _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _read(path: Path, settings: Settings, report: _Report,
          listed: os.DirEntry | None = None) -> bytes | None:
    """The file's bytes, if it is an entry file that may be read (`listed`: its directory
    entry, which already knows whether it is a link or a regular file)."""
    try:
        link = listed.is_symlink() if listed is not None else path.is_symlink()
        if link:
            target = path.resolve()
            root = settings.repo_root.resolve()
            if not target.is_relative_to(root):
                report.error(1, 1, "", "this file is a link to somewhere outside the repository",
                             "copy the entry into entries/ instead of linking to it")
                return None
        if path.stem.split(".")[0].lower() in _WINDOWS_RESERVED:
            report.error(1, 1, "", f"'{path.name}' is a reserved file name on Windows",
                         f"rename the file, for example to '2026-03-14-{path.stem.lower()}.md'")
            return None
        if listed is not None and not link:
            regular = listed.is_file(follow_symlinks=False)
        else:
            regular = _stat_if_file(path) is not None
        if not regular:
            report.error(1, 1, "", "this is not a regular file (a folder, device or pipe?)",
                         "entries are plain .md text files")
            return None
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                report.error(1, 1, "", f"the file is {size:,} bytes; a glimmer is at most "
                             f"{MAX_FILE_BYTES:,}", "keep a glimmer short: a few sentences")
                return None
            return fh.read()
    except OSError as exc:
        report.error(1, 1, "", f"the file cannot be read ({exc.strerror or exc})")
        return None


_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _stat_if_file(path: Path) -> os.stat_result | None:
    """`path.stat()` if it is a regular file (`Path.is_file`, with the stat kept for its size)."""
    try:
        found = os.stat(path)
    except OSError as exc:
        if exc.errno not in _MISSING:
            raise
        return None
    except ValueError:
        return None
    return found if stat.S_ISREG(found.st_mode) else None


def _decode(raw: bytes, report: _Report) -> str | None:
    if not raw.strip():
        report.error(1, 1, "", "the file is empty",
                     "start it with front matter, for example:\n" + ENTRY_TEMPLATE)
        return None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        report.error(line, 1, "", "the file contains a NUL byte; it looks like a binary file, "
                     "not a Markdown entry", "save it again as plain UTF-8 text")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw.count(b"\n", 0, offset) + 1
        col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        report.error(line, col, "", f"the file is not valid UTF-8 (byte 0x{raw[offset]:02x})",
                     "save the file with the UTF-8 encoding")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str, report: _Report) -> tuple[str, str, int, int] | None:
    """Front matter text, body, and the lines where each starts."""
    handler = YAMLHandler()
    if not handler.detect(text):
        first = text.lstrip("\n").split("\n", 1)[0]
        hint = "the first line must be exactly three dashes: ---"
        if first.strip() == "---" or first.startswith("---"):
            hint = "remove spaces or text around the first ---"
        report.error(1, 1, "", "the file has no front matter",
                     hint + "\nfor example:\n" + ENTRY_TEMPLATE)
        return None
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.strip())
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() in ("---", "...")),
               None)
    if end is None:
        report.error(start + 1, 1, "", "the front matter starts here but never ends",
                     "add a line with three dashes (---) after the last field")
        return None
    fm = "\n".join(lines[start + 1:end])
    body = "\n".join(lines[end + 1:]).strip("\n")
    body_line = end + 2 + next((i for i, ln in enumerate(lines[end + 1:]) if ln.strip()), 0)
    return fm, body, start + 2, body_line


# ---------------------------------------------------------------- YAML


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


@dataclass(frozen=True)
class _Origin:
    """Where the front matter sits in the file, to turn YAML marks into file positions."""

    fm_line: int
    lines: tuple[str, ...]

    def span(self, node: yaml.Node) -> tuple[int, int]:
        """(line, col) of the first character of a value's text, not of its quote or `|`."""
        line, col = node.start_mark.line, node.start_mark.column
        style = getattr(node, "style", None)
        if style in ("'", '"'):
            col += 1
        elif style in ("|", ">"):
            for i in range(line + 1, len(self.lines)):
                if self.lines[i].strip():
                    line, col = i, len(self.lines[i]) - len(self.lines[i].lstrip(" "))
                    break
        return self.fm_line + line, col + 1


@dataclass
class _Value:
    """A front-matter value with the position of its YAML node."""

    value: Any
    line: int
    col: int
    node: yaml.Node
    origin: _Origin

    @property
    def span(self) -> tuple[int, int]:
        return self.origin.span(self.node)


_SAFE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


def _yaml_hint(problem: str, fm_text: str, line_index: int) -> str:
    line = fm_text.split("\n")[line_index] if 0 <= line_index < len(fm_text.split("\n")) else ""
    if "\t" in line or "'\\t'" in problem:
        return "YAML uses spaces, not tabs: replace the tab with two spaces"
    if "mapping values are not allowed" in problem:
        key, _, value = line.partition(":")
        return (f"the value contains a colon; put it in quotes: "
                f"{key.strip()}: \"{value.strip()}\"")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return ("a list or group opened with [ or { is not closed; "
                "if you meant text, put it in quotes")
    if "invalid Unicode character escape" in problem:
        return "a \\u escape here is not a real character; type the character itself instead"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "values that start with @ or ` need quotes"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "check the indentation, and quote values that start with [ { * & ! | > ' \" % @"
    return "each line should look like  key: value"


def _parse_yaml(fm_text: str, fm_line: int, report: _Report) -> dict[str, _Value] | None:
    if len(fm_text) > MAX_FRONT_MATTER_CHARS:
        report.error(fm_line, 1, "", f"the front matter is {len(fm_text):,} characters; "
                     f"at most {MAX_FRONT_MATTER_CHARS:,} are read")
        return None
    depth = max((len(m) for m in re.findall(r"[\[{]+", fm_text)), default=0)
    if depth > MAX_YAML_DEPTH:
        report.error(fm_line, 1, "", "the front matter is nested too deeply",
                     "a glimmer's fields are flat: key: value")
        return None
    try:
        loader = _Loader(fm_text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or str(exc)
        report.error(fm_line + line, col, "", f"the front matter is not valid YAML ({problem})",
                     _yaml_hint(problem, fm_text, line))
        return None
    except (yaml.YAMLError, RecursionError, MemoryError) as exc:
        report.error(fm_line, 1, "", f"the front matter is not valid YAML ({type(exc).__name__})")
        return None
    if root is None:
        report.error(fm_line, 1, "", "the front matter is empty",
                     "add at least a title and a date, for example:\n" + ENTRY_TEMPLATE)
        return None
    if not isinstance(root, yaml.MappingNode):
        report.error(fm_line + root.start_mark.line, 1, "",
                     "the front matter should be a list of fields (key: value)",
                     "for example:\n" + ENTRY_TEMPLATE)
        return None
    converter = _Converter(_Origin(fm_line, tuple(fm_text.split("\n"))), report)
    return converter.mapping(root, top=True)


def _is_null(node: yaml.Node) -> bool:
    """An unquoted `~`, `null` or nothing at all: YAML's way of writing "no value"."""
    return node.tag == "tag:yaml.org,2002:null" and not getattr(node, "style", None)


class _Converter:
    """Turns YAML nodes into plain values while checking tags, duplicates, aliases and size.

    Every scalar comes back as the text the writer typed (YAML 1.1 would turn `yes` into
    True and `007` into 7); only an unquoted null is None. Fields that want a boolean or a
    date read that text themselves.
    """

    def __init__(self, origin: _Origin, report: _Report):
        self.origin = origin
        self.fm_line = origin.fm_line
        self.report = report
        self.count = 0
        self.failed = False

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return self.fm_line + node.start_mark.line, node.start_mark.column + 1

    def mapping(self, node: yaml.MappingNode, top: bool = False) -> dict[str, _Value] | None:
        out: dict[str, _Value] = {}
        for key_node, value_node in node.value:
            line, col = self.pos(key_node)
            merge = key_node.tag == "tag:yaml.org,2002:merge"
            if merge:
                self.report.error(line, col, "", "the YAML merge key << is not supported",
                                  "write each field out on its own line")
                self.failed = True
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.report.error(line, col, "", "field names must be plain words")
                self.failed = True
                continue
            key = key_node.value
            if key in out:
                self.report.error(line, col, key, f"'{key}' is given twice (first on line "
                                  f"{out[key].line})", "keep one of them")
                self.failed = True
                continue
            value = self.value(value_node, 1)
            if self.failed and self.count > MAX_YAML_NODES:
                return None
            vline, vcol = self.pos(value_node)
            out[key] = _Value(value, vline, vcol, value_node, self.origin)
        return None if (self.failed and top) else out

    def value(self, node: yaml.Node, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            if not self.failed:
                line, col = self.pos(node)
                self.report.error(line, col, "", "the front matter is too large "
                                  "(too many values, or aliases that expand too far)")
            self.failed = True
            return None
        if node.tag not in _SAFE_TAGS:
            line, col = self.pos(node)
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.report.error(line, col, "", f"the YAML tag '{tag}' is not allowed",
                              "remove the tag (the part starting with !)")
            self.failed = True
            return None
        if isinstance(node, yaml.ScalarNode):
            return None if _is_null(node) else node.value
        if depth > MAX_YAML_DEPTH:
            self.failed = True
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.value(n, depth + 1) for n in node.value]
        inner = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            if key in inner:
                line, col = self.pos(k)
                self.report.error(line, col, str(key), f"'{key}' is given twice")
                self.failed = True
            inner[key] = self.value(v, depth + 1)
        return _Nested(inner, node)


class _Nested(dict):
    """A nested mapping that remembers its node, so card options can point at a line."""

    def __init__(self, data: dict, node: yaml.MappingNode):
        super().__init__(data)
        self.node = node


# ---------------------------------------------------------------- fields


def _closest(key: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(key.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _suggest(key: str, choices: Iterable[str]) -> str:
    close = _closest(key, choices)
    return f"did you mean `{close}`?" if close else ""


def _forbidden(text: str) -> str | None:
    m = _FORBIDDEN.search(text)
    return None if m is None else f"U+{ord(m.group()):04X}"


def _validate(
    path: Path, source: str, data: dict[str, _Value], body: str, body_line: int, fm_line: int,
    settings: Settings, report: _Report, digest: str,
) -> Entry | None:
    err = report.error
    for key, val in data.items():
        if key not in FIELDS:
            hint = _suggest(key, FIELDS) or "known fields: " + ", ".join(FIELDS)
            err(val.line, 1, key, f"unknown field '{key}'", hint)
    misspelt = {_closest(k, FIELDS) for k in data if k not in FIELDS}
    for key in REQUIRED:
        if key in misspelt:
            continue
        if key not in data or data[key].value in (None, ""):
            line = data[key].line if key in data else fm_line
            example = "title: Sun on the kettle" if key == "title" else "date: 2026-03-14"
            typed = data[key].node.value if key in data else ""
            if typed and isinstance(typed, str):
                err(line, data[key].col, key, f"'{key}' is empty: an unquoted {typed} means "
                    "\"nothing\" in YAML", f"write it, like  {example}\nor, to keep the "
                    f"text {typed} itself, put it in quotes:  {key}: \"{typed}\"")
            else:
                err(line, 1, key, f"'{key}' is required", f"add a line like  {example}")

    def text(key: str, limit: int, *, one_line: bool = True) -> str | None:
        if key not in data or data[key].value is None:
            return None
        v = data[key]
        if isinstance(v.value, list | dict):
            err(v.line, v.col, key, f"'{key}' should be text, not a "
                f"{'list' if isinstance(v.value, list) else 'group of fields'}")
            return None
        value = str(v.value)
        value = " ".join(value.split()) if one_line else value.strip()
        bad = _forbidden(value)
        if bad:
            err(v.line, v.col, key, f"'{key}' contains an invisible control character ({bad})",
                "delete it; it often comes from copying text out of another program")
            return None
        if len(value) > limit:
            err(v.line, v.col, key, f"'{key}' is {len(value):,} characters; at most {limit} fit",
                "shorten it" + ("; the body below the front matter has room for more"
                                if key in ("title", "felt") else ""))
            return None
        return value

    title = text("title", MAX_TITLE)
    if title is not None and not title:
        err(data["title"].line, data["title"].col, "title", "'title' is empty")
    where = text("where", MAX_PLACE) or None
    felt = text("felt", MAX_FELT) or None
    author = text("author", MAX_AUTHOR) or None
    photo_alt = text("photo_alt", MAX_ALT, one_line=False) or None

    when = has_time = None
    if "date" in data and data["date"].value not in (None, ""):
        parsed = _date(data["date"], "date", settings, report)
        if parsed:
            when, has_time = parsed
    updated = None
    if "updated" in data and data["updated"].value is not None:
        parsed = _date(data["updated"], "updated", settings, report)
        if parsed:
            updated, updated_has_time = parsed
            # A calendar day without a time is not before a time on that same day.
            by_day = not (has_time and updated_has_time)
            if when and by_day and updated.date() == when.date():
                updated = max(updated, when)
            if when and updated < when:
                err(data["updated"].line, data["updated"].col, "updated",
                    "'updated' is before 'date'", "updated is when you last edited the entry")

    draft = _bool(data, "draft", report)
    private = _bool(data, "private", report)
    tags, tag_spans = _tags(data, report)
    lang = _lang(data, report)
    photo = _photo(path, data, settings, report)
    if photo is not None and not photo_alt:
        line = data["photo_alt"].line if "photo_alt" in data else data["photo"].line
        err(line, 1, "photo_alt", "a photo needs a description (photo_alt) for people who "
            "cannot see it", "add a line like  photo_alt: Steam rising from a blue kettle")
    if photo_alt and "photo" not in data:
        err(data["photo_alt"].line, 1, "photo_alt", "'photo_alt' is given but there is no photo")
    card, excerpt_span = _card(data, report)
    syndicate = _syndicate(data, report)

    bad = _forbidden(body)
    if bad:
        idx = _FORBIDDEN.search(body).start()
        line = body_line + body.count("\n", 0, idx)
        err(line, idx - body.rfind("\n", 0, idx), "body",
            f"the text contains an invisible control character ({bad})",
            "delete it; it often comes from copying text out of another program")
    if len(body) > MAX_BODY_CHARS:
        err(body_line, 1, "body", f"the text is {len(body):,} characters; a glimmer is at most "
            f"{MAX_BODY_CHARS:,}", "a glimmer is a small moment: a few sentences are enough")

    slug = slugify(path.stem)
    if not slug:
        err(1, 1, "slug", f"the file name '{path.name}' has no letters or digits to make an "
            "address from", "rename it, for example to 2026-03-14-sun-on-the-kettle.md")
    elif len(slug) > MAX_SLUG_CHARS:
        err(1, 1, "slug", f"the file name is {len(slug)} characters; at most {MAX_SLUG_CHARS}",
            "shorten the file name")

    _examples(body, body_line, report)
    if when is not None:
        _file_date(path, when, data["date"], report)
    if report.failed:
        return None
    given = {"title": title, "where": where, "felt": felt, "author": author,
             "photo_alt": photo_alt}
    spans = {key: data[key].span for key, value in given.items() if value}
    if excerpt_span and card.excerpt:
        spans["card.excerpt"] = excerpt_span
    spans.update((f"tags.{i}", span) for i, span in enumerate(tag_spans))
    spans["body"] = (body_line, 1)
    return Entry(
        path=path.absolute(), source=source, slug=slug, title=title or "", date=when,
        has_time=bool(has_time), body=body, tags=tags, where=where, felt=felt, draft=draft,
        private=private, photo=photo, photo_alt=photo_alt,
        photo_line=data["photo"].line if "photo" in data else 1, updated=updated, author=author,
        card=card, body_line=body_line, digest=digest, lang=lang, spans=spans,
        syndicate=syndicate,
    )


def _date(v: _Value, key: str, settings: Settings, report: _Report):
    raw = v.value
    if isinstance(raw, list | dict):
        report.error(v.line, v.col, key, f"'{key}' should be a date like 2026-03-14")
        return None
    s = str(raw).strip()
    m = _DATE.match(s)
    if not m:
        report.error(v.line, v.col, key, f"'{s}' is not a date",
                     "write it as YYYY-MM-DD, for example 2026-03-14, or with a time: "
                     "2026-03-14 07:30")
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not 1 <= mo <= 12:
        report.error(v.line, v.col, key, f"'{s}' has no month {mo}", "months go from 01 to 12")
        return None
    days = calendar.monthrange(y, mo)[1] if y >= 1 else 31
    if y < 1 or not 1 <= d <= days:
        report.error(v.line, v.col, key, f"'{s}' is not a day of the calendar",
                     f"{calendar.month_name[mo]} {y} has {days} days" if y >= 1 else "")
        return None
    rest = s[m.end():]
    if not rest:
        return datetime.combine(date(y, mo, d), DATE_ONLY_AT), False
    try:
        stamp = datetime.fromisoformat(f"{y:04d}-{mo:02d}-{d:02d}" + rest.replace("Z", "+00:00")
                                       .replace("z", "+00:00"))
    except ValueError:
        report.error(v.line, v.col, key, f"'{s}' has a time that cannot be read",
                     "write the time as HH:MM, optionally with a zone: 2026-03-14 07:30+01:00")
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=settings.tz)
    return stamp, True


_YAML11_BOOLS = {
    spelling: meaning
    for words, meaning in (("y yes true on", True), ("n no false off", False))
    for word in words.split()
    for spelling in (word, word.title(), word.upper())
}


def _bool(data: dict[str, _Value], key: str, report: _Report) -> bool:
    """`true`/`false`, or YAML 1.1's unquoted `yes`/`no`/`on`/`off`/`y`/`n`, whose meaning
    for a yes-or-no field is plain. Quoted text is refused: it is not an answer."""
    if key not in data or data[key].value is None:
        return False
    v = data[key]
    if isinstance(v.node, yaml.ScalarNode) and not v.node.style and v.value in _YAML11_BOOLS:
        return _YAML11_BOOLS[v.value]
    shown = v.node.value if isinstance(v.node, yaml.ScalarNode) else "a list"
    hint = "write  " + key + ": true  or  " + key + ": false  (without quotes)"
    report.error(v.line, v.col, key, f"'{key}' should be true or false, not {shown!r}", hint)
    return False


# Each example as a pattern that still finds it when the writer's editor re-wrapped it.
_EXAMPLE_PATTERNS = tuple(
    (example, re.compile(r"\s+".join(map(re.escape, example.split())), re.IGNORECASE))
    for example in EXAMPLE_TEXTS)


def _examples(body: str, body_line: int, report: _Report) -> None:
    """The example text `glimmer new` writes is not the writer's words: never publish it."""
    for example, pattern in _EXAMPLE_PATTERNS:
        found = pattern.search(body)
        if found is None:
            continue
        line = body_line + body.count("\n", 0, found.start())
        col = found.start() - body.rfind("\n", 0, found.start())
        rest = (body[:found.start()] + body[found.end():]).strip()
        message = UNEDITED if example == NEW_ENTRY_PROMPT else "this is still the example text"
        report.error(line, col, "body", message,
                     "delete the example sentence and keep your own words" if rest else
                     "replace it with what you noticed, in your own words: a sentence or two")


_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _file_date(path: Path, when: datetime, v: _Value, report: _Report) -> None:
    """entries/2026/2026-03-14-kettle.md dated 2026-03-15 is probably a slip in one of them."""
    m = _FILE_DATE.match(path.stem)
    if m is None:
        return
    try:
        named = date(*(int(g) for g in m.groups()))
    except ValueError:
        return
    if named != when.date():
        report.warn(v.line, v.col, "date", f"the file name says {named} but 'date' is "
                    f"{when.date()}", "correct whichever is wrong; the glimmer's address comes "
                    "from the file name, so renaming a published one changes its address")


def _lang(data: dict[str, _Value], report: _Report) -> str | None:
    """A BCP 47 tag in its usual case (`zh-Hant-TW`), read as typed: `lang: no` is Norwegian."""
    if "lang" not in data or data["lang"].value is None:
        return None
    v = data["lang"]
    typed = v.node.value.strip() if isinstance(v.node, yaml.ScalarNode) else ""
    m = _LANG.fullmatch(typed)
    if not m:
        near = typed.replace("_", "-")
        hint = (f"use a dash: lang: {near}" if near != typed and _LANG.fullmatch(near) else
                "write a language tag like  lang: en,  lang: pt-BR  or  lang: zh-Hant-TW")
        shown = repr(typed) if typed else "empty" if isinstance(
            v.node, yaml.ScalarNode) else "a list or group"
        report.error(v.line, v.col, "lang", f"'lang' should be a language tag, not {shown}",
                     hint)
        return None
    parts = [m["language"].lower()]
    if m["script"]:
        parts.append(m["script"].title())
    if m["region"]:
        parts.append(m["region"].upper())
    parts.extend(x.lower() for x in m["variants"].split("-") if x)
    return "-".join(parts)


def _syndicate(data: dict[str, _Value], report: _Report) -> tuple[str, ...] | None:
    """`syndicate: false` keeps a glimmer off every network; a list names the ones allowed."""
    if "syndicate" not in data or data["syndicate"].value is None:
        return None
    v = data["syndicate"]
    hint = ("write  syndicate: false  to keep it off every network, or a list like  "
            "syndicate: [mastodon]")
    if isinstance(v.node, yaml.ScalarNode) and not v.node.style and v.value in _YAML11_BOOLS:
        return None if _YAML11_BOOLS[v.value] else ()  # read like draft and private
    if not isinstance(v.value, list):
        report.error(v.line, v.col, "syndicate", "'syndicate' should be true, false or a list "
                     f"of networks ({', '.join(SYNDICATE_TARGETS)})", hint)
        return None
    chosen = []
    for item in v.value:
        name = str(item).strip().lower()
        if name not in SYNDICATE_TARGETS:
            report.error(v.line, v.col, "syndicate", f"unknown network {item!r}",
                         _suggest(name, SYNDICATE_TARGETS)
                         or "networks: " + ", ".join(SYNDICATE_TARGETS))
            return None
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _tags(data: dict[str, _Value], report: _Report
          ) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """The tags, and where each one (its first mention) is written."""
    if "tags" not in data or data["tags"].value is None:
        return (), []
    v = data["tags"]
    items = v.value
    if isinstance(items, str):
        words = [w.strip() for w in re.split(r"[,\s]+", items) if w.strip()]
        report.error(v.line, v.col, "tags", "'tags' should be a list",
                     f"write  tags: [{', '.join(words[:5]) or 'light, home'}]")
        return (), []
    if not isinstance(items, list):
        report.error(v.line, v.col, "tags", "'tags' should be a list, like  tags: [light, home]")
        return (), []
    if len(items) > MAX_TAGS:
        report.error(v.line, v.col, "tags", f"{len(items):,} tags; at most {MAX_TAGS}",
                     "a few tags are enough to find a glimmer again")
        return (), []
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, item in enumerate(items):
        node = v.node.value[i] if isinstance(v.node, yaml.SequenceNode) else v.node
        line = v.line + node.start_mark.line - v.node.start_mark.line
        col = node.start_mark.column + 1
        if not isinstance(item, str) or not item.strip():
            typed = getattr(node, "value", None)
            if isinstance(typed, str) and typed.strip() and _is_null(node):
                word = _TAG.fullmatch(typed.lower())
                report.error(line, col, "tags", f"tag {i + 1} is empty: an unquoted {typed} "
                             "means \"nothing\" in YAML",
                             f"to keep the word, put it in quotes:  \"{typed}\"" if word
                             else "remove it, or write a word there")
            else:
                report.error(line, col, "tags", f"tag {i + 1} should be a word")
            continue
        tag = unicodedata.normalize("NFKC", str(item)).strip().lower()
        if not _TAG.fullmatch(tag) or len(tag) > MAX_TAG_CHARS:
            suggestion = slugify(tag)[:MAX_TAG_CHARS]
            report.error(line, col, "tags", f"tag '{item}' should be one short word",
                         f"use letters, digits and hyphens, at most {MAX_TAG_CHARS} characters"
                         + (f", like '{suggestion}'" if suggestion else ""))
            continue
        if tag not in out:
            out.append(tag)
            spans.append(v.origin.span(node))
    return tuple(out), spans


def _photo(path: Path, data: dict[str, _Value], settings: Settings, report: _Report) -> Path | None:
    if "photo" not in data or data["photo"].value is None:
        return None
    report.volatile = True
    v = data["photo"]
    if not isinstance(v.value, str) or not v.value.strip():
        report.error(v.line, v.col, "photo", "'photo' should be a file path, like  "
                     "photo: kettle.jpg")
        return None
    value = v.value.strip()
    root = settings.repo_root.resolve()
    if "://" in value:
        report.error(v.line, v.col, "photo", "'photo' must be a file in the repository, not a "
                     "web address", "save the picture next to the entry and give its name")
        return None
    candidate = (root / value.lstrip("/")) if value.startswith("/") else (path.parent / value)
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        resolved = None
    if resolved is None or not resolved.is_relative_to(root):
        report.error(v.line, v.col, "photo", f"'{value}' is outside the repository",
                     "put the picture inside the repository, next to the entry")
        return None
    if not resolved.is_file():
        near = sorted(p.name for p in candidate.parent.glob("*") if p.suffix.lower()
                      in PHOTO_TYPES) if candidate.parent.is_dir() else []
        hint = _suggest(candidate.name, near) if near else ""
        report.error(v.line, v.col, "photo", f"'{value}' does not exist",
                     hint or "paths are relative to the entry's folder")
        return None
    kind = PHOTO_TYPES.get(resolved.suffix.lower())
    if kind is None:
        report.error(v.line, v.col, "photo", f"'{value}' is not a JPEG, PNG or WebP picture")
        return None
    with resolved.open("rb") as fh:
        head = fh.read(16)
    sniffed = ("JPEG" if head.startswith(b"\xff\xd8\xff") else
               "PNG" if head.startswith(b"\x89PNG\r\n\x1a\n") else
               "WEBP" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None)
    if sniffed is None:
        report.error(v.line, v.col, "photo", f"'{value}' is not a picture (its content is not "
                     "JPEG, PNG or WebP)")
        return None
    report.depends = depends_on_photo(candidate.absolute(), resolved)
    report.volatile = report.depends is None
    return resolved


def _card(data: dict[str, _Value], report: _Report
          ) -> tuple[CardOptions, tuple[int, int] | None]:
    """The card options, and where the excerpt's text starts."""
    if "card" not in data or data["card"].value is None:
        return CardOptions(), None
    v = data["card"]
    if not isinstance(v.value, dict):
        report.error(v.line, v.col, "card", "'card' should be a group of options, like\n"
                     "card:\n  palette: dusk")
        return CardOptions(), None
    options = v.value
    positions = {}
    if isinstance(v.node, yaml.MappingNode):
        for k, _ in v.node.value:
            positions[getattr(k, "value", None)] = (v.line + k.start_mark.line
                                                    - v.node.start_mark.line,
                                                    k.start_mark.column + 1)
    palette = excerpt = excerpt_span = None
    for key, value in options.items():
        line, col = positions.get(key, (v.line, v.col))
        if key not in CARD_FIELDS:
            report.error(line, col, f"card.{key}", f"unknown card option '{key}'",
                         _suggest(str(key), CARD_FIELDS) or "card options: "
                         + ", ".join(CARD_FIELDS))
        elif key == "palette":
            if value not in PALETTE_NAMES:
                report.error(line, col, "card.palette", f"unknown palette {value!r}",
                             _suggest(str(value), PALETTE_NAMES)
                             or "palettes: " + ", ".join(PALETTE_NAMES))
            else:
                palette = value
        elif key == "excerpt":
            if not isinstance(value, str) or len(value) > MAX_CARD_EXCERPT or _forbidden(value):
                report.error(line, col, "card.excerpt", f"'card.excerpt' should be text of at "
                             f"most {MAX_CARD_EXCERPT} characters")
            else:
                excerpt = " ".join(value.split())
                excerpt_span = next(v.origin.span(n) for k, n in v.node.value
                                    if getattr(k, "value", None) == "excerpt")
    return CardOptions(palette=palette, excerpt=excerpt), excerpt_span
