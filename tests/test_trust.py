"""Trust: nothing private leaks, and a failed or interrupted build never damages the site.

Every build here is a real `glimmer build` (MkDocs + Material + cards + feeds) of a small
journal, with two card formats to stay quick.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from photo_fixtures import MAKERS, OWNER, SECRET_PLACE, SERIAL
from PIL import Image
from workflows.runner import job_steps, run_step

from glimmer_publish.cli import main

REPO = Path(__file__).resolve().parent.parent
CONFIG = """\
site_name: Trust Test
site_url: https://example.org/journal/
theme:
  name: material
  custom_dir: theme
  font: false
plugins:
  - search
  - glimmer:
      card_formats: [og, square]
      cache_dir: {cache}
"""


def make_repo(root: Path, cache: Path | None = None) -> Path:
    cache = cache or root / ".cache" / "glimmer"
    (root / "entries").mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(CONFIG.format(cache=json.dumps(str(cache))), "utf-8")
    shutil.copytree(REPO / "theme", root / "theme")
    return root


def write_entry(root: Path, name: str, **fields: str) -> Path:
    body = fields.pop("body", "Steam and light.")
    front = "".join(f"{k}: {v}\n" for k, v in fields.items())
    path = root / "entries" / name
    path.write_text(f"---\n{front}---\n{body}\n", "utf-8")
    return path


def photo_with_secret(path: Path, secret: str, colour=(200, 160, 120)) -> None:
    """A JPEG carrying `secret` in its EXIF description and GPS block, like a phone photo."""
    img = Image.new("RGB", (320, 240), colour)
    exif = Image.Exif()
    exif[0x010E] = f"description {secret}"  # ImageDescription
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    exif[0x9286] = secret.encode()  # UserComment
    img.save(path, "JPEG", exif=exif.tobytes())
    assert secret.encode() in path.read_bytes()


def glimmer_build(root: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([sys.executable, "-m", "glimmer_publish.cli", "build"], cwd=root,
                          capture_output=True, text=True, env=env, timeout=600, **kwargs)


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    """Temporary folders or files a build may leave beside the site or in the cache.

    (`.site.previous` is the site before last, which the next build writes over: not a
    leftover; a half-written one keeps its `.incomplete` marker and is never trusted.)"""
    found = [p.name for p in root.iterdir() if p.name.startswith((".site.building", ".site.swap"))]
    cache = root / ".cache"
    if cache.exists():
        found += [p.name for p in cache.rglob("*") if p.name.endswith(".tmp")]
    return found


# ---------------------------------------------------------------- privacy

KINDS = st.sampled_from(["public", "private", "draft"])


PUBLIC_SITE_WORKFLOW = REPO / ".github" / "workflows" / "publish-to-public-repo.yml"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          timeout=60, env={**os.environ, **GIT_ENV, **(env or {})}).stdout


def guard_allows(root: Path, visibility: str) -> bool:
    """`glimmer validate --publishing` as both publish workflows run it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--config", str(root / "mkdocs.yml"), "validate", "--publishing",
                     "--visibility", visibility, "--format", "text"])
    assert code in (0, 1), out.getvalue()
    return code == 0


def tracked_contents(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes()
            for name in git(root, "ls-files", "-z").split("\0") if name}


def pushed_objects(root: Path, tmp: Path) -> bytes:
    """Every object the private-journal workflow's push script puts into the public repo."""
    bare = tmp / "github" / "me" / "me.github.io.git"
    bare.mkdir(parents=True)
    git(tmp, "init", "-q", "--bare", "-b", "main", str(bare))
    gitconfig = tmp / "gitconfig"
    git(tmp, "config", "--file", str(gitconfig), f"url.{(tmp / 'github').as_uri()}/.insteadOf",
        "git@github.com:")
    workspace = tmp / "deploy"
    shutil.copytree(root / "site", workspace / "site")  # what download-artifact restores
    step = job_steps(PUBLIC_SITE_WORKFLOW, "deploy")["Push the site"]
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir()
    result = run_step(step, workspace, {**os.environ, **GIT_ENV,
                                        "GIT_CONFIG_GLOBAL": str(gitconfig)},
                      {"DEPLOY_KEY": "test-key", "SITE_REPOSITORY": "me/me.github.io",
                       "SITE_BRANCH": "main", "RUNNER_TEMP": str(runner_temp)})
    assert result.returncode == 0, result.stdout + result.stderr
    return subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=bare,
                          check=True, capture_output=True, timeout=60).stdout


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@example(kinds=["public", "private", "public", "draft"], with_photo=[True] * 5)
@example(kinds=["public", "public"], with_photo=[False] * 5)  # the guard lets it publish
@given(kinds=st.lists(KINDS, min_size=2, max_size=5).filter(lambda k: "public" in k),
       with_photo=st.lists(st.booleans(), min_size=5, max_size=5))
def test_no_trace_of_a_private_or_draft_entry_reaches_anything_published(tmp_path_factory,
                                                                         kinds, with_photo):
    """In every supported setup, nothing private is in what the world can read.

    - public repository + Pages (publish.yml): the site, and — if the guard lets it
      publish at all — every file the repository tracks;
    - private repository + public site repository (publish-to-public-repo.yml): every
      object its push script puts into the public repository.
    Drafts are visible in a public repository by design (the guard warns), never on a site;
    a draft kept in the git-ignored entries/_drafts/ is nowhere.
    """
    tmp = tmp_path_factory.mktemp("privacy")
    root = make_repo(tmp / "journal")
    secret, draft_only = [], []  # never readable anywhere / readable in a public repo only
    for i, kind in enumerate(kinds):
        day = f"2026-03-{i + 10:02d}"
        if kind == "public":
            fields = {"title": f"Open moment {i}", "date": day, "tags": "[shared, light]"}
            if with_photo[i]:  # a phone photo: GPS, owner, serials, XMP, IPTC, a thumbnail
                fmt = ("jpg", "png", "webp")[i % 3]
                MAKERS[fmt](root / "entries" / f"open{i}.{fmt}")
                secret.extend([SECRET_PLACE, OWNER, SERIAL])
                fields |= {"photo": f"open{i}.{fmt}", "photo_alt": "A warm wall"}
            write_entry(root, f"{day}-open-{i}.md", **fields)
            continue
        m = f"qz{kind}{i}secret"
        (secret if kind == "private" else draft_only).append(m)
        fields = {"title": f"Hidden {m} title", "date": day, "tags": f"[{m}, shared]",
                  "where": f"At {m} place", "felt": f"Felt {m}", "author": f"Author {m}",
                  kind: "true", "body": f"The {m} body with [a link](https://{m}.example/).",
                  "card": f"{{excerpt: Card {m}}}"}
        photo_with_secret(root / "entries" / f"{m}.jpg", m)
        secret.append(f"description {m}")  # its EXIF: a GPS photo the guard refuses
        fields |= {"photo": f"{m}.jpg", "photo_alt": f"Photo of {m}"}
        write_entry(root, f"{day}-{m}.md", **fields)
    (root / "entries" / "_drafts").mkdir()
    write_entry(root, "_drafts/2026-03-30-qzlocaldraft.md", title="qzlocaldraft",
                date="2026-03-30", body="qzlocaldraft body")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "journal")

    result = glimmer_build(root)
    assert result.returncode == 0, result.stderr
    site = snapshot(root / "site")
    assert "index.html" in site and "feed.xml" in site and "tags/shared/index.html" in site

    repository = tracked_contents(root) if guard_allows(root, "public") else {}
    setups = {
        "public repository: the site": (site, [*secret, *draft_only, "qzlocaldraft"]),
        "public repository: its files": (repository, [*secret, "qzlocaldraft"]),
        "private repository: the public site repository": (
            {"objects": pushed_objects(root, tmp)}, [*secret, *draft_only, "qzlocaldraft"]),
    }
    assert guard_allows(root, "private")  # the private setup always builds
    for setup, (published, markers) in setups.items():
        for marker in markers:
            assert not [p for p in published if marker in p], (setup, marker, "file name")
            leaks = [p for p, data in published.items() if marker.encode() in data]
            assert leaks == [], f"{setup}: {marker} leaked into {leaks}"
    if not secret:
        assert repository, "a journal with nothing secret may be published from a public repo"


# ---------------------------------------------------------------- atomic builds


@pytest.fixture
def built(tmp_path):
    """A journal that has been built once: the 'published' site every failure must keep."""
    root = make_repo(tmp_path)
    for i in range(3):
        write_entry(root, f"2026-03-1{i}-moment-{i}.md", title=f"Moment {i}",
                    date=f"2026-03-1{i}", tags="[light]")
    result = glimmer_build(root)
    assert result.returncode == 0, result.stderr
    return root, snapshot(root / "site")


def test_a_bad_entry_leaves_the_previous_site_exactly_as_it_was(built):
    root, before = built
    write_entry(root, "2026-03-20-broken.md", title="Tea: at last", date="2026-03-20")
    result = glimmer_build(root)
    assert result.returncode == 1 and "2026-03-20-broken.md:2:" in result.stdout
    assert snapshot(root / "site") == before and leftovers(root) == []


def test_a_crash_inside_a_stage_leaves_the_previous_site(built, monkeypatch):
    root, before = built
    write_entry(root, "2026-03-21-new.md", title="A new one", date="2026-03-21")

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash while writing feeds")

    monkeypatch.setattr("glimmer_publish.plugin.plugin.build_feeds", crash)
    monkeypatch.chdir(root)
    with pytest.raises(RuntimeError, match="simulated crash"):
        main(["build"])
    assert snapshot(root / "site") == before and leftovers(root) == []


def test_a_full_disk_leaves_the_previous_site(built, monkeypatch, capsys):
    root, before = built
    write_entry(root, "2026-03-22-new.md", title="Another one", date="2026-03-22")
    import mkdocs.utils

    real_write = mkdocs.utils.write_file
    calls = []

    def write_until_full(content, output_path):
        calls.append(output_path)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device", output_path)
        real_write(content, output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", write_until_full)
    monkeypatch.chdir(root)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "the site was not changed" in err
    assert len(calls) > 3
    assert snapshot(root / "site") == before and leftovers(root) == []


# Runs `glimmer build` with the feeds stage held open, so Ctrl-C lands mid-build every time:
# the cards are already in the half-built folder and the pages are not written yet.
SLOW_BUILD = """
import signal, sys, time, pathlib
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even if the
# suite itself was started in the background (where a shell makes Ctrl-C ignored)
import glimmer_publish.plugin.plugin as plugin
real = plugin.build_feeds
def held(*args, **kwargs):
    pathlib.Path("held").touch()
    time.sleep(60)
    return real(*args, **kwargs)
plugin.build_feeds = held
from glimmer_publish.cli import main
sys.exit(main(["build"]))
"""


def test_ctrl_c_in_the_middle_of_a_build_leaves_the_previous_site(built):
    root, before = built
    write_entry(root, "2026-04-01-later.md", title="Later moment", date="2026-04-01")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_BUILD], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not (root / "held").exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
        time.sleep(0.02)
    building = root / ".site.previous"
    assert list(building.rglob("*.jpg")), "cards were made before the stop"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "stopped; nothing was changed" in err and "Traceback" not in err
    assert snapshot(root / "site") == before
    assert leftovers(root) == []
    # the half-written folder is marked, and the next build does not trust it
    assert (root / ".site.previous.incomplete").exists()
    (root / ".site.previous" / "planted.html").write_text("stale", encoding="utf-8")
    assert glimmer_build(root).returncode == 0
    assert not (root / ".site.previous.incomplete").exists()
    assert not (root / "site" / "planted.html").exists()
    assert (root / "site" / "glimmers" / "2026-04-01-later" / "index.html").is_file()


def test_two_builds_at_once_never_corrupt_the_site_or_the_cache(built):
    root, _ = built
    for i in range(4):
        write_entry(root, f"2026-05-0{i}-together-{i}.md", title=f"Together {i}",
                    date=f"2026-05-0{i + 1}", tags="[both]")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    procs = [subprocess.Popen([sys.executable, "-m", "glimmer_publish.cli", "build"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    together = snapshot(root / "site")
    assert leftovers(root) == []
    for card in (root / ".cache" / "glimmer" / "cards").rglob("*.*"):
        with Image.open(card) as img:
            img.verify()
    result = glimmer_build(root)
    assert result.returncode == 0, result.stderr
    assert snapshot(root / "site") == together
