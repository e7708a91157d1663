"""The reference: Material for MkDocs' blog + social + tags plugins with mkdocs-rss-plugin.

It lives in its own virtual environment (benchmarks/.venv-ref) so our environment stays
clean. Material's social plugin downloads its font from Google Fonts at build time, which
cannot work offline; we seed its font cache (`<cache_dir>/fonts/<family>/<style>.ttf`, the
layout its `_resolve_font` reads) with Debian's OFL Roboto so it never reaches for the network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from synth import Generated

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-ref"
PACKAGES = ("mkdocs-material[imaging]", "mkdocs-rss-plugin")
ROBOTO_DIRS = (
    Path("/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF"),
    Path("/usr/share/fonts/truetype/roboto/hinted"),
    Path("/usr/share/fonts/truetype/roboto/unhinted"),
)
SOCIAL_CACHE = Path(".cache/plugin/social")

MKDOCS_YML = """\
site_name: Small Glimmers
site_description: Tiny moments of goodness, noticed, named and shared.
site_url: https://example.github.io/glimmers/
theme:
  name: material
  language: en
plugins:
  - blog
  - tags
  - social
  - rss:
      match_path: "blog/posts/.*"
      use_git: false
      date_from_meta:
        as_creation: date
      categories:
        - tags
"""


def mkdocs() -> Path | None:
    """The reference's mkdocs command, when the reference is installed."""
    exe = VENV / "bin" / "mkdocs"
    return exe if exe.exists() and roboto_dir() is not None else None


def roboto_dir() -> Path | None:
    return next((d for d in ROBOTO_DIRS if (d / "Roboto-Regular.ttf").is_file()), None)


def setup() -> None:
    """Create the reference venv and install the fonts its social plugin needs."""
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                    *PACKAGES], check=True)
    if roboto_dir() is None:
        apt = ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
               "fonts-roboto-unhinted", "libcairo2"]
        sudo = [] if _is_root() else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run([*sudo, *apt], check=True)
    print(f"reference ready: {VENV}", file=sys.stderr)


def _is_root() -> bool:
    import os

    return os.geteuid() == 0


def versions() -> str:
    if mkdocs() is None:
        return "not installed"
    out = subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "list",
                          "--disable-pip-version-check", "--format=freeze"],
                         capture_output=True, text=True, check=False).stdout
    wanted = ("mkdocs", "mkdocs-material", "mkdocs-rss-plugin", "pillow", "cairosvg")
    return ", ".join(line.replace("==", " ") for line in out.splitlines()
                     if line.split("==")[0].lower() in wanted)


def seed_fonts(project: Path) -> None:
    """Put Roboto where the social plugin looks before it tries Google Fonts."""
    from PIL import ImageFont

    source = roboto_dir()
    if source is None:
        raise RuntimeError("Roboto is not installed; run benchmarks/run.py --setup-reference")
    target = project / SOCIAL_CACHE / "fonts" / "Roboto"
    target.mkdir(parents=True, exist_ok=True)
    for font in source.glob("Roboto-*.ttf"):
        family, style = ImageFont.truetype(str(font)).getname()
        name = " ".join([family.replace("Roboto", ""), style]).strip()
        shutil.copyfile(font, target / f"{name}.ttf")


def post_text(g: Generated) -> str:
    """One of our entries as a Material blog post (same title, date, tags, body, photo)."""
    tags = "".join(f"\n  - {t}" for t in g.tags)
    lines = ["---", f"date: {g.date:%Y-%m-%dT%H:%M:%S}"]
    if tags:
        lines.append(f"tags:{tags}")
    lines += ["---", "", f"# {g.title}", "", g.body]
    if g.photo is not None:
        lines += ["", f"![Soft shapes of colour in evening light]({g.photo.name})"]
    return "\n".join(lines) + "\n"


def write_project(project: Path, generated: list[Generated]) -> dict[str, Path]:
    """The reference site for the same entries; returns each entry's post file by slug."""
    posts = project / "docs" / "blog" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (project / "docs" / "index.md").write_text("# Small Glimmers\n\nTiny moments of goodness.\n",
                                               encoding="utf-8")
    (project / "docs" / "blog" / "index.md").write_text("# Glimmers\n", encoding="utf-8")
    (project / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n",
                                              encoding="utf-8")
    by_slug = {}
    for g in generated:
        path = posts / f"{g.slug}.md"
        path.write_text(post_text(g), encoding="utf-8")
        if g.photo is not None:
            shutil.copyfile(g.photo, posts / g.photo.name)
        by_slug[g.slug] = path
    seed_fonts(project)
    return by_slug


def add_post(project: Path, round_: int) -> Path:
    """The same addition as `synth.add`, as a blog post."""
    path = project / "docs" / "blog" / "posts" / f"added-{round_:03d}.md"
    path.write_text(f"---\ndate: 2026-11-29T{7 + round_ % 12:02d}:30:00\ntags:\n  - light\n"
                    f"  - morning\n---\n\n# Added glimmer {round_} 🌱\n\n"
                    "The first light reached the table. I let my tea go cold.\n",
                    encoding="utf-8")
    return path


def clear_caches(project: Path) -> None:
    """A cold build: no site, no card cache; the seeded font stays (downloading is not building)."""
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    seed_fonts(project)
