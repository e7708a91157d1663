"""Play a workflow job's `run:` steps locally, the way GitHub's runner would run them.

GitHub Actions cannot run here, so the end-to-end test takes the scripts straight out of
publish.yml: if the workflow and the README's local command drift apart, the test fails.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

# How the runner starts a `run:` step whose shell is bash (GitHub's documented default).
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def job_steps(workflow: Path, job: str) -> dict[str, dict]:
    """The job's steps by name."""
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    return {step["name"]: step for step in steps if "name" in step}


def run_step(step: dict, cwd: Path, env: dict[str, str], extra_env: dict[str, str] | None = None,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """Run one step's script with bash in `cwd`; `uses:` steps cannot run here."""
    if "run" not in step:
        raise ValueError(f"step {step.get('name')!r} is a `uses:` step, not a script")
    return subprocess.run([*BASH, "-c", step["run"]], cwd=cwd, env={**env, **(extra_env or {})},
                          capture_output=True, text=True, timeout=timeout)


def make_linked_venv(venv: Path, base_python: str) -> Path:
    """A venv that sees `base_python`'s installed packages, so installing the project into it
    adds only the project itself (fast, no network for dependencies) and never touches the
    base environment."""
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    shared = subprocess.run([base_python, "-c",
                             "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    python = venv / "bin" / "python"
    own = subprocess.run([str(python), "-c",
                          "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True).stdout.strip()
    Path(own, "_shared_test_packages.pth").write_text(shared + "\n", encoding="utf-8")
    return venv


def runner_env(venv: Path, home: Path) -> dict[str, str]:
    """The environment of a step on the runner: GITHUB_ACTIONS=true, the venv's Python first."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "VIRTUAL_ENV", "PYTHON", "PIP_USER"))}
    env.update(GITHUB_ACTIONS="true", CI="true", PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
               GIT_AUTHOR_NAME="Glimmer Test", GIT_AUTHOR_EMAIL="test@example.org",
               GIT_COMMITTER_NAME="Glimmer Test", GIT_COMMITTER_EMAIL="test@example.org",
               GIT_CONFIG_GLOBAL=str(home / "gitconfig"), GIT_CONFIG_NOSYSTEM="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env

