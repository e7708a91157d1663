"""A private journal with a public site, end to end, the way publish-to-public-repo.yml runs.

The journal repository holds a private glimmer, a draft, a photo with its GPS position
and a local draft; the build job's own `run:` steps come straight out of the workflow and
run with bash as GitHub's runner would, with a synthetic event payload saying the
repository is private. The deploy job's push script then pushes to a local bare
repository standing in for YOUR-NAME.github.io (git's `insteadOf` points
git@github.com: at it). What arrives there must be exactly the site, with no trace of
anything private, and a second publish must not keep the first one's files in history.
The journal's own remote holds the syndicate job's glimmer-syndication branch: the
build fetches it, so the public pages carry the "Also on" links to the posts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from photo_fixtures import OWNER, SECRET_PLACE, SERIAL, phone_jpeg
from test_publish_e2e import copy_tracked_files, ok
from workflows.runner import job_steps, run_step, runner_env

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "publish-to-public-repo.yml"
PUBLISH = REPO / ".github" / "workflows" / "publish.yml"
FETCH_STATE = "Fetch where glimmers were posted (for the \"Also on\" links)"
BUILD_STEPS = ("Install Glimmer Publish (built from this checkout)", "Validate entries",
               "Check that a public repository holds nothing private", FETCH_STATE,
               "Build the site, cards and feeds")
PUSH = "Push the site"
SITE_REPOSITORY = "writer/writer.github.io"
MARKERS = ("qzprivatemarker", "qzdraftmarker", "qzlocaldraftmarker", SECRET_PLACE, OWNER, SERIAL)
# What the syndicate job recorded on the private journal's glimmer-syndication branch.
WALK_POST = "https://bsky.app/profile/writer.example/post/3walkbyriver"
STATE = {"version": 1, "enabled_at": "2026-11-30T00:00:00+00:00", "baseline": [],
         "posts": {"2026-12-03-walk": {"bluesky": {"url": WALK_POST}}}}
FAKE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----"


@dataclass
class Setup:
    tmp: Path
    repo: Path
    env: dict[str, str]
    bare: Path
    runner_temp: Path

    def git(self, *args: str, cwd: Path | None = None) -> str:
        return subprocess.run(["git", *args], cwd=cwd or self.repo, env=self.env, check=True,
                              capture_output=True, text=True, timeout=60).stdout.strip()

    def deploy(self, extra: dict[str, str] | None = None,
               leave_out: str | None = None) -> subprocess.CompletedProcess:
        """The deploy job: a fresh workspace holding only the downloaded site, then the push.

        `leave_out` drops a glimmer's folders, as a later build without it would."""
        workspace = self.tmp / "deploy-workspace"
        shutil.rmtree(workspace, ignore_errors=True)
        workspace.mkdir()
        shutil.copytree(self.repo / "site", workspace / "site")  # what download-artifact does
        if leave_out:
            for folder in ("glimmers", "cards", "thumbs"):
                shutil.rmtree(workspace / "site" / folder / leave_out, ignore_errors=True)
        step = job_steps(WORKFLOW, "deploy")[PUSH]
        assert set(step["env"]) == {"DEPLOY_KEY", "SITE_REPOSITORY", "SITE_BRANCH"}
        env = {"DEPLOY_KEY": FAKE_KEY, "SITE_REPOSITORY": SITE_REPOSITORY, "SITE_BRANCH": "main",
               "RUNNER_TEMP": str(self.runner_temp), **(extra or {})}
        return run_step(step, workspace, self.env, env)

    def published_files(self) -> dict[str, bytes]:
        clone = self.tmp / "visitor-clone"
        shutil.rmtree(clone, ignore_errors=True)
        # --no-local: fetch what a visitor gets (reachable objects), not a copy of the folder
        self.git("clone", "-q", "--no-local", str(self.bare), str(clone), cwd=self.tmp)
        return {p.relative_to(clone).as_posix(): p.read_bytes() for p in clone.rglob("*")
                if p.is_file() and ".git" not in p.relative_to(clone).parts}

    def all_objects(self, git_dir: Path) -> bytes:
        return subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=git_dir,
                              env=self.env, check=True, capture_output=True, timeout=60).stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Setup:
    tmp = tmp_path_factory.mktemp("private-journal")
    repo = tmp / "journal"
    repo.mkdir()
    copy_tracked_files(REPO, repo)
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "# card_formats: [og, square, portrait, story]" in text
    config.write_text(text.replace("# card_formats: [og, square, portrait, story]",
                                   "card_formats: [og]"), encoding="utf-8")  # one card: quick
    for sample in sorted((repo / "entries").rglob("*.md"))[3:]:
        sample.unlink()  # three sample glimmers are enough here, and quicker to build
    year = repo / "entries" / "2026"
    write(year / "2026-12-01-qzprivatemarker.md",
          "---\ntitle: qzprivatemarker title\ndate: 2026-12-01\nprivate: true\n"
          "tags: [qzprivatemarker]\n---\nThe qzprivatemarker body.\n")
    write(year / "2026-12-02-half.md",
          "---\ntitle: qzdraftmarker\ndate: 2026-12-02\ndraft: true\n---\nqzdraftmarker.\n")
    phone_jpeg(year / "walk.jpg")
    write(year / "2026-12-03-walk.md",
          "---\ntitle: A walk by the river\ndate: 2026-12-03\nphoto: walk.jpg\n"
          "photo_alt: Blue water under a red sky\n---\nThe river was bright.\n")
    write(repo / "entries" / "_drafts" / "2026-12-04-local.md",
          "---\ntitle: qzlocaldraftmarker\ndate: 2026-12-04\n---\nqzlocaldraftmarker\n")

    # "Install glimmer" is publish.yml's very script, which test_publish_e2e runs into a
    # fresh venv; here the test's own environment (glimmer installed from this checkout)
    # stands in for it, which saves a package build.
    env = runner_env(Path(sys.executable).parent.parent, tmp)
    event = write(tmp / "event.json", json.dumps(
        {"ref": "refs/heads/main", "repository": {"full_name": "writer/journal",
                                                  "private": True, "visibility": "private"}}))
    env["GITHUB_EVENT_PATH"] = str(event)
    bare = tmp / "github" / (SITE_REPOSITORY + ".git")
    bare.parent.mkdir(parents=True)
    s = Setup(tmp, repo, env, bare, tmp / "runner-temp")
    s.runner_temp.mkdir()
    s.git("init", "-q", "--bare", "-b", "main", str(bare), cwd=tmp)
    # GitHub stands in: every git@github.com: address goes to the folder of bare repositories.
    s.git("config", "--global", f"url.{(tmp / 'github').as_uri()}/.insteadOf", "git@github.com:",
          cwd=tmp)
    s.git("init", "-q", "-b", "main")
    s.git("add", "-A")
    s.git("commit", "-q", "-m", "My private journal")
    tracked = s.git("ls-files")
    assert "_drafts" not in tracked and "qzprivatemarker" in tracked  # .gitignore at work
    # The private journal's own remote, holding the syndicate job's state branch.
    origin = tmp / "github" / "writer" / "journal.git"
    s.git("init", "-q", "--bare", "-b", "main", str(origin), cwd=tmp)
    s.git("remote", "add", "origin", str(origin))
    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, env=env, check=True,
                          input=json.dumps(STATE), capture_output=True, text=True).stdout.strip()
    tree = subprocess.run(["git", "mktree"], cwd=repo, env=env, check=True, capture_output=True,
                          input=f"100644 blob {blob}\tsyndication.json\n", text=True).stdout.strip()
    state = s.git("commit-tree", tree, "-m", "Record where glimmers were posted")
    s.git("push", "-q", "origin", f"{state}:refs/heads/glimmer-syndication")

    steps = job_steps(WORKFLOW, "build")
    for name in BUILD_STEPS[1:]:
        ok(run_step(steps[name], repo, env))
    return s


def test_the_build_job_runs_only_scripts_here_and_the_guard_allows_a_private_repository(setup):
    steps = job_steps(WORKFLOW, "build")
    for name in BUILD_STEPS:
        assert "run" in steps[name] and "uses" not in steps[name]
    publish = job_steps(PUBLISH, "build")
    for name in BUILD_STEPS:  # the same scripts test_publish_e2e runs, install included
        assert steps[name]["run"] == publish[name]["run"], name
    guard = run_step(steps[BUILD_STEPS[2]], setup.repo, setup.env)
    assert guard.returncode == 0
    assert "safe to publish: the repository is private" in guard.stderr
    assert "::warning file=entries/2026/2026-12-03-walk.md,line=4" in guard.stdout  # the photo


def test_the_public_repository_receives_exactly_the_site_in_one_commit(setup):
    ok(setup.deploy())
    published = setup.published_files()
    site = {p.relative_to(setup.repo / "site").as_posix(): p.read_bytes()
            for p in (setup.repo / "site").rglob("*") if p.is_file()}
    assert published == {**site, ".nojekyll": b""}
    assert "glimmers/2026-12-03-walk/index.html" in published
    assert setup.git("rev-list", "--count", "main", cwd=setup.bare) == "1"
    assert list(setup.runner_temp.iterdir()) == []  # the key file is gone after the push


def test_the_public_site_links_to_where_the_private_journal_posted_a_glimmer(setup):
    """The build fetched the private repository's state branch: "Also on" reaches the site."""
    ok(setup.deploy())
    page = setup.published_files()["glimmers/2026-12-03-walk/index.html"].decode()
    assert f'class="u-syndication" rel="syndication" href="{WALK_POST}">Bluesky</a>' in page
    others = [p for p, data in setup.published_files().items()
              if p.endswith("index.html") and "2026-12-03-walk" not in p
              and b"u-syndication" in data]
    assert others == []  # only the glimmer that was posted


def test_nothing_private_reaches_the_public_repository(setup):
    ok(setup.deploy())
    objects = setup.all_objects(setup.bare)
    for marker in MARKERS:
        assert marker.encode() not in objects, marker
    published = setup.published_files()
    assert not [p for p in published if "qz" in p or p.endswith("walk.jpg")]


def test_a_second_publish_keeps_no_history_of_what_was_removed(setup):
    ok(setup.deploy())
    assert "glimmers/2026-12-03-walk/index.html" in setup.published_files()
    ok(setup.deploy(leave_out="2026-12-03-walk"))
    published = setup.published_files()
    assert "glimmers/2026-12-03-walk/index.html" not in published
    assert not [p for p in published if "2026-12-03-walk" in p]
    assert setup.git("rev-list", "--count", "--all", cwd=setup.bare) == "1"
    clone_objects = setup.all_objects(setup.tmp / "visitor-clone")
    card = (setup.repo / "site" / "cards" / "2026-12-03-walk" / "og.jpg").read_bytes()
    assert card[:4096] not in clone_objects  # the old card is not in what a visitor fetches


def test_a_missing_key_or_repository_stops_with_a_plain_message(setup):
    no_key = setup.deploy({"DEPLOY_KEY": ""})
    assert no_key.returncode == 1
    assert "::error title=No deploy key::" in no_key.stdout
    assert "PUBLIC_SITE_DEPLOY_KEY" in no_key.stdout
    no_repo = setup.deploy({"SITE_REPOSITORY": "writer.github.io"})
    assert no_repo.returncode == 1 and "PUBLIC_SITE_REPOSITORY" in no_repo.stdout


def test_the_same_journal_in_a_public_repository_is_refused(setup, tmp_path):
    event = tmp_path / "public.json"
    event.write_text(json.dumps({"repository": {"private": False, "visibility": "public"}}),
                     encoding="utf-8")
    guard = job_steps(WORKFLOW, "build")[BUILD_STEPS[2]]
    result = run_step(guard, setup.repo, {**setup.env, "GITHUB_EVENT_PATH": str(event)})
    assert result.returncode == 1
    assert ("::error file=entries/2026/2026-12-01-qzprivatemarker.md,line=1" in result.stdout)
    assert "::error file=entries/2026/walk.jpg,line=1" in result.stdout
    assert "Not publishing. This repository is public" in result.stderr
    assert os.environ.get("GITHUB_EVENT_PATH") != str(event)
