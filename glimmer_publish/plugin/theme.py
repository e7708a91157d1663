"""Where the package's theme lives and how it joins Material's template search path.

The journal's `custom_dir` comes first, then this package's theme, then Material: a journal
replaces any of our templates, styles or scripts by a file of the same name in its
`custom_dir`, the way Material's own templates are overridden.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from .labels import translations

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"


def search_path(dirs: Sequence[str], custom_dir: str | None) -> list[str]:
    """MkDocs' theme dirs with ours right behind the journal's `custom_dir` (once)."""
    ours = str(THEME_DIR)
    rest = [d for d in dirs if Path(d).resolve() != THEME_DIR]
    at = 0
    if custom_dir:
        custom = Path(custom_dir).resolve()
        at = next((i + 1 for i, d in enumerate(rest) if Path(d).resolve() == custom), 0)
    return [*rest[:at], ours, *rest[at:]]


def page_templates(dirs: Sequence[str], language: str) -> jinja2.Environment:
    """The Jinja environment our page templates are drawn with: the same search path as
    the theme (so `custom_dir` overrides them), escaping on, words from the gettext catalog
    of the site's language."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env
