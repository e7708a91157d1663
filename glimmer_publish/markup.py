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

import html
import re
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import markdown
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

    def converter(self) -> markdown.Markdown:
        mine = getattr(self.local, "md", None)
        if mine is None or mine[0] != self.generation:
            md = markdown.Markdown(extensions=self.extensions,
                                   extension_configs=self.configs, output_format="html")
            self.local.md = mine = (self.generation, md)
        return mine[1]


_PIPELINE = _Pipeline()


def configure(extensions: Iterable[Any] = (), configs: Mapping[str, Any] | None = None) -> None:
    """Use mkdocs.yml's `markdown_extensions` (names or Extension objects) for every body."""
    wanted = list(BUILTIN_EXTENSIONS)
    for ext in extensions:
        if ext not in wanted:
            wanted.append(ext)
    configs = dict(configs or {})
    if wanted == _PIPELINE.extensions and configs == _PIPELINE.configs:
        return
    _PIPELINE.extensions, _PIPELINE.configs = wanted, configs
    _PIPELINE.generation += 1


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
    return sanitize(_converted(body, generation), prefix)


@lru_cache(maxsize=16384)
def _converted(body: str, generation: int) -> str:
    """Markdown to HTML, once per body (excerpts and pages use different id prefixes)."""
    text = XML_FORBIDDEN.sub("", body)
    md = _PIPELINE.converter()
    try:
        return md.reset().convert(text)
    finally:
        md.reset()


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
