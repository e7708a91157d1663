"""Release step: lock everything glimmer-publish needs, with hashes, for journals' workflows.

Writes glimmer_publish/starter/dependencies.txt, which `glimmer init` and `glimmer upgrade`
put into a journal's requirements.txt below glimmer-publish's own pin. The publish
workflow installs that file with `pip install --require-hashes` on GitHub's ubuntu-latest
runner with Python 3.12, so each package gets the hash of the one file pip picks there
(a Linux x86-64 wheel for CPython 3.12, or the sdist when there is no wheel). pip-compile's
own `--generate-hashes` lists every file of every platform: 885 hashes, 77 KB, most of a
journal that should be a few kilobytes. Dependabot may later rewrite the file with all
hashes; that is harmless.

Run with network, on any system: `python tools/lock_dependencies.py`.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "glimmer_publish" / "starter" / "dependencies.txt"
TARGET = ["--platform", "manylinux_2_28_x86_64", "--platform", "manylinux_2_17_x86_64",
          "--platform", "manylinux2014_x86_64", "--platform", "any",
          "--python-version", "3.12", "--implementation", "cp",
          "--abi", "cp312", "--abi", "abi3", "--abi", "none"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+)")


def run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True)


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        run(sys.executable, "-m", "venv", tmpdir / "venv")
        bin_dir = tmpdir / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
        run(bin_dir / "python", "-m", "pip", "install", "--quiet", "pip-tools>=7.4")
        compiled = tmpdir / "compiled.txt"
        run(bin_dir / "pip-compile", "--quiet", "--allow-unsafe", "--strip-extras",
            "--no-header", "--no-emit-index-url", "--no-emit-find-links",
            "--output-file", compiled, ROOT / "pyproject.toml")
        lines = compiled.read_text(encoding="utf-8").splitlines()
        pins = [m.groups() for line in lines if (m := PIN.match(line))]
        wheels = tmpdir / "wheels"
        run(bin_dir / "python", "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", *TARGET, "--dest", wheels,
            *[f"{n}=={v}" for n, v in pins if not sdist_only(n)])
        run(bin_dir / "python", "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary=:all:", "--dest", wheels,
            *[f"{n}=={v}" for n, v in pins if sdist_only(n)])
        files = {}
        for path in wheels.iterdir():
            stem = norm(path.name.split("-")[0].removesuffix(".tar.gz"))
            files[stem] = hashlib.sha256(path.read_bytes()).hexdigest()
        out = []
        for line in lines:
            m = PIN.match(line)
            if m:
                out.append(f"{m.group(1)}=={m.group(2)} \\")
                out.append(f"    --hash=sha256:{files[norm(m.group(1))]}")
            else:  # "via glimmer-publish (/abs/path/pyproject.toml)": no local paths
                out.append(re.sub(r"glimmer-publish \(.*?pyproject\.toml\)", "glimmer-publish",
                                  line))
        OUT.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(pins)} packages, {OUT.stat().st_size:,} bytes")
    return 0


def sdist_only(name: str) -> bool:
    """Packages published without a wheel (pip builds them from source on the runner)."""
    return norm(name) in SDIST_ONLY


SDIST_ONLY = {"feedgen"}

if __name__ == "__main__":
    sys.exit(main())
