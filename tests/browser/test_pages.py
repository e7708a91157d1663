"""The served sample site as a visitor's browser sees it: clean, private, accessible."""

from __future__ import annotations

import pytest
from harness import Site, axe_violations, page_path

from glimmer_publish.entries import Entry

CHECKED = ("home", "entry", "tag", "archive")


def luminance(css_colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of an `rgb(...)`/`rgba(...)` colour."""
    channels = [float(c) / 255 for c in css_colour[css_colour.index("(") + 1:-1].split(",")[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("name", CHECKED)
def test_page_is_clean_private_and_accessible(open_tab, site: Site, entry: Entry,
                                              name: str, size: str, palette: str):
    tab = open_tab(site, size, color_scheme=palette)
    response = tab.goto(page_path(name, entry))
    assert response.status == 200
    background = tab.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (luminance(background) < 0.2) == (palette == "dark"), background
    assert not tab.problems(), "\n".join(tab.problems())
    assert tab.requests, "no request was recorded"
    violations = axe_violations(tab.page)
    assert not violations, "\n".join(violations)


def test_every_page_loads_without_errors(open_tab, site: Site):
    """Every built page, cards and fonts included, loads with nothing missing or foreign."""
    pages = sorted(p.parent.relative_to(site.root).as_posix() + "/"
                   for p in site.root.rglob("index.html"))
    assert len(pages) > 20
    tab = open_tab(site)
    for path in pages:
        path = "" if path == "./" else path
        assert tab.goto(path, wait_until="load").status == 200, path
    tab.page.wait_for_load_state("networkidle")
    assert not tab.problems(), "\n".join(tab.problems())
