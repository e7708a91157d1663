"""A writer's whole first hour, from the built package: wheel -> fresh venv -> init -> new -> build.

No network and no `-e`: the sdist and wheel are built from this checkout without build
isolation (so no download of setuptools), and the wheel is installed with `--no-index
--no-deps` into a new virtual environment. Its dependencies (MkDocs, Material, Pillow, ...)
are not on this machine as wheels, so the new environment reads them from the test
environment's site-packages through a `.pth` line, added only *after* the install, so pip
never sees (nor touches) the editable copy there. What runs is the wheel's own code, theme,
fonts and starter files: the test checks that `glimmer_publish` is imported from the new
environment, not from this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import feedparser
from PIL import Image

from glimmer_publish import __version__

REPO = Path(__file__).resolve().parent.parent
BIN = "Scripts" if os.name == "nt" else "bin"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    # Never the checkout as working folder: `python -c` would import glimmer_publish from it.
    result = subprocess.run([str(a) for a in args], cwd=cwd or Path(os.sep), env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_built_wheel_makes_a_journal_and_its_site_without_network(tmp_path):
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, REPO)
    wheel = dist / f"glimmer_publish-{__version__}-py3-none-any.whl"
    assert (dist / f"glimmer_publish-{__version__}.tar.gz").is_file()
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("glimmer_publish/theme/main.html", "glimmer_publish/theme/assets/glimmer.css",
                 "glimmer_publish/fonts/NotoSans-Regular.ttf",
                 "glimmer_publish/starter/publish.yml",
                 "glimmer_publish/starter/dependencies.txt"):
        assert part in names, f"{part} is missing from the wheel"
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)
    package = REPO / "glimmer_publish"
    shipped = {p.relative_to(REPO).as_posix() for p in package.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped - set(names) == set(), "package files the package-data globs leave out"

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / BIN / ("python.exe" if os.name == "nt" else "python")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-index",
        "--no-deps", wheel)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())
    (site / "zz-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    where = run(python, "-c", "import glimmer_publish; print(glimmer_publish.__file__)").stdout
    assert Path(where.strip()).is_relative_to(venv), where

    glimmer = venv / BIN / "glimmer"
    assert run(glimmer, "--version").stdout.strip() == f"glimmer {__version__}"
    run(glimmer, "init", "journal", "--yes", "--url", "https://example.org/journal/",
        "--timezone", "Europe/Lisbon", "--hashes-from", dist, cwd=tmp_path)
    journal = tmp_path / "journal"
    assert f"glimmer-publish=={__version__}" in (journal / "requirements.in").read_text()
    made = [p for p in journal.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in made) < 100_000

    # A theme override, the way a journal changes a page: the packaged entry template,
    # copied into custom_dir and changed, wins over the package's own.
    packaged = Path(run(python, "-c", "import glimmer_publish, pathlib; print(pathlib.Path("
                        "glimmer_publish.__file__).parent / 'theme' / 'glimmer' / 'entry.html')")
                    .stdout.strip())
    assert packaged.is_relative_to(venv)
    override = journal / "overrides" / "glimmer" / "entry.html"
    override.parent.mkdir(parents=True)
    marker = '<p class="my-own-line">Noticed with care.</p>'
    override.write_text(packaged.read_text(encoding="utf-8").replace(
        "</article>", marker + "\n</article>"), encoding="utf-8")
    config = journal / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  # custom_dir: overrides", "  custom_dir: overrides"), encoding="utf-8")

    # The changelog ships inside the package: upgrade tells what changed, from the wheel alone.
    for name in ("requirements.in", "requirements.txt"):
        pins = journal / name
        pins.write_text(pins.read_text().replace(f"=={__version__}", "==0.1.0"))
    upgraded = run(glimmer, "upgrade", "--hashes-from", dist, cwd=journal).stdout
    assert f"0.1.0 -> {__version__}" in upgraded and f"## [{__version__}]" in upgraded
    assert f"glimmer-publish=={__version__}" in (journal / "requirements.in").read_text()

    new = run(glimmer, "new", "Warm bread", "--tags", "home",
              "--body", "The kitchen smelled of bread all afternoon.", cwd=journal)
    slug = Path(new.stdout.strip()).stem
    run(glimmer, "build", cwd=journal)

    site_dir = journal / "site"
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "Warm bread" in home and "A first glimmer" in home
    feed = feedparser.parse((site_dir / "feed.xml").read_bytes())
    assert not feed.bozo
    assert {e.title for e in feed.entries} == {"Warm bread", "A first glimmer"}
    assert all(e.link.startswith("https://example.org/journal/") for e in feed.entries)
    with Image.open(site_dir / "cards" / slug / "og.jpg") as card:
        assert card.size == (1200, 630)
    assert (site_dir / "assets" / "glimmer.css").is_file()  # the theme came with the wheel
    page = (site_dir / "glimmers" / slug / "index.html").read_text(encoding="utf-8")
    assert marker in page and "Warm bread" in page
