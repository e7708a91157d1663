"""Glimmer buddies: other journals the writer follows, as a page and an OPML file.

OPML 2.0 (opml.org/spec2) is what feed readers import and export to follow many feeds at
once. Fetching each buddy's newest glimmer is optional and bounded: one total deadline for
all of them, and any failure becomes a calm note, never a failed build.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

MAX_FEED_BYTES = 1_000_000
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Buddy:
    name: str
    site: str
    feed: str


@dataclass(frozen=True)
class Latest:
    """A buddy's newest glimmer, or why it could not be fetched this time."""

    buddy: Buddy
    title: str = ""
    url: str = ""
    note: str = ""  # one of NOTES (a gettext message id), empty when the glimmer came
    code: int = 0  # the HTTP status, for the "answered with an error" note


# Why a buddy's newest glimmer is missing this time (English message ids; pages translate).
SLOW = "took too long to answer this time"
HTTP_ERROR = "answered with an error (%(code)s) this time"
UNREADABLE = "the feed could not be read this time"
EMPTY = "the feed has no glimmers in it yet"
UNREACHABLE = "could not be reached this time"
NOTES = (SLOW, HTTP_ERROR, UNREADABLE, EMPTY, UNREACHABLE)


class FeedError(ValueError):
    """A feed arrived but holds nothing we can show; `note` says which way."""

    def __init__(self, note: str):
        super().__init__(note)
        self.note = note


def opml(title: str, buddies: Sequence[Buddy], when: datetime) -> bytes:
    """An OPML 2.0 document with one `type="rss"` outline per feed."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(when)
    body = ET.SubElement(root, "body")
    for b in buddies:
        ET.SubElement(body, "outline", type="rss", text=b.name, title=b.name,
                      xmlUrl=b.feed, htmlUrl=b.site)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") \
        + b"\n"


def latest_from_feed(data: bytes, base: str) -> tuple[str, str]:
    """(title, link) of the first item of an RSS 2.0 or Atom feed; ValueError when unreadable."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FeedError(UNREADABLE) from exc
    item = root.find("channel/item")
    if item is not None:
        title, href = item.findtext("title") or "", item.findtext("link") or ""
    else:
        entry = root.find(f"{ATOM}entry")
        if entry is None:
            raise FeedError(EMPTY)
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        if link is None:
            link = entry.find(f"{ATOM}link")
        title = entry.findtext(f"{ATOM}title") or ""
        href = link.get("href", "") if link is not None else ""
    return title.strip(), _web_link(urljoin(base, href.strip()))


def _web_link(url: str) -> str:
    """Only http(s) links from someone else's feed reach our pages (never javascript: or data:)."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _fetch(buddy: Buddy, timeout: float) -> Latest:
    import urllib.request  # here, not on every build: most journals have no buddies

    request = urllib.request.Request(buddy.feed, headers={"User-Agent": "glimmer-publish"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = response.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(UNREADABLE)
    title, url = latest_from_feed(data, buddy.feed)
    if not title:
        raise FeedError(EMPTY)
    return Latest(buddy, title=title, url=url)


def fetch_latest(buddies: Sequence[Buddy], total_seconds: float) -> list[Latest]:
    """Every buddy's newest glimmer, all fetched at once within `total_seconds` together.

    Daemon threads: a server that never stops dribbling bytes cannot hold the build open.
    """
    deadline = time.monotonic() + total_seconds
    found: dict[int, Latest] = {}

    def work(i: int, buddy: Buddy) -> None:
        try:
            found[i] = _fetch(buddy, total_seconds)
        except Exception as exc:  # any network or feed trouble is a note, never a failed build
            found[i] = _why(buddy, exc)

    threads = [threading.Thread(target=work, args=(i, b), daemon=True)
               for i, b in enumerate(buddies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return [found.get(i) or Latest(b, note=SLOW)
            for i, b in enumerate(buddies)]


def _why(buddy: Buddy, exc: Exception) -> Latest:
    from urllib.error import HTTPError

    if isinstance(exc, HTTPError):
        return Latest(buddy, note=HTTP_ERROR, code=exc.code)
    if isinstance(exc, FeedError):
        return Latest(buddy, note=exc.note)
    if isinstance(exc, TimeoutError):
        return Latest(buddy, note=SLOW)
    return Latest(buddy, note=UNREACHABLE)
