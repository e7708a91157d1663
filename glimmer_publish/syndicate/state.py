"""Where each glimmer was posted, kept on an orphan branch only the syndicate job writes.

The writer's own branch is never touched, so a post recorded while they push can never race
their commits. Each save is one commit on `glimmer-syndication` holding `syndication.json`;
when another run pushed first, both records are merged (a post is keyed by slug and target,
so a merge is a union) and the push is tried again.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BRANCH = "glimmer-syndication"
STATE_FILE = "syndication.json"
_LOCAL_REF = "refs/glimmer/syndication"  # private ref: fetching never moves a branch


class StateError(RuntimeError):
    """The state branch could not be read or written; the message says why."""


@dataclass
class State:
    """`enabled_at`: when syndication was first switched on; `baseline`: slugs published
    before then (never posted unless back-filled); `posts[slug][target]`: what was posted."""

    enabled_at: str | None = None
    baseline: set[str] = field(default_factory=set)
    posts: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def posted(self, slug: str, target: str) -> dict[str, str] | None:
        return self.posts.get(slug, {}).get(target)

    def record(self, slug: str, target: str, post: dict[str, str]) -> None:
        self.posts.setdefault(slug, {})[target] = dict(post)

    def merged(self, other: State) -> State:
        """Both runs' knowledge: the earlier enable moment, every post either recorded."""
        posts = {slug: dict(t) for slug, t in other.posts.items()}
        for slug, targets in self.posts.items():
            posts.setdefault(slug, {}).update(targets)
        starts = [s for s in (self.enabled_at, other.enabled_at) if s]
        baseline = other.baseline if other.enabled_at and other.enabled_at == min(starts) \
            else self.baseline
        return State(min(starts) if starts else None, set(baseline), posts)

    def to_json(self) -> str:
        data = {"version": 1, "enabled_at": self.enabled_at,
                "baseline": sorted(self.baseline), "posts": self.posts}
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> State:
        try:
            data: Any = json.loads(text)
        except ValueError as exc:  # a damaged record is a message, never a traceback
            raise StateError(f"{STATE_FILE} is damaged ({exc}); fix or delete it on the "
                             "state branch") from exc
        if not isinstance(data, dict) or data.get("version") != 1:
            raise StateError(f"{STATE_FILE} is not a syndication record this glimmer reads")
        posts = {str(slug): {str(t): {str(k): str(v) for k, v in p.items()}
                             for t, p in targets.items() if isinstance(p, dict)}
                 for slug, targets in (data.get("posts") or {}).items()
                 if isinstance(targets, dict)}
        return cls(data.get("enabled_at"), set(map(str, data.get("baseline") or ())), posts)


def read_state_file(path: Path) -> State | None:
    """The state as the build sees it (a copy fetched into the cache), or None."""
    try:
        return State.from_json(path.read_text(encoding="utf-8"))
    except (OSError, StateError):
        return None


class GitStore:
    """Reads and writes the state branch of `remote` with git plumbing (no work tree)."""

    def __init__(self, repo: Path, remote: str = "origin", branch: str = BRANCH,
                 token: str | None = None):
        self.repo, self.remote, self.branch = Path(repo), remote, branch
        self.env = {**os.environ}
        self.env.setdefault("GIT_AUTHOR_NAME", "glimmer syndicate")
        self.env.setdefault("GIT_AUTHOR_EMAIL", "glimmer-syndicate@users.noreply.github.com")
        self.env.setdefault("GIT_COMMITTER_NAME", self.env["GIT_AUTHOR_NAME"])
        self.env.setdefault("GIT_COMMITTER_EMAIL", self.env["GIT_AUTHOR_EMAIL"])
        if token:
            # Handed to git through its environment (never the command line, which other
            # processes can read), the way actions/checkout does it.
            basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
            self.env.update({"GIT_CONFIG_COUNT": "1",
                             "GIT_CONFIG_KEY_0": "http.https://github.com/.extraheader",
                             "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}"})
        self.tip: str | None = None

    def _git(self, *args: str, data: str | None = None, check: bool = True
             ) -> subprocess.CompletedProcess:
        result = subprocess.run(["git", *args], cwd=self.repo, env=self.env, input=data,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise StateError(f"git {args[0]} failed: {result.stderr.strip()}")
        return result

    def load(self) -> State:
        """The newest state on the remote (an empty one if the branch does not exist yet)."""
        fetched = self._git("fetch", "--quiet", "--no-tags", "--depth=1", self.remote,
                            f"+refs/heads/{self.branch}:{_LOCAL_REF}", check=False)
        if fetched.returncode != 0:
            if "couldn't find remote ref" in fetched.stderr:
                self.tip = None
                return State()
            raise StateError(f"could not fetch {self.branch} from {self.remote}: "
                             f"{fetched.stderr.strip()}")
        self.tip = self._git("rev-parse", _LOCAL_REF).stdout.strip()
        shown = self._git("show", f"{self.tip}:{STATE_FILE}", check=False)
        return State.from_json(shown.stdout) if shown.returncode == 0 else State()

    def save(self, state: State, message: str, attempts: int = 5) -> State:
        """Commit and push `state`; if another run pushed first, merge and try again."""
        for _ in range(attempts):
            blob = self._git("hash-object", "-w", "--stdin", data=state.to_json()).stdout.strip()
            tree = self._git("mktree", data=f"100644 blob {blob}\t{STATE_FILE}\n").stdout.strip()
            parent = ["-p", self.tip] if self.tip else []
            commit = self._git("commit-tree", tree, *parent, "-m", message).stdout.strip()
            pushed = self._git("push", "--quiet", self.remote,
                               f"{commit}:refs/heads/{self.branch}", check=False)
            if pushed.returncode == 0:
                self.tip = commit
                return state
            state = state.merged(self.load())
        raise StateError(f"could not push {self.branch} to {self.remote} after {attempts} tries")
