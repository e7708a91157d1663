"""`glimmer init` and `glimmer upgrade` as a new writer meets them.

`tests/init/golden/` is today's `glimmer init` output for fixed answers, with the parts that
change every run (journal id, today's date, hashes) replaced by stand-ins;
`tests/init/golden-private/` holds only the files a `--private` journal has differently. Regenerate
both after an intended change with `GLIMMER_REGOLD=1 .venv/bin/pytest tests/test_init.py` and read
the diff. `tests/init/frozen-0.2.0/` is the same output frozen when 0.2.0 was made and never
regenerated: the tool must keep building it, as journals made then will keep existing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from glimmer_publish import __version__
from glimmer_publish.cli import main
from glimmer_publish.entries import load_journal
from glimmer_publish.init import InitError, gather, machine_timezone
from glimmer_publish.settings import load_settings, read_mkdocs_yml

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "init" / "golden"
GOLDEN_PRIVATE = HERE / "init" / "golden-private"
FROZEN = HERE / "init" / "frozen-0.2.0"
ANSWERS = ["--name", "Small: Glimmers", "--author", "Ana Lima",
           "--url", "https://ana.github.io/journal", "--timezone", "Europe/Berlin",
           "--language", "de", "--handle", "@ana@example.social"]
EXPECTED = {"mkdocs.yml", "docs/about.md", ".github/workflows/publish.yml",
            ".github/dependabot.yml", ".pre-commit-config.yaml", ".gitignore", "README.md",
            "requirements.in", "requirements.txt"}
PRIVATE_WORKFLOW = ".github/workflows/publish-to-public-repo.yml"
HASH_LINE = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@pytest.fixture
def dist(tmp_path) -> Path:
    """A stand-in for dist/: init hashes whatever glimmer_publish-VERSION files it holds."""
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / f"glimmer_publish-{__version__}-py3-none-any.whl").write_bytes(b"wheel bytes")
    (folder / f"glimmer_publish-{__version__}.tar.gz").write_bytes(b"sdist bytes")
    (folder / "glimmer_publish-0.0.1-py3-none-any.whl").write_bytes(b"another version")
    return folder


def init(tmp_path: Path, dist: Path, *extra: str) -> tuple[int, Path]:
    root = tmp_path / "journal"
    code = main(["init", str(root), "--yes", "--hashes-from", str(dist), *extra])
    return code, root


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def normalised(files: dict[str, str]) -> dict[str, str]:
    """Stand-ins for what changes every run: the id, today's date, the hashes."""
    out = {}
    for rel, text in files.items():
        text = re.sub(r'journal_id: "[0-9a-f-]{36}"', 'journal_id: "JOURNAL-ID"', text)
        text = re.sub(r"date: \d{4}-\d\d-\d\d \d\d:\d\d", "date: 2026-12-01 09:00", text)
        text = HASH_LINE.sub("--hash=sha256:" + "0" * 64, text)
        rel = re.sub(r"entries/\d{4}/\d{4}-\d\d-\d\d-", "entries/2026/2026-12-01-", rel)
        out[rel] = text
    return out


def regold(folder: Path, files: dict[str, str]) -> None:
    if os.environ.get("GLIMMER_REGOLD"):
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8", newline="\n")


def test_init_writes_the_golden_journal(tmp_path, dist, capsys):
    code, root = init(tmp_path, dist, *ANSWERS)
    assert code == 0, capsys.readouterr().err
    got = normalised(tree(root))
    regold(GOLDEN, got)
    assert got == tree(GOLDEN)


def test_init_private_writes_the_golden_private_journal(tmp_path, dist, capsys):
    """Only the differing files are kept: the README's steps and the second workflow."""
    code, root = init(tmp_path, dist, *ANSWERS, "--private")
    assert code == 0, capsys.readouterr().err
    got = normalised(tree(root))
    public = tree(GOLDEN)
    differing = {rel: text for rel, text in got.items() if public.get(rel) != text}
    regold(GOLDEN_PRIVATE, differing)
    assert set(public) - set(got) == set(), "a private journal has every file a public one has"
    assert set(differing) == {"README.md", PRIVATE_WORKFLOW}
    assert differing == tree(GOLDEN_PRIVATE)


def test_init_output_is_a_small_complete_journal(tmp_path, dist, capsys):
    code, root = init(tmp_path, dist, *ANSWERS)
    assert code == 0
    files = tree(root)
    (entry,) = [p for p in files if p.startswith("entries/")]
    assert set(files) == EXPECTED | {entry}
    today = datetime.now(ZoneInfo("Europe/Berlin"))
    assert entry == f"entries/{today:%Y}/{today:%Y-%m-%d}-welcome.md"
    size = sum(len(t.encode()) for t in files.values())
    assert size < 100_000, f"a new journal is {size:,} bytes"
    assert not any(p.endswith((".py", ".ttf", ".otf", ".woff2")) for p in files)

    config = read_mkdocs_yml(root / "mkdocs.yml")
    assert config["site_name"] == "Small: Glimmers" and config["site_author"] == "Ana Lima"
    assert config["site_url"] == "https://ana.github.io/journal/"
    assert config["theme"]["language"] == "de"
    (options,) = [p["glimmer"] for p in config["plugins"] if isinstance(p, dict)]
    assert options["timezone"] == "Europe/Berlin" and options["handle"] == "@ana@example.social"
    assert uuid.UUID(options["journal_id"]).version == 4

    settings = load_settings(root / "mkdocs.yml", publishing=True)  # the plugin's own checks
    journal = load_journal(settings)
    assert journal.problems == [] and [e.title for e in journal.entries] == ["A first glimmer"]
    assert journal.entries[0].date.date() == today.date()

    again, other = init(tmp_path / "second", dist, *ANSWERS)
    assert again == 0
    assert read_mkdocs_yml(other / "mkdocs.yml")["plugins"][1]["glimmer"]["journal_id"] \
        != options["journal_id"], "every journal gets its own id"
    assert str(root / "mkdocs.yml") in capsys.readouterr().out


def test_the_workflow_installs_exactly_this_version_by_hash(tmp_path, dist):
    code, root = init(tmp_path, dist)
    assert code == 0
    assert (root / "requirements.in").read_text().splitlines()[-1] == \
        f"glimmer-publish=={__version__}"
    requirements = (root / "requirements.txt").read_text()
    blocks = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)((?: \\\n    --hash=\S+)+)", requirements,
                        re.MULTILINE)
    names = [name for name, _, _ in blocks]
    assert names[0] == "glimmer-publish" and blocks[0][1] == __version__
    pinned = len(re.findall(r"^[A-Za-z0-9]", requirements, re.MULTILINE))
    assert pinned == len(blocks), "every requirement is pinned with a hash"
    assert {"mkdocs", "mkdocs-material", "pillow", "feedgen", "filelock", "tzlocal"} <= set(names)
    ours = set(re.findall(r"sha256:([0-9a-f]{64})", blocks[0][2]))
    assert ours == {hashlib.sha256(b).hexdigest() for b in (b"wheel bytes", b"sdist bytes")}

    workflow = yaml.safe_load((root / ".github/workflows/publish.yml").read_text())
    runs = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    assert "python -m pip install --require-hashes -r requirements.txt" in runs
    assert not any("-e ." in r or "pip install glimmer" in r for r in runs)
    dependabot = yaml.safe_load((root / ".github/dependabot.yml").read_text())
    assert {u["package-ecosystem"] for u in dependabot["updates"]} == {"pip", "github-actions"}


def test_the_made_pre_commit_config_is_valid(tmp_path, dist):
    assert init(tmp_path, dist)[0] == 0
    root = tmp_path / "journal"
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config",
                             str(root / ".pre-commit-config.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_never_overwrites_and_lists_every_clash(tmp_path, dist, capsys):
    root = tmp_path / "journal"
    (root / ".github").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("mine\n")
    (root / "README.md").write_text("mine too\n")
    code = main(["init", str(root), "--yes", "--hashes-from", str(dist)])
    assert code == 1
    err = capsys.readouterr().err
    assert "never overwritten" in err and "  mkdocs.yml" in err and "  README.md" in err
    assert (root / "mkdocs.yml").read_text() == "mine\n"
    assert sorted(p.name for p in root.rglob("*")) == [".github", "README.md", "mkdocs.yml"]


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--timezone", "Mars/Base", "unknown time zone 'Mars/Base'"),
    ("--url", "ana.github.io", "is not a full web address"),
    ("--language", "German", "is not a language code"),
])
def test_a_bad_flag_is_refused_with_what_would_be_right(tmp_path, dist, capsys, flag, value,
                                                        message):
    code, root = init(tmp_path, dist, flag, value)
    assert code == 1 and message in capsys.readouterr().err
    assert not root.exists() or not any(root.iterdir())


def test_a_private_journal_is_told_what_private_means(tmp_path, dist):
    code, root = init(tmp_path, dist, "--private")
    assert code == 0
    readme = (root / "README.md").read_text()
    assert "**private** repository" in readme and "**public**" not in readme
    assert "Source: GitHub Actions" not in readme  # Pages serves the public repository instead
    for step in ("Add deploy key", "Allow write access", "`public-site`",
                 "`PUBLIC_SITE_DEPLOY_KEY`", "`PUBLIC_SITE_REPOSITORY`", "ssh-keygen"):
        assert step in readme, step


def test_a_private_journal_gets_the_public_site_workflow_installed_by_hash(tmp_path, dist):
    """A free plan cannot serve Pages from a private repository: this workflow is the way."""
    code, root = init(tmp_path, dist, "--private")
    assert code == 0
    files = tree(root)
    (entry,) = [p for p in files if p.startswith("entries/")]
    assert set(files) == EXPECTED | {entry, PRIVATE_WORKFLOW}
    size = sum(len(t.encode()) for t in files.values())
    assert size < 100_000, f"a new private journal is {size:,} bytes"

    workflow = yaml.safe_load((root / PRIVATE_WORKFLOW).read_text())
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["if"] == "vars.PUBLIC_SITE_REPOSITORY != ''"
    assert deploy["environment"]["name"] == "public-site"
    steps = {s.get("name"): s for s in build["steps"]}
    runs = [s.get("run", "") for s in build["steps"]]
    assert "python -m pip install --require-hashes -r requirements.txt" in runs
    assert not any("-e ." in r or "pip install ." in r or "pip install glimmer" in r
                   for r in runs)
    assert steps["Set up Python"]["with"]["cache-dependency-path"] == "requirements.txt"
    key = steps["Restore rendered cards"]["with"]["key"]
    assert "'requirements.txt'" in key and "glimmer_publish/" not in key
    push = next(s for s in deploy["steps"] if s.get("name") == "Push the site")
    assert push["env"]["DEPLOY_KEY"] == "${{ secrets.PUBLIC_SITE_DEPLOY_KEY }}"
    assert PRIVATE_WORKFLOW not in tree(init(tmp_path / "public", dist)[1])


def test_questions_are_asked_again_until_the_answer_works(tmp_path, capsys):
    answers = iter(["", "Ana", "https://ana.github.io/j/", "Mars/Base", "Asia/Tokyo", "",
                    "", "no"])
    asked = []

    def ask(question: str, default: str) -> str:
        asked.append(question)
        return next(answers) or default

    result = gather({}, tmp_path, ask)
    assert (result.site_name, result.author, result.timezone, result.public) == (
        "My glimmers", "Ana", "Asia/Tokyo", False)
    assert asked.count("Your time zone") == 2
    assert "unknown time zone 'Mars/Base'" in capsys.readouterr().out
    with pytest.raises(InitError):
        gather({"timezone": "Mars/Base"}, tmp_path, lambda q, d: d)  # flags are not asked again


def test_the_default_time_zone_is_the_machines(monkeypatch):
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    assert machine_timezone() == "America/Sao_Paulo"
    monkeypatch.setenv("TZ", "UTC")
    assert machine_timezone() == "UTC"


# ------------------------------------------------------------------ upgrade


def frozen_copy(tmp_path: Path) -> Path:
    root = tmp_path / "old-journal"
    shutil.copytree(FROZEN, root)
    return root


def test_upgrade_moves_only_the_pin_and_tells_what_changed(tmp_path, dist, capsys):
    root = frozen_copy(tmp_path)
    for name in ("requirements.in", "requirements.txt"):
        path = root / name
        path.write_text(path.read_text().replace(f"=={__version__}", "==0.1.0"))
    before = tree(root)
    code = main(["upgrade", "--dir", str(root), "--hashes-from", str(dist)])
    out = capsys.readouterr().out
    assert code == 0
    after = tree(root)
    assert {k for k in after if after[k] != before.get(k)} == {"requirements.in",
                                                                "requirements.txt"}
    assert f"glimmer-publish=={__version__}\n" in after["requirements.in"]
    assert f"0.1.0 -> {__version__}" in out
    assert f"## [{__version__}]" in out and "## [0.1.0]" not in out
    assert "glimmer init" in out  # a line of this version's changelog

    assert main(["upgrade", "--dir", str(root), "--hashes-from", str(dist)]) == 0
    assert "already uses" in capsys.readouterr().out
    assert main(["upgrade", "0.1.0", "--dir", str(root)]) == 1
    assert "--allow-downgrade" in capsys.readouterr().err


def test_a_journal_from_an_older_init_still_builds(tmp_path):
    root = frozen_copy(tmp_path)
    cwd = Path.cwd()
    os.chdir(root)
    try:
        assert main(["build"]) == 0
    finally:
        os.chdir(cwd)
    site = root / "site"
    assert "A first glimmer" in (site / "index.html").read_text(encoding="utf-8")
    assert "A first glimmer" in (site / "feed.xml").read_text(encoding="utf-8")
    assert (site / "cards" / "2026-12-01-welcome" / "og.jpg").is_file()
