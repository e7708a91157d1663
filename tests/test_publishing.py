"""What the world can see: the guard, drafts that stay on the writer's computer, feed identity.

The guard reads the repository's visibility from a synthetic GitHub event payload, exactly
the file GITHUB_EVENT_PATH points to in a workflow, and looks only at files git tracks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import feedparser
import pytest
from glimmer_testing import TmpJournal
from photo_fixtures import MAKERS

from glimmer_publish import identity
from glimmer_publish.cli import main
from glimmer_publish.entries import load_journal
from glimmer_publish.feeds import build_feeds
from glimmer_publish.settings import load_settings

CONFIG = ("site_name: Guarded\nsite_url: https://example.org/journal/\n"
          "plugins:\n  - search\n  - glimmer:\n      journal_id: {id}\n"
          "      card_formats: [og]\n")
PUBLIC = {"repository": {"full_name": "me/journal", "private": False, "visibility": "public"}}
PRIVATE = {"repository": {"full_name": "me/journal", "private": True, "visibility": "private"}}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True,
                          text=True, timeout=60).stdout


@pytest.fixture
def repo(journal: TmpJournal) -> TmpJournal:
    """A committed journal with one public glimmer."""
    (journal.root / "mkdocs.yml").write_text(CONFIG.format(id=identity.new_journal_id()),
                                             encoding="utf-8")
    journal.entry("2026-03-01-open.md", "Open", "2026-03-01", tags="[light]")
    git(journal.root, "init", "-q", "-b", "main")
    git(journal.root, "add", "-A")
    git(journal.root, "commit", "-q", "-m", "start")
    return journal


def guard(root: Path, monkeypatch, capsys, payload: dict | None, *extra: str):
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    if payload is None:
        monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    else:
        event = root.parent / "event.json"
        event.write_text(json.dumps(payload), encoding="utf-8")
        monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    code = main(["validate", "--publishing", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def commit(repo: TmpJournal, message: str = "more") -> None:
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", message)


def test_a_public_repository_with_a_private_glimmer_is_refused_and_a_private_one_allowed(
        repo, monkeypatch, capsys):
    repo.entry("2026-03-02-secret.md", "Only me", "2026-03-02", private=True)
    commit(repo)
    code, out, err = guard(repo.root, monkeypatch, capsys, PUBLIC)
    assert code == 1
    assert ("entries/2026-03-02-secret.md:1:1: error: private: this private glimmer is in a "
            "public repository") in out
    assert "git rm --cached entries/2026-03-02-secret.md" in out
    assert err.startswith("Not publishing. This repository is public, and it holds 1 private "
                          "glimmer:")
    assert 'README: "A private journal with a public site"' in err

    code, out, err = guard(repo.root, monkeypatch, capsys, PRIVATE)
    assert code == 0 and "error" not in out
    assert "safe to publish: the repository is private (the workflow event payload)" in err


def test_a_public_repository_with_a_gps_photo_is_refused_until_it_is_stripped(
        repo, monkeypatch, capsys):
    MAKERS["webp"](repo.entries_dir / "sky.webp")
    repo.entry("2026-03-03-sky.md", "Sky", "2026-03-03", photo="sky.webp", photo_alt="Blue")
    commit(repo)
    code, out, err = guard(repo.root, monkeypatch, capsys, {"repository": {"private": False}})
    assert code == 1
    assert ("entries/sky.webp:1:1: error: photo: this photo carries the place it was taken "
            "(51.5035, -0.1275), and the repository is public") in out
    assert "1 photo with a location" in err

    assert main(["photos", "--strip"]) == 0
    commit(repo, "stripped")
    capsys.readouterr()
    code, out, err = guard(repo.root, monkeypatch, capsys, PUBLIC)
    assert code == 0 and "safe to publish: the repository is public" in err


def test_only_tracked_files_count_and_drafts_are_a_warning(repo, monkeypatch, capsys):
    repo.entry("2026-03-04-draft.md", "Half", "2026-03-04", draft=True)
    commit(repo)
    repo.entry("2026-03-05-local.md", "Not committed", "2026-03-05", private=True)
    code, out, err = guard(repo.root, monkeypatch, capsys, PUBLIC)
    assert code == 0, out + err
    assert ("entries/2026-03-04-draft.md:1:1: warning: draft: this draft is readable by anyone "
            "in this public repository") in out
    assert "move it into entries/_drafts/" in out
    assert "2026-03-05-local.md" not in out


def test_without_a_payload_the_repository_counts_as_public_unless_told(repo, monkeypatch,
                                                                        capsys):
    repo.entry("2026-03-02-secret.md", "Only me", "2026-03-02", private=True)
    commit(repo)
    code, _, err = guard(repo.root, monkeypatch, capsys, None)
    assert code == 1 and "visibility is unknown (no workflow event payload" in err
    assert "--visibility private" in err
    code, _, err = guard(repo.root, monkeypatch, capsys, None, "--visibility", "private")
    assert code == 0 and "safe to publish: the repository is private (--visibility)" in err


def test_the_refusal_is_an_annotation_in_github_actions(repo, monkeypatch, capsys):
    repo.entry("2026-03-02-secret.md", "Only me", "2026-03-02", private=True)
    commit(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    event = repo.root.parent / "event.json"
    event.write_text(json.dumps(PUBLIC), encoding="utf-8")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.chdir(repo.root)
    assert main(["validate", "--publishing"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("::error file=entries/2026-03-02-secret.md,line=1,col=1,")


# ---------------------------------------------------------------- drafts


def test_new_draft_says_a_public_repository_shows_it_and_local_keeps_it_out_of_git(
        repo, monkeypatch, capsys):
    monkeypatch.chdir(repo.root)
    assert main(["new", "Half a thought", "--draft"]) == 0
    out, err = capsys.readouterr()
    drafted = Path(out.strip())
    assert "draft: true" in drafted.read_text(encoding="utf-8")
    assert "if your repository is public, anyone can read it there" in err
    assert "glimmer new --local" in err

    (repo.root / ".gitignore").write_text(
        (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8"),
        encoding="utf-8")
    assert main(["new", "Not ready yet", "--local"]) == 0
    out, err = capsys.readouterr()
    local = Path(out.strip()).resolve()
    assert local.parent == (repo.entries_dir / "_drafts").resolve()
    assert "stays on this computer" in err
    status = git(repo.root, "status", "--porcelain", "--untracked-files=all")
    assert "_drafts" not in status and drafted.name in status


def test_build_never_reads_the_drafts_folder_and_the_preview_does(repo):
    (repo.entries_dir / "_drafts").mkdir()
    repo.write("_drafts/2026-03-09-unfinished.md",
               "---\ntitle: Unfinished\ndate: 2026-03-09\n---\nqzlocaldraft\n")
    settings = load_settings(repo.root / "mkdocs.yml")
    assert [e.slug for e in load_journal(settings, include_drafts=True).entries] == [
        "2026-03-01-open"]
    previewed = load_journal(settings, include_drafts=True, drafts_folder=True)
    draft = next(e for e in previewed.entries if e.slug == "2026-03-09-unfinished")
    assert draft.draft  # shown as a draft even without `draft: true`

    # The real thing: one MkDocs build as `mkdocs serve` runs it, one as `glimmer build`.
    script = ("import sys; from mkdocs.commands.build import build; "
              "from mkdocs.config import load_config; "
              "c = load_config(config_file='mkdocs.yml', site_dir=sys.argv[2]); "
              "c.plugins.on_startup(command=sys.argv[1], dirty=False); build(c)")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    (repo.root / "docs").mkdir()
    for command in ("serve", "build"):
        subprocess.run([sys.executable, "-c", script, command, f"out-{command}"],
                       cwd=repo.root, env=env, check=True, capture_output=True, timeout=300)
    served = repo.root / "out-serve" / "glimmers" / "2026-03-09-unfinished" / "index.html"
    assert "qzlocaldraft" in served.read_text(encoding="utf-8")
    built = repo.root / "out-build"
    assert (built / "index.html").is_file()
    assert [p for p in built.rglob("*") if (p.is_file() and b"qzlocaldraft" in p.read_bytes())
            or "unfinished" in p.name] == []


# ---------------------------------------------------------------- feed identity


def test_two_journals_with_the_same_file_names_get_different_feed_ids(tmp_path, monkeypatch,
                                                                       capsys):
    ids = []
    for name in ("ana", "ben"):
        root = tmp_path / name
        j = TmpJournal(root)
        (root / "mkdocs.yml").write_text(
            "site_name: J\nsite_url: https://example.org/j/\nplugins:\n  - search\n"
            "  - glimmer:\n      timezone: UTC   # kept as written\n", encoding="utf-8")
        j.entry("2026-03-14-sun-on-the-kettle.md", tags="[light]")
        monkeypatch.chdir(root)
        assert main(["validate"]) == 0
        assert "warning: journal_id: this journal uses the default id 'glimmer'" in \
            capsys.readouterr().out
        assert main(["id"]) == 0
        capsys.readouterr()
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
        assert "      timezone: UTC   # kept as written\n" in text
        settings = load_settings(root / "mkdocs.yml")
        assert not identity.shares_its_id(settings)
        files = build_feeds(load_journal(settings).entries, settings)
        for feed_name in ("feed.xml", "atom.xml"):
            feed = feedparser.parse(files[feed_name])
            assert not feed.bozo
            ids.append(feed.entries[0].id)
        ids.append(json.loads(files["feed.json"])["items"][0]["id"])
        assert main(["id"]) == 0  # a second run keeps the id
        assert load_settings(root / "mkdocs.yml").journal_id == settings.journal_id
        capsys.readouterr()
    assert ids[0] == ids[1] == ids[2] and ids[3] == ids[4] == ids[5]
    assert ids[0] != ids[3]


@pytest.mark.parametrize("before, after", [
    ("plugins:\n  - glimmer\n", "plugins:\n  - glimmer:\n      journal_id: X"),
    ("plugins:\n- search\n- glimmer:\n    timezone: UTC\n",
     "- glimmer:\n    journal_id: X"),
    ("plugins:\n  - glimmer:\n      journal_id: glimmer  # old\n      feed_items: 5\n",
     "      journal_id: X  # old\n      feed_items: 5\n"),
])
def test_glimmer_id_edits_only_the_one_line(before, after):
    edited = identity.with_journal_id(before, "X")
    assert edited is not None and after in edited
    assert len(edited.splitlines()) - len(before.splitlines()) in (0, 1)


def test_the_sample_journal_has_its_own_id_and_a_copy_is_told_to_take_another(tmp_path):
    repo_root = Path(__file__).resolve().parent.parent
    sample = load_settings(repo_root / "mkdocs.yml")
    assert sample.journal_id == identity.TEMPLATE_JOURNAL_ID
    assert not identity.shares_its_id(sample)  # the sample itself is fine as it is
    text = (repo_root / "mkdocs.yml").read_text(encoding="utf-8")
    copy = tmp_path / "mkdocs.yml"
    (tmp_path / "entries").mkdir()
    copy.write_text(text.replace(identity.TEMPLATE_SITE_URL, "https://ana.github.io/notes/"),
                    encoding="utf-8")
    problem = identity.journal_id_problem(load_settings(copy), copy)
    assert problem is not None and "the sample journal's id" in problem.message


def test_outside_git_every_file_counts_as_tracked(journal, monkeypatch, capsys):
    """A guard that cannot ask git must not wave private glimmers through."""
    (journal.root / "mkdocs.yml").write_text(CONFIG.format(id="outside-git"), encoding="utf-8")
    journal.entry("2026-03-02-secret.md", "Only me", "2026-03-02", private=True)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(journal.root.parent))
    code, out, _ = guard(journal.root, monkeypatch, capsys, PUBLIC)
    assert code == 1 and "entries/2026-03-02-secret.md:1:1: error: private:" in out


def test_a_photo_whose_exif_cannot_be_read_counts_as_located(repo, monkeypatch, capsys):
    from photo_fixtures import exif_tiff, picture

    photo = repo.entries_dir / "odd.png"
    picture().save(photo, "PNG", exif=b"Exif\x00\x00" + exif_tiff())
    data = photo.read_bytes()
    at = data.index(b"eXIf")
    length = int.from_bytes(data[at - 4:at], "big")
    garbage = b"II*\x00" + b"\xff" * (length - 4)  # an EXIF block whose first IFD is nowhere
    crc = zlib.crc32(b"eXIf" + garbage).to_bytes(4, "big")
    photo.write_bytes(data[:at + 4] + garbage + crc + data[at + 8 + length:])
    commit(repo)
    code, out, _ = guard(repo.root, monkeypatch, capsys, PUBLIC)
    assert code == 1, out
    assert "entries/odd.png:1:1: error: photo: this photo may carry (its EXIF is unreadable)" in out
