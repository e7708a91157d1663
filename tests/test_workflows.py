"""The publishing workflows are safe to run on every push and pull request.

actionlint (with shellcheck on every `run:` script) and zizmor must report nothing; a
dangerous step injected into a copy must be caught by each of them, so a regression
fails the suite. The pre-commit hooks are checked with the pre-commit framework itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from workflows import lint

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
PUBLIC_REPO = WORKFLOWS / "publish-to-public-repo.yml"
TESTS_YML = WORKFLOWS / "tests.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


@pytest.fixture(scope="module")
def linters_ready() -> None:
    missing = lint.missing_tools()
    assert not missing, f"not installed: {', '.join(missing)} (bash tests/run.sh installs them)"


@pytest.mark.parametrize("tool", ["actionlint", "shellcheck", "zizmor"])
def test_linters_report_nothing_in_our_workflows(tool, linters_ready):
    paths = workflow_files()
    assert {p.name for p in paths} >= {"publish.yml", "tests.yml", "publish-to-public-repo.yml"}
    if tool == "shellcheck":
        findings = [f for p in paths for f in lint.shellcheck(p)]
    else:
        findings = getattr(lint, tool)(paths)
    assert findings == [], "\n".join(map(str, findings))


def test_each_linter_catches_a_dangerous_step(tmp_path, linters_ready):
    """A step that pastes a pull request's title into a shell, unquoted, must be flagged."""
    copy = tmp_path / ".github" / "workflows" / "publish.yml"
    copy.parent.mkdir(parents=True)
    text = PUBLISH.read_text(encoding="utf-8")
    bad = ("      - name: Greet\n"
           "        run: echo ${{ github.event.pull_request.title }} && ls $RUNNER_TEMP/*\n\n")
    anchor = "      - name: Validate entries\n"
    assert anchor in text
    copy.write_text(text.replace(anchor, bad + anchor), encoding="utf-8")

    found = {f.tool: f for f in lint.all_findings([copy])}
    assert set(found) == {"actionlint", "shellcheck", "zizmor"}, found
    assert "potentially untrusted" in found["actionlint"].message
    assert "SC2086" in found["shellcheck"].message  # unquoted variable
    assert "template-injection" in found["zizmor"].message
    assert all(f.line == text[: text.index(anchor)].count("\n") + 2 for f in found.values())


def test_every_action_is_pinned_to_a_full_commit_with_its_version():
    for path in workflow_files():
        text = path.read_text(encoding="utf-8")
        uses = [line.split("uses:", 1)[1].strip() for line in text.splitlines()
                if line.strip().startswith(("uses:", "- uses:"))]
        assert uses, path
        for ref in uses:
            assert PINNED.match(ref), f"{path.name}: {ref!r} is not pinned to a commit SHA"


def test_only_the_deploy_and_syndicate_jobs_may_write():
    wf = load(PUBLISH)
    assert wf["permissions"] == {}
    assert wf["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["jobs"]["syndicate"]["permissions"] == {"contents": "write"}
    assert set(wf["jobs"]) == {"build", "deploy", "syndicate"}
    assert load(TESTS_YML)["permissions"] == {}
    public = load(PUBLIC_REPO)
    assert public["permissions"] == {}
    assert public["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert public["jobs"]["deploy"]["permissions"] == {}  # it pushes with the deploy key only
    # the private journal's own glimmer-syndication branch; the public repository is not reachable
    assert public["jobs"]["syndicate"]["permissions"] == {"contents": "write"}
    assert set(public["jobs"]) == {"build", "deploy", "syndicate"}
    for path in workflow_files():
        text = path.read_text(encoding="utf-8")
        assert "pull_request_target" not in text
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False
                assert "${{" not in step.get("run", ""), f"{path.name}: expression in a script"


def test_publishes_on_push_pull_request_and_by_hand_and_deploys_only_the_default_branch():
    wf = load(PUBLISH)
    on = wf[True]  # YAML 1.1 reads the key `on` as true
    assert set(on) == {"push", "pull_request", "workflow_dispatch"}
    deploy = wf["jobs"]["deploy"]
    default_branch = ("github.ref == format('refs/heads/{0}', "
                      "github.event.repository.default_branch)")
    assert default_branch in deploy["if"] and "!= 'pull_request'" in deploy["if"]
    assert deploy["needs"] == "build"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["environment"]["name"] == "github-pages"
    steps = {s.get("name"): s for s in wf["jobs"]["build"]["steps"]}
    upload = steps["Upload the site for GitHub Pages"]
    assert upload["if"] == deploy["if"] and upload["with"]["path"] == "site/"
    cards = steps["Upload the cards for review"]
    assert cards["if"] == "github.event_name == 'pull_request'"


SYNDICATE_JOBS = {(PUBLISH, "syndicate"), (PUBLIC_REPO, "syndicate")}
FETCH_STATE = "Fetch where glimmers were posted (for the \"Also on\" links)"


def check_syndicate_job(path: Path) -> dict:
    """The posting job of either publish workflow: after the deploy, secrets in its environment."""
    wf = load(path)
    job = wf["jobs"]["syndicate"]
    assert job["needs"] == "deploy"
    assert job["environment"] == {"name": "syndication"}
    assert job["concurrency"] == {"group": "syndication", "cancel-in-progress": False}
    (post,) = [s for s in job["steps"] if "glimmer syndicate" in s.get("run", "")]
    assert post["env"] == {"BLUESKY_APP_PASSWORD": "${{ secrets.BLUESKY_APP_PASSWORD }}",
                           "MASTODON_TOKEN": "${{ secrets.MASTODON_TOKEN }}",
                           "GITHUB_TOKEN": "${{ github.token }}",
                           "BACKFILL": "${{ inputs.backfill }}"}
    assert "glimmer syndicate --backfill" in post["run"]  # only when asked by hand
    assert wf[True]["workflow_dispatch"]["inputs"]["backfill"]["default"] is False
    build = {s.get("name"): s for s in wf["jobs"]["build"]["steps"]}
    names = list(build)
    assert build[FETCH_STATE]["run"] == "glimmer syndicate --fetch-state"
    assert build[FETCH_STATE]["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}  # read-only here
    assert names.index(FETCH_STATE) < names.index("Build the site, cards and feeds")
    return wf


def test_syndication_runs_after_a_deploy_with_secrets_only_in_its_environment():
    wf = check_syndicate_job(PUBLISH)
    assert wf["jobs"]["syndicate"]["if"] == wf["jobs"]["deploy"]["if"]
    for path in workflow_files():  # no other job or workflow sees a network's credentials
        for name, other in load(path)["jobs"].items():
            if (path, name) in SYNDICATE_JOBS:
                continue
            text = yaml.safe_dump(other)
            for secret in ("BLUESKY_APP_PASSWORD", "MASTODON_TOKEN"):
                assert secret not in text, f"{path.name}: {name}"
    build = {s.get("name"): s for s in wf["jobs"]["build"]["steps"]}
    preview = build["Preview what would be posted to Bluesky and Mastodon"]
    assert preview["if"] == "github.event_name == 'pull_request'"
    assert "glimmer syndicate --dry-run" in preview["run"]
    upload = build["Upload the posting preview"]
    assert upload["if"] == preview["if"] and upload["with"]["path"] == "syndication-preview.txt"


def test_a_private_journal_syndicates_after_its_site_is_pushed_exactly_as_publish_yml_does():
    """publish.yml's posting job is off in the private setup; this one takes its place."""
    private = check_syndicate_job(PUBLIC_REPO)
    job, public_job = private["jobs"]["syndicate"], load(PUBLISH)["jobs"]["syndicate"]
    assert job["steps"] == public_job["steps"]  # the same checkout, install and post
    assert {k: v for k, v in job.items() if k != "if"} == {
        k: v for k, v in public_job.items() if k != "if"}
    # never from a branch run by hand (its site is pushed, but a post cannot be taken back)
    assert job["if"] == ("github.ref == format('refs/heads/{0}', "
                         "github.event.repository.default_branch)")
    # the build job (which only reads) and the deploy job (deploy key only) see no network secret
    for name in ("build", "deploy"):
        text = yaml.safe_dump(private["jobs"][name])
        assert "BLUESKY_APP_PASSWORD" not in text and "MASTODON_TOKEN" not in text, name
    build = job_names(private, "build")
    assert build[FETCH_STATE] == job_names(load(PUBLISH), "build")[FETCH_STATE]


def job_names(wf: dict, job: str) -> dict:
    return {s.get("name"): s for s in wf["jobs"][job]["steps"]}


def test_card_cache_key_follows_entries_card_code_and_fonts():
    steps = load(PUBLISH)["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".cache/glimmer"
    key = cache["with"]["key"]
    for part in ("entries/**", "glimmer_publish/cards/**", "glimmer_publish/fonts/**"):
        assert f"'{part}'" in key
    for pattern in re.findall(r"'([^']+)'", key.split("hashFiles(", 1)[1]):
        assert any(REPO.glob(pattern)), f"hashFiles pattern {pattern!r} matches no file"
    prefix = key.split("${{ hashFiles")[0]
    assert cache["with"]["restore-keys"].strip() == prefix
    names = [s.get("name") for s in steps]
    assert names.index(cache["name"]) < names.index("Build the site, cards and feeds")


def test_tests_workflow_runs_the_suite_on_pull_requests():
    wf = load(TESTS_YML)
    assert "pull_request" in wf[True]
    runs = [s["run"].strip() for s in wf["jobs"]["suite"]["steps"] if "run" in s]
    assert runs[-1] == "bash tests/run.sh"


def test_pre_commit_accepts_the_hooks_manifest_and_our_config():
    pre_commit = [sys.executable, "-m", "pre_commit"]
    for cmd, path in (("validate-manifest", ".pre-commit-hooks.yaml"),
                      ("validate-config", ".pre-commit-config.yaml")):
        result = subprocess.run([*pre_commit, cmd, path], cwd=REPO, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
    hooks = {h["id"]: h for h in yaml.safe_load(
        (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"glimmer-validate", "glimmer-strip-photos"}
    hook = hooks["glimmer-validate"]
    assert hook["entry"] == "glimmer validate" and hook["language"] == "python"
    assert re.match(hook["files"], "entries/2026/2026-06-02-birds.md")
    assert not re.match(hook["files"], "docs/about.md")
    fixer = hooks["glimmer-strip-photos"]
    assert fixer["entry"] == "glimmer photos --strip" and fixer.get("pass_filenames", True)
    for name in ("entries/kettle.jpg", "entries/2026/IMG_0001.JPEG", "a.png", "docs/b.webp"):
        assert re.search(fixer["files"], name), name
    assert not re.search(fixer["files"], "entries/2026/2026-06-02-birds.md")


def test_pre_commit_hook_stops_a_broken_entry_from_being_committed(tmp_path):
    """The repo's own hook, run by pre-commit, passes a good journal and blocks a bad entry."""
    repo = tmp_path / "journal"
    repo.mkdir()
    for name in ("mkdocs.yml", ".pre-commit-config.yaml"):
        shutil.copy2(REPO / name, repo / name)
    shutil.copytree(REPO / "entries", repo / "entries")
    # The hook runs .venv/bin/glimmer, as set up by the README; here: this test's environment.
    (repo / ".venv").symlink_to(Path(sys.executable).parent.parent, target_is_directory=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    env.pop("GITHUB_ACTIONS", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120)

    run("git", "init", "-q")
    run("git", "add", "-A")
    good = run(sys.executable, "-m", "pre_commit", "run")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    bad = repo / "entries" / "2026" / "2026-11-01-colon.md"
    bad.write_text("---\ntitle: Morning: frost on the window\ndate: 2026-11-01\n---\nIce ferns.\n",
                   encoding="utf-8")
    run("git", "add", str(bad))
    blocked = run(sys.executable, "-m", "pre_commit", "run")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "Failed" in blocked.stdout
    assert "entries/2026/2026-11-01-colon.md:2:" in blocked.stdout


def test_private_journal_workflow_keeps_the_key_in_its_environment_and_the_journal_private():
    wf = load(PUBLIC_REPO)
    assert set(wf[True]) == {"push", "workflow_dispatch"}  # never for pull requests
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert build["if"] == "vars.PUBLIC_SITE_REPOSITORY != ''"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "public-site"
    assert deploy["concurrency"] == {"group": "public-site", "cancel-in-progress": False}
    text = PUBLIC_REPO.read_text(encoding="utf-8")
    # The deploy key is named in the deploy job's push step only, never in the build job;
    # the only other secrets are the networks' ones, in the syndicate job's posting step.
    assert text.count("secrets.") == 3 and text.count("secrets.PUBLIC_SITE_DEPLOY_KEY") == 1
    push = next(s for s in deploy["steps"] if s.get("name") == "Push the site")
    assert push["env"]["DEPLOY_KEY"] == "${{ secrets.PUBLIC_SITE_DEPLOY_KEY }}"
    assert "StrictHostKeyChecking=yes" in push["run"] and "github.com ssh-ed25519" in push["run"]
    assert all("run" not in s or "pip" not in s["run"] for s in deploy["steps"])
    assert [s.get("uses", "").split("@")[0] for s in deploy["steps"]] == [
        "actions/download-artifact", ""]


def test_both_publish_workflows_refuse_secrets_before_building_and_only_one_deploys():
    guard = "Check that a public repository holds nothing private"
    for path in (PUBLISH, PUBLIC_REPO):
        steps = load(path)["jobs"]["build"]["steps"]
        names = [s.get("name") for s in steps]
        assert steps[names.index(guard)]["run"].strip() == "glimmer validate --publishing"
        assert names.index(guard) < names.index("Build the site, cards and feeds"), path.name
    publish = load(PUBLISH)["jobs"]["deploy"]["if"]
    assert publish.endswith("&& vars.PUBLIC_SITE_REPOSITORY == ''")


def test_tests_workflow_runs_on_linux_macos_and_windows():
    jobs = load(TESTS_YML)["jobs"]
    assert jobs["suite"]["runs-on"] == "ubuntu-latest" and "container" in jobs["suite"]
    portable = jobs["portable"]
    assert set(portable["strategy"]["matrix"]["os"]) == {"macos-latest", "windows-latest"}
    (pytest_run,) = [s["run"] for s in portable["steps"] if "pytest" in s.get("run", "")]
    assert "--ignore=tests/browser" in pytest_run


@pytest.mark.parametrize(("flag", "written"), [
    ("--public", ["publish.yml"]),
    ("--private", ["publish-to-public-repo.yml", "publish.yml"]),
])
def test_the_workflow_glimmer_init_writes_passes_every_linter(tmp_path, linters_ready, flag,
                                                              written):
    """Journals get their workflows from `glimmer init`: they must lint as clean as ours."""
    from glimmer_publish.cli import main

    root = tmp_path / "journal"
    assert main(["init", str(root), "--yes", flag, "--hashes-from", str(tmp_path)]) == 0
    paths = sorted((root / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in paths] == written
    findings = lint.all_findings(paths)
    assert findings == [], "\n".join(map(str, findings))
