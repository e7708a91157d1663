"""The parts that differ between Linux, macOS and Windows, tested with real processes and files.

The tests workflow runs this file on all three systems; here it runs on Linux.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import Timeout

from glimmer_publish.build import swap_lock
from glimmer_publish.entries import load_journal

HOLDER = """
import sys, time
from pathlib import Path
from glimmer_publish.build import swap_lock
with swap_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
print("released", flush=True)
"""


def hold(lock: Path, seconds: float) -> subprocess.Popen:
    """Another process that takes the build lock and keeps it for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_build_waits_for_the_first_to_swap(tmp_path):
    lock = tmp_path / ".cache" / "build.lock"
    holder = hold(lock, 1.5)
    try:
        with pytest.raises(Timeout), swap_lock(lock, timeout=0.2):
            pass  # the other process holds it
        started = time.monotonic()
        with swap_lock(lock, timeout=30):
            waited = time.monotonic() - started
            assert holder.poll() is not None or holder.stdout.readline().strip() == "released"
        assert waited > 0.5
    finally:
        holder.wait(timeout=30)


def test_a_killed_build_leaves_no_stale_lock(tmp_path):
    """The system drops the lock with the process: the leftover lock file does not block."""
    lock = tmp_path / "build.lock"
    holder = hold(lock, 60)
    holder.kill()  # SIGKILL on Linux and macOS, TerminateProcess on Windows: no clean-up runs
    holder.wait(timeout=30)
    started = time.monotonic()
    with swap_lock(lock, timeout=5):
        assert time.monotonic() - started < 2


def test_a_lock_left_from_an_earlier_run_does_not_block(tmp_path):
    """A lock file from any earlier build (even with stray bytes in it) is no obstacle."""
    lock = tmp_path / "build.lock"
    lock.write_text("12345\n")
    with swap_lock(lock, timeout=2):
        pass


def test_windows_and_old_mac_line_endings_read_like_unix(journal):
    unix = "---\ntitle: Kettle\ndate: 2026-03-14\ntags: [home]\n---\nSteam.\n\nLight.\n"
    journal.write("a-unix.md", unix, dedent=False)
    journal.write("b-windows.md", unix.replace("\n", "\r\n"), dedent=False)
    journal.write("c-old-mac.md", unix.replace("\n", "\r"), dedent=False)
    loaded = load_journal(journal.settings)
    assert loaded.problems == []
    assert len({(e.title, e.tags, e.body.strip()) for e in loaded.entries}) == 1
    assert all("\r" not in e.body for e in loaded.entries)


def test_a_console_that_cannot_show_a_script_gets_escapes_not_a_traceback(journal):
    """Windows pipes default to a legacy code page (cp1252); ASCII is the harshest case."""
    (journal.root / "mkdocs.yml").write_text(
        "site_name: T\nsite_url: https://example.org/\nplugins:\n  - glimmer\n")
    journal.write("2026-03-14-مرحبا.md", "---\ntitle: صباح\ndate: 2026-03-14\nمزاج: x\n---\n")
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"}
    env.pop("GITHUB_ACTIONS", None)
    result = subprocess.run([sys.executable, "-m", "glimmer_publish", "validate"],
                            cwd=journal.root, env=env, capture_output=True, timeout=60)
    out = result.stdout.decode("ascii") + result.stderr.decode("ascii")
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert "unknown field '\\u0645\\u0632\\u0627\\u062c'" in out
