"""The caption each network gets, measured the way that network measures it.

Bluesky counts grapheme clusters (UAX #29) and UTF-8 bytes and wants links and hashtags as
*facets* with UTF-8 byte offsets; Mastodon counts grapheme clusters too, but every URL as 23
characters. The link is never cut: the excerpt shrinks first, then hashtags go, then the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..cards.breaks import graphemes as clusters

ELLIPSIS = "…"


def graphemes(text: str) -> int:
    """User-perceived characters: one emoji with skin tone or one Devanagari syllable is one
    (UAX #29 by ICU, as the cards count them)."""
    return len(clusters(text))


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def hashtag(tag: str) -> str:
    """'small-things' -> '#SmallThings': hashtags cannot hold dashes, capitals help readers."""
    words = [w for w in tag.split("-") if w]
    return "#" + (words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words))


@dataclass(frozen=True)
class Limits:
    """How long a post may be on one network."""

    characters: int  # grapheme clusters
    max_bytes: int | None = None  # UTF-8 bytes (Bluesky)
    url_length: int | None = None  # every URL counts as this many characters (Mastodon)


BLUESKY_LIMITS = Limits(characters=300, max_bytes=3000)
MASTODON_DEFAULT_LIMITS = Limits(characters=500, url_length=23)


@dataclass(frozen=True)
class Facet:
    """A link or hashtag inside the text, located by UTF-8 byte offsets [start, end)."""

    start: int
    end: int
    kind: str  # "link" or "tag"
    value: str  # the URL, or the tag without '#'


@dataclass(frozen=True)
class Caption:
    text: str
    facets: tuple[Facet, ...]
    length: int  # as the network counts it
    graphemes: int
    bytes: int

    def marked(self) -> str:
        """The text with every facet wrapped in ⟦ ⟧, for previews."""
        raw = self.text.encode("utf-8")
        out, pos = [], 0
        for f in sorted(self.facets, key=lambda f: f.start):
            out += [raw[pos:f.start].decode(), "⟦", raw[f.start:f.end].decode(), "⟧"]
            pos = f.end
        out.append(raw[pos:].decode())
        return "".join(out)


def measure(text: str, link: str, limits: Limits) -> int:
    if limits.url_length is not None:
        text = text.replace(link, "x" * limits.url_length)
    return graphemes(text)


def _fits(text: str, link: str, limits: Limits) -> bool:
    if limits.max_bytes is not None and utf8_len(text) > limits.max_bytes:
        return False
    return measure(text, link, limits) <= limits.characters


def _shorten(text: str, keep: int) -> str:
    """The first `keep` graphemes, cut at a space when one is near, with an ellipsis."""
    parts = clusters(text)
    if keep >= len(parts):
        return text
    if keep <= 0:
        return ""
    head = "".join(parts[:keep - 1])
    space = head.rfind(" ")
    if space >= len(head) * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;:–—-") + ELLIPSIS


def _join(title: str, excerpt: str, tags: Sequence[str], link: str) -> str:
    return "\n\n".join(p for p in (title, excerpt, " ".join(tags), link) if p)


def compose(title: str, excerpt: str, tags: Sequence[str], link: str, limits: Limits) -> Caption:
    """Title, excerpt, hashtags and link, shortened until the network accepts it."""
    title, excerpt = " ".join(title.split()), " ".join(excerpt.split())
    if excerpt == title:
        excerpt = ""
    tags = [hashtag(t) for t in tags]

    def fit_part(make, text: str) -> str | None:
        """The longest prefix of `text` for which make(prefix) fits (None if none does)."""
        if _fits(make(text), link, limits):
            return text
        lo, hi = 0, graphemes(text)
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            candidate = _shorten(text, mid)
            if _fits(make(candidate), link, limits):
                best, lo = candidate, mid + 1
            else:
                hi = mid - 1
        return best or None

    text = _join(title, excerpt, tags, link)
    if not _fits(text, link, limits):
        short = fit_part(lambda e: _join(title, e, tags, link), excerpt) if excerpt else None
        if short and graphemes(short) > 1:
            text = _join(title, short, tags, link)
        else:
            while tags and not _fits(_join(title, "", tags, link), link, limits):
                tags.pop()
            short_title = fit_part(lambda t: _join(t, "", tags, link), title) or ""
            text = _join(short_title, "", tags, link)
    return _with_facets(text, link, tags, limits)


def _with_facets(text: str, link: str, tags: Sequence[str], limits: Limits) -> Caption:
    facets = []
    at = text.rfind(link)
    start = utf8_len(text[:at])
    facets.append(Facet(start, start + utf8_len(link), "link", link))
    tag_line_at = text.rfind("\n\n" + " ".join(tags) + "\n\n") + 2 if tags else -1
    if tags and tag_line_at >= 2:
        pos = tag_line_at
        for tag in tags:
            if tag not in text:
                continue
            begin = utf8_len(text[:pos])
            facets.append(Facet(begin, begin + utf8_len(tag), "tag", tag[1:]))
            pos += len(tag) + 1
    facets.sort(key=lambda f: f.start)
    return Caption(text, tuple(facets), measure(text, link, limits), graphemes(text),
                   utf8_len(text))
