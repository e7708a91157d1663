"""Entry bodies: Markdown to safe HTML, and to plain text for excerpts, alt text and search.

One pipeline for every output: the extensions come from mkdocs.yml's `markdown_extensions`
(`configure` is called by the loader), each body is rendered once and the same HTML goes
to its page and its feed items; excerpts and card alt text are read from it. Raw HTML in a
body passes through an allow-list (nh3), so scripts, event handlers and `javascript:` links
never reach a page or a feed, while what the extensions make that is harmless stays:
footnotes and heading anchors keep their ids (every id gets the entry's own prefix, and
same-page links follow it, so two entries on one page never clash), admonitions keep
their classes, table cells their alignment.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import html
import importlib.util
import os
import pickle
import re
import sys
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nh3

# What MkDocs itself always turns on; mkdocs.yml's `markdown_extensions` come on top.
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "dd", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "style"},
    "th": {"align", "style"},
    "details": {"open"},
    "*": {"lang", "dir", "id", "class"},
}
# Classes the usual extensions give meaning to; any other class is dropped, so a body can
# never borrow the site's own (say `md-button` or `share-native`).
ADMONITION_TYPES = {
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
    "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention",
    "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
}
ALLOWED_CLASSES = ADMONITION_TYPES | {
    "admonition", "admonition-title", "footnote", "footnote-ref", "footnote-backref",
    "headerlink", "toclink", "task-list", "task-list-item",
}
_CODE_LANGUAGE = re.compile(r"language-[\w+#.-]+")
URL_SCHEMES = {"http", "https", "mailto"}
# Each block that holds a writer's words finds its own direction from its first letters,
# so an Arabic paragraph in an English entry (or the other way round) reads right.
_AUTO_DIR = {"dir": "auto"}
BLOCKS_WITH_TEXT = ("p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "dt",
                    "dd", "figcaption", "summary")

# Characters XML 1.0 forbids (so no feed may carry them): C0 controls but tab and newline,
# DEL, lone surrogates and the non-characters U+FFFE/U+FFFF. The validator refuses them in
# entries; rendering drops them too, so an Entry made any other way still renders.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class _Pipeline:
    """The configured Markdown converter (one per thread: converters keep state)."""

    def __init__(self) -> None:
        self.extensions: list[Any] = list(BUILTIN_EXTENSIONS)
        self.configs: dict[str, Any] = {}
        self.generation = 0
        self.local = threading.local()

    def converter(self) -> Any:
        mine = getattr(self.local, "md", None)
        if mine is None or mine[0] != self.generation:
            import markdown  # here: a process whose bodies are all in the memo never needs it

            md = markdown.Markdown(extensions=self.extensions,
                                   extension_configs=self.configs, output_format="html")
            self.local.md = mine = (self.generation, md)
        return mine[1]


_PIPELINE = _Pipeline()


def configure(extensions: Iterable[Any] = (), configs: Mapping[str, Any] | None = None,
              cache_dir: Path | None = None) -> None:
    """Use mkdocs.yml's `markdown_extensions` (names or Extension objects) for every body;
    with `cache_dir`, rendered bodies are kept there between processes too (see _Memo)."""
    wanted = list(BUILTIN_EXTENSIONS)
    for ext in extensions:
        if ext not in wanted:
            wanted.append(ext)
    configs = dict(configs or {})
    if wanted != _PIPELINE.extensions or configs != _PIPELINE.configs:
        _MEMO.save()
        _PIPELINE.extensions, _PIPELINE.configs = wanted, configs
        _PIPELINE.generation += 1
        _MEMO.reset(_memo_key(wanted, configs))
    _MEMO.use_folder(cache_dir)


def extensions_from_yaml(value: Any) -> tuple[list[Any], dict[str, Any]]:
    """mkdocs.yml's `markdown_extensions` list (names, or one-key mappings to options)."""
    names: list[Any] = []
    configs: dict[str, Any] = {}
    for item in value or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            for name, options in item.items():
                names.append(name)
                if isinstance(options, dict):
                    configs[name] = options
        elif item is not None:  # an Extension object, as MkDocs allows
            names.append(item)
    return names, configs


def _filter(prefix: str):
    def keep(tag: str, attr: str, value: str) -> str | None:
        if attr == "id":
            return prefix + value
        if attr == "href" and value.startswith("#") and len(value) > 1:
            return "#" + prefix + value[1:]
        if attr == "class":
            kept = [c for c in value.split()
                    if c in ALLOWED_CLASSES or (tag == "code" and _CODE_LANGUAGE.fullmatch(c))]
            return " ".join(kept) or None
        return value
    return keep


def sanitize(fragment: str, prefix: str = "g-") -> str:
    """Keep only harmless HTML: no scripts, handlers, frames or odd URL schemes; ids get
    `prefix` (and links to them follow), classes only from the allow-list."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter(prefix),
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        filter_style_properties={"text-align"},
        set_tag_attribute_values={tag: _AUTO_DIR for tag in BLOCKS_WITH_TEXT},
    )


def id_prefix(slug: str) -> str:
    """The prefix of every id in an entry's body: `g-<slug>-`."""
    return f"g-{slug}-"


def to_html(body: str, prefix: str = "g-") -> str:
    """An entry body as sanitised HTML, the same for every output that shows it."""
    return _sanitized(body, prefix, _PIPELINE.generation)


@lru_cache(maxsize=16384)
def _sanitized(body: str, prefix: str, generation: int) -> str:
    # Cached: the page and every feed an entry is in ask for the same body and prefix.
    return _MEMO.get(body, "html:" + prefix,
                     lambda: sanitize(_converted(body, generation), prefix))


@lru_cache(maxsize=16384)
def _converted(body: str, generation: int) -> str:
    """Markdown to HTML, once per body (excerpts and pages use different id prefixes)."""
    return _MEMO.get(body, "markdown", lambda: _convert(body))


def _convert(body: str) -> str:
    text = XML_FORBIDDEN.sub("", body)
    md = _PIPELINE.converter()
    try:
        return md.reset().convert(text)
    finally:
        md.reset()


# ---------------------------------------------------------------- the memo of rendered bodies


class _Unpickler(pickle.Unpickler):
    """The memo file holds plain strings and dicts: a file naming a class is not ours."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} has no place in the memo")


class _Memo:
    """What each body rendered to (its Markdown HTML, its sanitised HTML per id prefix, its
    plain text), by the SHA-256 of the body, for the configured pipeline.

    Kept in memory for the process, and, once a cache folder is given, in
    `<cache>/bodies.pickle` between processes: read on the first body this process has not
    rendered, written (atomically) by `save_memo()` and when the process ends. The file is
    only trusted for the same pipeline (`_memo_key`: the extensions, their options and
    code, Markdown's and nh3's versions, this module); a damaged file is ignored. A load of
    the whole journal names the bodies in use (`keep_bodies`): the file keeps only those
    and the ones rendered since.
    """

    FORMAT = 1
    NAME = "bodies.pickle"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.key: str | None = None
        self.described = False  # whether `key` describes the pipeline in use
        self.rows: dict[str, dict[str, str]] = {}
        self.folder: Path | None = None
        self.read = False
        self.dirty = False
        self.live: set[str] | None = None
        self.touched: set[str] = set()

    def reset(self, key: str | None) -> None:
        """A new pipeline, described by `key`: nothing rendered for the old one applies."""
        with self.lock:
            self.key, self.described = key, True
            self.forget()

    def forget(self) -> None:
        """Nothing in memory (the file stays, and is read again when a body is missing)."""
        with self.lock:
            self.rows, self.read, self.dirty = {}, False, False
            self.live, self.touched = None, set()

    def use_folder(self, folder: Path | None) -> None:
        if folder == self.folder:
            return
        self.save()
        self.folder, self.read = folder, False
        if folder is not None:
            _at_exit()

    @property
    def file(self) -> Path | None:
        if self.folder is None:
            return None
        key = pipeline_key()
        return None if key is None else self.folder / self.NAME

    def get(self, body: str, what: str, make) -> str:
        """The body's `what` (markdown, html:<prefix>, text), made by `make()` the first time."""
        row = self.row(body)
        found = row.get(what)
        if found is None:
            found = row[what] = make()
            self.dirty = True
        return found

    def row(self, body: str) -> dict[str, str]:
        digest = _digest(body)
        found = self.rows.get(digest)
        if found is None:
            if not self.read:
                self._read_file()
                found = self.rows.get(digest)
            if found is None:
                found = self.rows.setdefault(digest, {})
        self.touched.add(digest)
        return found

    def _read_file(self) -> None:
        with self.lock:
            self.read = True
            file = self.file
            if file is None:
                return
            try:
                with file.open("rb") as fh:
                    data = _Unpickler(fh).load()
                fmt, key, rows = data
                if fmt != self.FORMAT or key != self.key or not isinstance(rows, dict):
                    return
                for digest, row in rows.items():
                    if not (isinstance(digest, str) and isinstance(row, dict) and all(
                            isinstance(k, str) and isinstance(v, str) for k, v in row.items())):
                        return
                for digest, row in rows.items():
                    mine = self.rows.setdefault(digest, {})
                    for k, v in row.items():
                        mine.setdefault(k, v)
                self._stale()
            except Exception:  # damaged, partial, unreadable: render afresh, write it again
                self.dirty = True

    def _stale(self) -> None:
        """Rows of bodies no entry has any more make the file worth writing again."""
        if self.live is not None and self.rows.keys() - self.live - self.touched:
            self.dirty = True

    def keep(self, bodies: Iterable[str]) -> None:
        with self.lock:
            self.live = {_digest(b) for b in bodies}
            if self.read:
                self._stale()

    def save(self) -> None:
        with self.lock:
            file = self.file
            if not self.dirty or file is None:
                return
            keep = None if self.live is None else self.live | self.touched
            rows = {d: dict(r) for d, r in list(self.rows.items())
                    if r and (keep is None or d in keep)}
            tmp = file.with_name(f".{file.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
                with tmp.open("wb") as fh:
                    pickle.dump((self.FORMAT, self.key, rows), fh,
                                protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, file)
                self.dirty = False
            except OSError:  # a read-only checkout renders every time; nothing is lost
                with contextlib.suppress(OSError):
                    tmp.unlink()


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


_MEMO = _Memo()
_registered = False


def _at_exit() -> None:
    global _registered
    if not _registered:
        _registered = True
        atexit.register(save_memo)


def generation() -> int:
    """A number that changes whenever `configure` changes the pipeline (in this process)."""
    return _PIPELINE.generation


def pipeline_key() -> str | None:
    """A digest of the configured pipeline that another process would compute the same
    (None when its options name live objects, which no digest can describe)."""
    if not _MEMO.described:
        _MEMO.key, _MEMO.described = _memo_key(_PIPELINE.extensions, _PIPELINE.configs), True
    return _MEMO.key


def save_memo() -> None:
    """Write the bodies rendered so far to the cache folder (also done when the process
    ends); a build may call it once its pages are drawn."""
    _MEMO.save()


def keep_bodies(bodies: Iterable[str]) -> None:
    """The bodies of every entry the journal now has: the memo file keeps no others."""
    _MEMO.keep(bodies)


def clear_memo() -> None:
    """Forget every rendered body held in memory (the file stays): for benchmarks."""
    _sanitized.cache_clear()
    _converted.cache_clear()
    _plain_text.cache_clear()
    _MEMO.forget()


class _Unstable(ValueError):
    """A pipeline whose description would not be the same in another process."""


def _stable(value: Any, files: set[str]) -> Any:
    """A description of an extension or option that another process would write the same."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return tuple(_stable(v, files) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((repr(_stable(k, files)), _stable(v, files))
                            for k, v in value.items()))
    extension = getattr(sys.modules.get("markdown.extensions"), "Extension", None)
    if extension is not None and isinstance(value, extension):
        files.add(type(value).__module__)
        return (type(value).__module__, type(value).__qualname__,
                _stable(value.getConfigs(), files))
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if module and name and "<" not in name and callable(value):
        files.add(module)
        return (module, name)
    raise _Unstable(repr(value))


def _code_of(modules: set[str]) -> tuple:
    """Every package installed beside the code the pipeline runs (names with versions), so an
    upgrade of any of them is a new pipeline; and this module's own source."""
    spec = importlib.util.find_spec("markdown")
    places = {Path(spec.origin).parent.parent} if spec and spec.origin else set()
    for name in modules:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        if origin:
            places.add(Path(origin).parent)
    installed = set()
    for place in places:
        for folder in (place, *place.parents):
            if folder.name in ("site-packages", "dist-packages"):
                with contextlib.suppress(OSError):
                    installed.update(n for n in os.listdir(folder) if n.endswith(".dist-info"))
                break
        else:
            installed.add(str(place))
    return (tuple(sorted(installed)), hashlib.sha256(Path(__file__).read_bytes()).hexdigest())


def _memo_key(extensions: list[Any], configs: dict[str, Any]) -> str | None:
    modules: set[str] = set()
    try:
        described = (_stable(extensions, modules), _stable(configs, modules))
    except _Unstable:
        return None  # kept in memory only
    for ext in extensions:
        if isinstance(ext, str) and "." in ext:
            modules.add(ext.split(":", 1)[0])
    try:
        code = _code_of(modules)
    except OSError:
        return None
    # Markdown's version is in the names of the packages installed beside it (`code`).
    parts = (_Memo.FORMAT, described, getattr(nh3, "__version__", ""), code)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _Text(HTMLParser):
    """The words of a rendered body, without footnote markers, notes or anchor signs."""

    SKIP = frozenset({"footnote", "footnote-ref", "headerlink", "footnote-backref"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "hr", "img"):
            self.parts.append("\n\n" if tag == "br" else "")
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append((tag, tag in ("script", "style") or bool(classes & self.SKIP)))
        if tag in ("p", "li", "h2", "h3", "h4", "blockquote", "pre", "tr", "div"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def plain_text(body: str) -> str:
    """The words of a Markdown body, without markup, paragraphs kept as blank-line breaks."""
    return _plain_text(body, _PIPELINE.generation)


@lru_cache(maxsize=16384)
def _plain_text(body: str, generation: int) -> str:
    return _MEMO.get(body, "text", lambda: _words(body))


def _words(body: str) -> str:
    parser = _Text()
    parser.feed(to_html(body))
    parser.close()
    text = html.unescape("".join(parser.parts))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])[\"'”’)\]]*\s+|(?<=[。！？])")


def excerpt(text: str, limit: int = 200) -> str:
    """The first sentence(s) of plain text, at most `limit` characters, cut at a word."""
    first = text.split("\n\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    out = ""
    for piece in _SENTENCE_END.split(first):
        candidate = (out + " " + piece).strip() if out else piece.strip()
        if len(candidate) > limit:
            break
        out = candidate
    if out:
        return out
    cut = first[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"
