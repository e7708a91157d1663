"""The writer's story, end to end: write a glimmer, commit it, and the workflow publishes it.

A temporary git repository is made from this one; the build job's own `run:` steps are read
from .github/workflows/publish.yml and run with bash as GitHub's runner would (GITHUB_ACTIONS
=true), so the test fails if the workflow and the local command drift apart. Then a broken
entry is committed: the check fails with an annotation on the right file and line, and the
site built before is left exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from PIL import Image
from workflows.runner import job_steps, make_linked_venv, run_step, runner_env

from glimmer_publish.entries import slugify

REPO = Path(__file__).resolve().parent.parent
PUBLISH = REPO / ".github" / "workflows" / "publish.yml"
INSTALL = "Install Glimmer Publish (built from this checkout)"
VALIDATE, BUILD = "Validate entries", "Build the site, cards and feeds"
GUARD = "Check that a public repository holds nothing private"
COLLECT = "Collect the cards of new and changed glimmers"
TITLE = "Frost ferns on the bathroom window"
BODY = "Tiny ice ferns grew overnight; the light came through them."
CARD_SIZES = {"og": (1200, 630), "square": (1080, 1080), "portrait": (1080, 1350),
              "story": (1080, 1920)}


@dataclass
class Published:
    repo: Path
    env: dict[str, str]
    steps: dict[str, dict]
    slug: str
    entry: Path
    base_commit: str
    outputs: dict[str, subprocess.CompletedProcess]

    @property
    def site(self) -> Path:
        return self.repo / "site"

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.repo, env=self.env, check=True,
                              capture_output=True, text=True, timeout=60).stdout.strip()


def copy_tracked_files(src: Path, dest: Path) -> None:
    """What a fresh clone of this repository holds (the working copy of each tracked file)."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=src, check=True, capture_output=True,
                           text=True).stdout.split("\0")
    for name in filter(None, names):
        if (src / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, dest / name)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Published:
    tmp = tmp_path_factory.mktemp("publish")
    repo = tmp / "journal"
    repo.mkdir()
    copy_tracked_files(REPO, repo)
    venv = make_linked_venv(tmp / "venv", sys.executable)
    env = runner_env(venv, tmp)
    # What GitHub hands the workflow: this journal's repository is public.
    event = tmp / "event.json"
    event.write_text(json.dumps({"repository": {"private": False, "visibility": "public"}}),
                     encoding="utf-8")
    env["GITHUB_EVENT_PATH"] = str(event)
    steps = job_steps(PUBLISH, "build")
    p = Published(repo, env, steps, "", Path(), "", {})
    p.git("init", "-q", "-b", "main")
    p.git("add", "-A")
    p.git("commit", "-q", "-m", "My journal, made from the template")
    p.base_commit = p.git("rev-parse", "HEAD")

    p.outputs[INSTALL] = ok(run_step(steps[INSTALL], repo, env))
    # The writer's part: one command, then commit.
    new = ok(subprocess.run(["glimmer", "new", TITLE, "--tags", "winter,home", "--body", BODY],
                            cwd=repo, env=env, capture_output=True, text=True, timeout=60))
    p.entry = (repo / new.stdout.strip()).resolve()
    assert p.entry.is_file() and p.entry.is_relative_to(repo / "entries")
    p.slug = slugify(p.entry.stem)
    p.git("add", str(p.entry))
    p.git("commit", "-q", "-m", "A glimmer: frost ferns")

    for name in (VALIDATE, GUARD, BUILD):
        p.outputs[name] = ok(run_step(steps[name], repo, env))
    return p


def site_snapshot(site: Path) -> dict[str, str]:
    return {str(f.relative_to(site)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(site.rglob("*")) if f.is_file()}


def test_the_workflow_runs_only_scripts_here_and_validates_with_annotations(published):
    for name in (INSTALL, VALIDATE, GUARD, BUILD, COLLECT):
        assert "run" in published.steps[name] and "uses" not in published.steps[name]
    assert "all good" in published.outputs[VALIDATE].stderr
    # The sample is fit for a public repository: no private glimmer, no located photo;
    # its one draft is readable there, which the guard says without refusing.
    guard = published.outputs[GUARD]
    assert "safe to publish: the repository is public" in guard.stderr
    assert "::warning file=entries/2026/2026-11-26-draft-orange-peel.md" in guard.stdout


def test_new_glimmer_is_on_the_home_page_with_its_own_page(published):
    slug = published.slug
    home = (published.site / "index.html").read_text(encoding="utf-8")
    assert TITLE in home
    assert f"glimmers/{slug}/" in home
    # Newest first: the new glimmer comes before every sample entry on the home page.
    first_other = min(home.find(f"glimmers/{e.stem}/") for e in
                      (REPO / "entries").rglob("*.md") if f"glimmers/{e.stem}/" in home)
    assert home.find(f"glimmers/{slug}/") < first_other
    page = published.site / "glimmers" / slug / "index.html"
    assert TITLE in page.read_text(encoding="utf-8")


def test_new_glimmer_tops_every_feed(published):
    slug = published.slug
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((published.site / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert feed.entries[0].title == TITLE, name
        assert f"glimmers/{slug}/" in feed.entries[0].link, name
    items = json.loads((published.site / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items[0]["title"] == TITLE
    assert f"glimmers/{slug}/" in items[0]["url"]


def test_new_glimmer_has_its_cards_and_shares_them(published):
    slug = published.slug
    cards = {f.stem: f for f in (published.site / "cards" / slug).iterdir()}
    assert set(cards) == set(CARD_SIZES)
    for fmt, path in cards.items():
        with Image.open(path) as img:
            img.load()
            assert img.size == CARD_SIZES[fmt], (fmt, img.size)
    page = (published.site / "glimmers" / slug / "index.html").read_text(encoding="utf-8")
    og = re.search(r'<meta[^>]+property="og:image"[^>]+content="([^"]+)"', page)
    assert og and f"cards/{slug}/og." in og.group(1) and og.group(1).startswith("https://")


def test_restored_card_cache_means_an_unchanged_journal_redraws_nothing(published, tmp_path):
    """What the next workflow run sees: a fresh clone plus the cached .cache/glimmer folder."""
    clone = tmp_path / "clone"
    published.git("clone", "-q", str(published.repo), str(clone))
    cached = published.repo / ".cache" / "glimmer"
    assert any(f.is_file() for f in cached.rglob("*"))
    shutil.copytree(cached, clone / ".cache" / "glimmer")  # what actions/cache restores
    result = ok(subprocess.run(["glimmer", "cards", "--out", str(tmp_path / "cards")],
                               cwd=clone, env=published.env, capture_output=True, text=True,
                               timeout=300))
    counts = re.search(r"(\d+) rendered, (\d+) from cache", result.stdout + result.stderr)
    assert counts, result.stdout + result.stderr
    assert int(counts[1]) == 0 and int(counts[2]) >= 16 * len(CARD_SIZES), counts[0]


def test_every_built_file_reaches_pages(published):
    """upload-pages-artifact leaves out dot-files: the site must not need any."""
    hidden = [str(f.relative_to(published.site)) for f in published.site.rglob(".*")]
    assert hidden == []


def test_pull_request_artifact_holds_exactly_the_new_glimmers_cards(published):
    step = published.steps[COLLECT]
    assert set(step["env"]) == {"BASE_SHA", "HEAD_SHA"}
    head = published.git("rev-parse", "HEAD")
    ok(run_step(step, published.repo, published.env,
                {"BASE_SHA": published.base_commit, "HEAD_SHA": head}))
    collected = published.repo / "pr-cards"
    slug = published.slug
    assert [d.name for d in collected.iterdir()] == [slug]
    assert {f.stem for f in (collected / slug).iterdir()} == set(CARD_SIZES)
    shutil.rmtree(collected)


def test_broken_entry_fails_with_annotation_and_leaves_the_site_untouched(published):
    before = site_snapshot(published.site)
    broken = published.entry.with_name("2026-11-28-kettle.md")
    broken.write_text("---\ntitle: Kettle: singing softly\ndate: 2026-11-28\n---\nSteam.\n",
                      encoding="utf-8")
    published.git("add", str(broken))
    published.git("commit", "-q", "-m", "A glimmer with a colon in its title")
    rel = broken.relative_to(published.repo).as_posix()
    annotation = re.compile(rf"^::error file={re.escape(rel)},line=2\b", re.MULTILINE)

    for name in (VALIDATE, BUILD):  # the workflow stops at validate; build must refuse too
        result = run_step(published.steps[name], published.repo, published.env)
        assert result.returncode != 0, name
        assert annotation.search(result.stdout + result.stderr), (name, result.stdout,
                                                                  result.stderr)
        assert site_snapshot(published.site) == before, name
