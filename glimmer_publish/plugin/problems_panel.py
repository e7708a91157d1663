"""While previewing, a broken entry shows what is wrong in the browser, not a stuck page.

`glimmer serve` keeps building with the entries that are fine and puts this panel at the
top of every page (file:line:column, the message and the hint). A broken entry's own
address gets a page too, so the tab the writer is looking at reloads into the panel, and
back into the entry as soon as the fix is saved. `glimmer build` never publishes with
problems: only the preview does this.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import PurePosixPath

from ..entries import slugify
from ..problems import Problem

PANEL_ID = "glimmer-problems"
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
# Inline styles: the panel must look right whatever the theme or a broken stylesheet does.
_STYLE = ("margin:0;padding:1rem 1.25rem;background:#FFF4E5;color:#3B2A14;"
          "border-bottom:3px solid #D9822B;font:1rem/1.5 system-ui,sans-serif;"
          "position:relative;z-index:10")


def panel(problems: Sequence[Problem]) -> str:
    """Every problem, one item each, in the order `glimmer validate` gives them."""
    n = len(problems)
    items = []
    for p in problems:
        where = f"{p.path}:{p.line}:{p.col}"
        field = f"{p.field}: " if p.field else ""
        hint = (f'<br><span class="glimmer-problem-hint" style="white-space:pre-line">'
                f"hint: {escape(p.hint.strip())}</span>" if p.hint.strip() else "")
        items.append(f'<li><code>{escape(where)}</code> {escape(field + p.message)}{hint}</li>')
    heading = ("One thing in your journal needs a look" if n == 1 else
               f"{n} things in your journal need a look")
    return (f'<aside id="{PANEL_ID}" role="alert" style="{_STYLE}">'
            f"<strong>{escape(heading)}</strong>"
            "<p style=\"margin:.25rem 0\">The preview shows everything else and updates as "
            "soon as you save a fix.</p>"
            f'<ul style="margin:.25rem 0;padding-left:1.25rem">{"".join(items)}</ul></aside>')


def inject(page_html: str, problems: Sequence[Problem]) -> str:
    """The page with the panel first inside <body> (unchanged when there is nothing to say)."""
    if not problems:
        return page_html
    match = _BODY.search(page_html)
    if match is None:
        return page_html
    return page_html[:match.end()] + panel(problems) + page_html[match.end():]


def broken_pages(problems: Sequence[Problem], published: set[str]) -> dict[str, str]:
    """src_uri -> Markdown of a stand-in page for each broken entry that lost its page."""
    stand_ins = {}
    for p in problems:
        name = PurePosixPath(p.path)
        if name.suffix != ".md":
            continue
        slug = slugify(name.stem)
        if slug and slug not in published:
            stand_ins[f"glimmers/{slug}/index.md"] = (
                "---\nsearch:\n  exclude: true\nhide: [navigation, toc]\n---\n"
                f"# {escape(name.name)}\n\nThis glimmer is not shown until the problem above "
                "is fixed.\n")
    return stand_ins
