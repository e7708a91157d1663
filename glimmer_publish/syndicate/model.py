"""What goes out for one glimmer, and what came back: plain data shared by every network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Outgoing:
    """One glimmer ready to post: the words, the link and its card."""

    slug: str
    key: str  # stable id of the entry in this journal (the feeds' id); survives a domain move
    link: str  # the absolute permalink
    title: str
    excerpt: str
    tags: tuple[str, ...]
    lang: str  # BCP 47
    image: bytes
    mime: str
    width: int
    height: int
    alt: str
    published: datetime  # the entry's date


@dataclass(frozen=True)
class Posted:
    url: str  # where people see the post
    id: str  # the network's id (AT URI, status id)
    adopted: bool = False  # found already posted (by an earlier run) instead of posted now

    def record(self, when: str) -> dict[str, str]:
        return {"url": self.url, "id": self.id, "at": when}


class TargetError(RuntimeError):
    """Posting one glimmer to one network failed; the next run tries it again."""


class LoginError(TargetError):
    """The network refused our credentials (or they are missing): its other glimmers wait
    for the next run instead of each trying, and failing, again."""


Sleep = Callable[[float], None]
