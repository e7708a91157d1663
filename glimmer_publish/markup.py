"""Entry bodies: Markdown to safe HTML, and to plain text for excerpts and alt text.

Raw HTML in a body passes through an allow-list (nh3), so scripts, event handlers and
`javascript:` links never reach a page or a feed.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3

EXTENSIONS = ["extra", "sane_lists", "smarty"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "dd", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Characters XML 1.0 forbids (so no feed may carry them): C0 controls but tab and newline,
# DEL, lone surrogates and the non-characters U+FFFE/U+FFFF. The validator refuses them in
# entries; rendering drops them too, so an Entry made any other way still renders.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def sanitize(fragment: str) -> str:
    """Keep only harmless HTML: no scripts, handlers, frames, styles or odd URL schemes."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=16384)
def to_html(body: str) -> str:
    """An entry body as sanitised HTML (the same for every output that shows it).

    Cached: excerpts, alt text and every feed an entry is in ask for the same body.
    """
    text = XML_FORBIDDEN.sub("", body)
    return sanitize(markdown.markdown(text, extensions=EXTENSIONS, output_format="html"))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("p", "br", "li", "h2", "h3", "h4", "blockquote", "pre", "tr"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
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
