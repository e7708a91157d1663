"""Screenshots of the pages people see most, at both sizes and in both palettes, for a person to
look at (set GLIMMER_SCREENSHOTS=folder to keep them); the test checks what a glance would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness import Site, page_path
from PIL import Image

from glimmer_publish.entries import Entry


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("GLIMMER_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("name", ["home", "entry", "tag"])
def test_page_fits_the_screen_and_shows_something(open_tab, site: Site, entry: Entry, shots: Path,
                                                  name: str, size: str, palette: str):
    tab = open_tab(site, size, color_scheme=palette)
    tab.goto(page_path(name, entry))
    page = tab.page
    page.evaluate("document.fonts.ready")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than the {size} screen"
    # Lazy thumbnails load only near the viewport; a full-page screenshot wants them all.
    page.evaluate("document.querySelectorAll('img[loading=lazy]')"
                  ".forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    page.evaluate("window.scrollTo(0, 0)")
    file = shots / f"{name}-{size}-{palette}.png"
    page.screenshot(path=file, full_page=True)
    with Image.open(file) as image:
        colours = image.convert("RGB").resize((200, 200)).getcolors(200 * 200)
    assert len(colours) > 50, f"{file.name} looks blank"
    assert not tab.problems(), "\n".join(tab.problems())
