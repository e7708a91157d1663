"""Interface words: every word the pages use is in the catalog, and German has them all."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent / "glimmer_publish"
LOCALES = PACKAGE / "locales"
COMPLETE = ["de"]  # languages whose catalog must hold every word


def extracted() -> set[str | tuple[str, ...]]:
    """The words in the code and templates now, found the way `pybabel extract` finds them."""
    method_map = [("**.py", "python"), ("theme/**.html", "jinja2")]
    options = {"theme/**.html": {"trimmed": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    return {message for _, _, message, _, _ in
            extract_from_dir(str(PACKAGE), method_map, options, keywords=keywords)}


def catalog(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def test_the_template_catalog_holds_every_word_in_use():
    pot = {m.id for m in catalog(LOCALES / "glimmer.pot") if m.id}
    in_use = extracted()
    assert in_use, "nothing extracted: the extraction itself is broken"
    assert in_use - pot == set(), "run pybabel extract (see glimmer_publish/locales/babel.cfg)"
    assert pot - in_use == set(), "the catalog lists words nothing uses any more"


@pytest.mark.parametrize("language", COMPLETE)
def test_every_word_has_a_translation(language):
    po = catalog(LOCALES / language / "LC_MESSAGES" / "glimmer.po")
    pot = [m for m in catalog(LOCALES / "glimmer.pot") if m.id]
    missing = []
    for message in pot:
        translated = po.get(message.id)
        strings = translated.string if translated else None
        if (not strings or "fuzzy" in translated.flags
                or any(not s for s in (strings if isinstance(strings, tuple) else [strings]))):
            missing.append(message.id)
    assert missing == [], f"{language}: untranslated: {missing}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check()]
    assert problems == [], problems  # placeholders like %(count)s kept in every translation
