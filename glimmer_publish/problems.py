"""Problems found in a journal, and the three ways we print them.

Every stage reports problems as data instead of raising, so one run can list them all
(like a compiler) and the writer fixes everything in one go.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"

    def text(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        field = f"{self.field}: " if self.field else ""
        hint = ""
        if self.hint:
            lines = self.hint.strip("\n").split("\n")
            hint = "\n  hint: " + "\n        ".join(lines)
        return f"{where}: {self.severity}: {field}{self.message}{hint}"

    def github(self) -> str:
        field = f"{self.field}: " if self.field else ""
        body = f"{field}{self.message}" + (f" (hint: {self.hint})" if self.hint else "")
        title = f"glimmer {self.field or 'entry'}"
        return (
            f"::{self.severity} file={_prop(self.path)},line={self.line},col={self.col},"
            f"title={_prop(title)}::{_data(body)}"
        )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(problems: Iterable[Problem], fmt: str) -> str:
    """Format problems as plain text, GitHub annotations or JSON."""
    problems = sorted(problems)
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)


class JournalError(Exception):
    """Raised at the edges (build, cards) when the journal has problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(render(self.problems, "text"))
