"""Every mistake in mkdocs.yml gets the same clear lines from `glimmer` and from `mkdocs build`.

Each `tests/config/cases/<case>.yml` is a journal's mkdocs.yml with a mistake in it; beside it,
`<case>.txt` holds exactly the problem lines both entry points must print (one per problem,
`mkdocs.yml:LINE: where: what`). Both must stop before any card is drawn, exit 1 or 2, and
never print a traceback. Regenerate after an intended change with
`GLIMMER_REGOLD=1 .venv/bin/pytest tests/test_config_cases.py` and read the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from glimmer_publish.cli import main

CASES = Path(__file__).resolve().parent / "config" / "cases"
ENTRY = "---\ntitle: Sun on the kettle\ndate: 2026-03-14\n---\nSteam and light.\n"
MKDOCS_PREFIX = "ERROR   -  "


def cases() -> list[str]:
    return sorted(p.stem for p in CASES.glob("*.yml"))


def journal_with(tmp_path: Path, case: str) -> Path:
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "2026-03-14-kettle.md").write_text(ENTRY, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text((CASES / f"{case}.yml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    return tmp_path


def run(root: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", *command], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def glimmer_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line.removeprefix("glimmer: ") for line in result.stderr.splitlines()]


def mkdocs_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The plugin's message: the ERROR line and the lines that continue it."""
    lines = result.stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(MKDOCS_PREFIX))
    block = [lines[start].removeprefix(MKDOCS_PREFIX)]
    for line in lines[start + 1:]:
        if not line.strip():
            break
        block.append(line)
    return block


def assert_nothing_drawn(root: Path) -> None:
    assert not (root / ".cache").exists(), "cards were drawn before the settings were checked"
    assert not any((root / "site").glob("cards/*")) if (root / "site").exists() else True


def glimmer_in_process(root: Path, command: str, capsys, monkeypatch) -> tuple[int, list[str]]:
    """The real `glimmer` entry point, run here (a subprocess per case would triple the time)."""
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    capsys.readouterr()
    code = main([command])
    out = capsys.readouterr()
    assert out.out == ""
    return code, [line.removeprefix("glimmer: ") for line in out.err.splitlines()]


@pytest.mark.parametrize("case", cases())
def test_glimmer_and_mkdocs_build_report_the_same_lines(case, tmp_path, capsys, monkeypatch):
    root = journal_with(tmp_path, case)
    golden = CASES / f"{case}.txt"

    code, got = glimmer_in_process(root, "build", capsys, monkeypatch)
    assert code == 2, got
    assert_nothing_drawn(root)

    if os.environ.get("GLIMMER_REGOLD"):
        golden.write_text("\n".join(got) + "\n", encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8").splitlines()

    assert glimmer_in_process(root, "validate", capsys, monkeypatch) == (2, got)

    mkdocs = run(root, "mkdocs", "build")
    assert mkdocs.returncode == 1
    assert "Traceback" not in mkdocs.stderr + mkdocs.stdout
    assert mkdocs_lines(mkdocs) == got
    assert_nothing_drawn(root)


def test_every_case_has_its_golden_file():
    assert cases() and all((CASES / f"{c}.txt").is_file() for c in cases())


def test_a_correct_config_passes_both(tmp_path):
    """The check must not refuse what is right (else every case above could pass by luck)."""
    root = journal_with(tmp_path, "unknown-option")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("feed_item:", "feed_items:")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    validate = run(root, "glimmer_publish", "validate")
    assert validate.returncode == 0, validate.stderr


def test_mistakes_mkdocs_reports_in_its_own_words_never_end_in_a_traceback(tmp_path):
    """Broken YAML and options that are not a mapping: MkDocs stops before our plugin
    runs (its own message), glimmer names the line; neither prints a traceback."""
    cases = {
        "options-not-a-mapping": ("site_name: T\nsite_url: https://example.org/\ntheme:\n"
                                  "  name: material\nplugins:\n  - glimmer: lots\n",
                                  "mkdocs.yml:6: plugins.glimmer: should be a group of options"),
        "broken-yaml": ("site_name: T\nsite_url: https://example.org/\nplugins:\n"
                        "  - glimmer:\n      feed_items: [\n",
                        "mkdocs.yml:6: mkdocs.yml is not valid YAML"),
    }
    for name, (text, expected) in cases.items():
        root = tmp_path / name
        root.mkdir()
        (root / "entries").mkdir()
        (root / "docs").mkdir()
        (root / "mkdocs.yml").write_text(text, encoding="utf-8")
        glimmer = run(root, "glimmer_publish", "validate")
        assert glimmer.returncode == 2 and glimmer_lines(glimmer)[0].startswith(expected), \
            glimmer.stderr
        mkdocs = run(root, "mkdocs", "build")
        assert mkdocs.returncode == 1
        assert "Traceback" not in glimmer.stderr + mkdocs.stderr + mkdocs.stdout
