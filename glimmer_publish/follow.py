"""The "Follow" page: how a glimmer buddy gets new glimmers in their feed reader.

Plain Markdown plus a few HTML links styled as Material buttons, so it renders with any
`markdown_extensions` setting. Kept short and calm: following should take one click or one
pasted address, nothing more.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import quote

from .feeds import url
from .settings import Settings

FEEDLY = "https://feedly.com/i/subscription/feed/"


def _link(href: str, text: str, primary: bool = False) -> str:
    cls = "md-button md-button--primary" if primary else "md-button"
    return f'<a class="{cls}" href="{html.escape(href)}">{html.escape(text)}</a>'


def _md(text: str) -> str:
    """Text safe inside Markdown: no accidental emphasis, links or HTML."""
    out = html.escape(text, quote=False)
    for ch in "\\`*_[]#|":
        out = out.replace(ch, "\\" + ch)
    return out


def follow_page(settings: Settings, tags: Iterable[str]) -> str:
    """Markdown for the page at `follow/`."""
    rss, atom, jsonfeed = (url(settings, name) for name in ("feed.xml", "atom.xml", "feed.json"))
    name = _md(settings.site_name)
    buttons = " ".join([
        _link("feed:" + rss, "Subscribe in your feed reader", primary=True),
        _link(FEEDLY + quote(rss, safe=""), "Follow in Feedly"),
        _link(rss, "Open the feed"),
    ])
    lines = [
        "# Follow",
        "",
        f"New glimmers from {name} can come to you, quietly, in a feed reader: no account here,",
        "no emails, nothing to keep up with. Each new glimmer simply appears, with its picture.",
        "",
        f"<p>{buttons}</p>",
        "",
        "If the first button does nothing, your computer has no feed reader set up for it:",
        "copy this address and paste it into your reader instead.",
        "",
        "```text",
        rss,
        "```",
        "",
        "## The feeds",
        "",
        "All three carry the same glimmers; use whichever your reader likes best.",
        "",
        "| Format | Address |",
        "| --- | --- |",
        f"| RSS | <{rss}> |",
        f"| Atom | <{atom}> |",
        f"| JSON Feed | <{jsonfeed}> |",
        "",
        "## How to add it to your reader",
        "",
        "- **NetNewsWire** (Mac, iPhone): choose *File → New Feed* (or the **+** button), paste",
        "  the address, and press *Add*.",
        "- **Feedly** (web, phone): press *Follow in Feedly* above, or paste the address into",
        "  Feedly's search box and choose *Follow*.",
        "- **Miniflux**: open *Feeds → Add feed*, paste the address, and press *Find a feed*.",
        "- **newsboat**: add the address as a line of its own to `~/.newsboat/urls`, then press",
        "  `R` in newsboat to fetch it.",
        "- **Thunderbird**: make a *Feeds* account (*New → Feed Account*), then choose",
        "  *Manage Feed Subscriptions*, paste the address and press *Add*.",
        "",
        "Most other readers work the same way: look for *Add feed* or *Subscribe*, and paste",
        "the address.",
    ]
    tag_lines = [
        f"- **{_md(tag)}**: [RSS]({url(settings, f'tags/{tag}/feed.xml')}) · "
        f"[Atom]({url(settings, f'tags/{tag}/atom.xml')}) · "
        f"[JSON Feed]({url(settings, f'tags/{tag}/feed.json')})"
        for tag in sorted(set(tags))
    ]
    if tag_lines:
        lines += [
            "",
            "## Just one kind of glimmer",
            "",
            "Each tag has its own feeds, if you would rather follow only some moments:",
            "",
            *tag_lines,
        ]
    return "\n".join(lines) + "\n"
