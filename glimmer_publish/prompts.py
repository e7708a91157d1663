"""Gentle prompts for `glimmer new` on a terminal: one small question at a time, all skippable.

The questions follow the practice (notice it, name it, feel it). Input and output are passed
in, so the questions are plain data and the terminal stays at the edge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# (field, question); Enter skips any of them.
QUESTIONS = (
    ("title", "What did you notice?"),
    ("where", "Where were you?"),
    ("felt", "Where did you feel it in your body?"),
)
SKIP_HINT = "(Press Enter to skip any question.)"
UNTITLED = "A small glimmer"


@dataclass(frozen=True)
class Answers:
    title: str
    where: str | None
    felt: str | None


def ask(read: Callable[[str], str], say: Callable[[str], None]) -> Answers | None:
    """Ask each question once; None when the writer closes the input (Ctrl-D): write nothing."""
    say(SKIP_HINT)
    got: dict[str, str | None] = {}
    for key, question in QUESTIONS:
        try:
            answer = read(f"{question} ").strip()
        except EOFError:
            say("")
            return None
        got[key] = answer or None
    return Answers(title=got["title"] or UNTITLED, where=got["where"], felt=got["felt"])
