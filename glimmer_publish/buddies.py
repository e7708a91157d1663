"""Glimmer buddies: other journals the writer follows, as a page and an OPML file.

OPML 2.0 (opml.org/spec2) is what feed readers import and export to follow many feeds at
once. Fetching each buddy's newest glimmer is optional and bounded: one total deadline for
all of them, and any failure becomes a calm note, never a failed build.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urljoin

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
    note: str = ""


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
        raise ValueError("the feed is not readable XML") from exc
    item = root.find("channel/item")
    if item is not None:
        return (item.findtext("title") or "").strip(), (item.findtext("link") or "").strip()
    entry = root.find(f"{ATOM}entry")
    if entry is not None:
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        if link is None:
            link = entry.find(f"{ATOM}link")
        href = link.get("href", "") if link is not None else ""
        return (entry.findtext(f"{ATOM}title") or "").strip(), urljoin(base, href)
    raise ValueError("the feed has no glimmers in it")


def _fetch(buddy: Buddy, timeout: float) -> Latest:
    request = urllib.request.Request(buddy.feed, headers={"User-Agent": "glimmer-publish"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = response.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise ValueError("the feed is larger than 1 MB")
    title, url = latest_from_feed(data, buddy.feed)
    if not title:
        raise ValueError("the newest glimmer has no title")
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
            found[i] = Latest(buddy, note=_why(exc))

    threads = [threading.Thread(target=work, args=(i, b), daemon=True)
               for i, b in enumerate(buddies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return [found.get(i) or Latest(b, note="took too long to answer this time")
            for i, b in enumerate(buddies)]


def _why(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"answered with an error ({exc.code}) this time"
    if isinstance(exc, ValueError):
        return str(exc)
    return "could not be reached this time"
