"""`glimmer syndicate`: post new glimmers to Bluesky and Mastodon, each exactly once.

Data flow: journal (published entries only) + state branch -> what is due -> one card per
glimmer -> one post per glimmer and network -> state branch. A failure stays with its own
glimmer and network; everything else goes on, and the command exits 1 so the job shows it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ..cards import render_cards
from ..entries import Entry, load_journal
from ..feeds import entry_id, journal_id
from ..problems import render
from ..settings import Settings, SettingsError, find_config, load_settings
from . import bluesky, mastodon
from .config import PASSWORD_ENV, SyndicateOptions, Target, syndicate_options
from .http import TIMEOUT
from .model import LoginError, Outgoing, Posted, Sleep, TargetError
from .state import STATE_FILE, GitStore, State, StateError
from .text import BLUESKY_LIMITS, Caption

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LIVE_WAITS = (5.0, 15.0, 30.0)  # a fresh deploy can take a moment to reach every edge
LIVE_TIMEOUT = 10.0

Print = Callable[[str], None]


@dataclass(frozen=True)
class Due:
    entry: Entry
    targets: tuple[Target, ...]


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def start(state: State, entries: list[Entry], backfill: bool, when: str) -> bool:
    """Record the moment syndication was switched on; True when this run did it."""
    if state.enabled_at:
        return False
    state.enabled_at = when
    state.baseline = set() if backfill else {e.slug for e in entries}
    return True


def due(entries: list[Entry], state: State, options: SyndicateOptions,
        backfill: bool) -> list[Due]:
    """Which glimmers still go to which networks (never one published before switching on,
    unless back-filling)."""
    out = []
    for entry in sorted(entries, key=lambda e: (e.date, e.slug)):
        if not backfill:
            if options.since is not None:
                if entry.date < options.since:
                    continue
            elif entry.slug in state.baseline:
                continue
        targets = tuple(t for t in options.targets
                        if (entry.syndicate is None or t.name in entry.syndicate)
                        and state.posted(entry.slug, t.name) is None)
        if targets:
            out.append(Due(entry, targets))
    return out


def outgoing(entry: Entry, settings: Settings, card_file: Path, card) -> Outgoing:
    lang = entry.lang or settings.language or "en"  # the entry's own, else the site's
    return Outgoing(
        slug=entry.slug, key=entry_id(entry, journal_id(settings)),
        link=settings.absolute(entry.url), title=entry.title,
        excerpt=entry.excerpt,  # compose() drops it when it only repeats the title
        tags=entry.tags, lang=lang, image=card_file.read_bytes(), mime=card.mime,
        width=card.width, height=card.height, alt=card.alt,
        published=entry.date)


def is_live(client: httpx.Client, url: str, sleep: Sleep) -> bool:
    """The page answers 200, so nobody follows a link to a 404."""
    for wait in (0.0, *LIVE_WAITS):
        if wait:
            sleep(wait)
        try:
            if client.get(url, timeout=LIVE_TIMEOUT, follow_redirects=True).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
    return False


# ---------------------------------------------------------------- preview


def _caption_lines(name: str, c: Caption, limits: str) -> list[str]:
    lines = [f"  {name}: {c.graphemes} graphemes, {c.bytes} bytes, counted {c.length} "
             f"({limits})"]
    lines += ["    | " + line for line in c.marked().split("\n")]
    for f in c.facets:
        lines.append(f"    facet {f.kind}: bytes {f.start}-{f.end} -> {f.value}")
    return lines


def preview(post: Outgoing, targets: tuple[Target, ...],
            masto_limits: mastodon.InstanceLimits) -> str:
    lines = [f"{post.slug}  {post.link}", f"  language: {post.lang}",
             f"  card: {post.width}×{post.height} {post.mime}, {len(post.image):,} bytes",
             f"  alt ({len(post.alt)} characters): {post.alt}"]
    for t in targets:
        if t.name == "bluesky":
            data, mime, w, h = bluesky.image_for(post)
            fit = f"re-encoded to fit {bluesky.MAX_BLOB:,} bytes"
            note = "as is" if data is post.image else fit
            lines.append(f"  bluesky image: {w}×{h} {mime}, {len(data):,} bytes ({note}), "
                         f"aspectRatio {w}:{h}, record key {bluesky.record_key(post)}")
            lines += _caption_lines("bluesky text", bluesky.caption(post),
                                    f"limit {BLUESKY_LIMITS.characters} graphemes and "
                                    f"{BLUESKY_LIMITS.max_bytes:,} bytes")
        else:
            lim = masto_limits
            lines.append(f"  mastodon image: {post.width}×{post.height}, focus "
                         f"{mastodon.FOCUS}, description {min(len(post.alt), lim.description)}"
                         f" of {lim.description} characters")
            lines += _caption_lines("mastodon text", mastodon.caption(post, lim),
                                    f"limit {lim.text.characters}, every link counts "
                                    f"{lim.text.url_length}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the run


def run(settings: Settings, *, dry_run: bool = False, backfill: bool = False,
        env: Mapping[str, str] | None = None, store: GitStore | None = None,
        client: httpx.Client | None = None, sleep: Sleep = time.sleep,
        out: Print = print, err: Print | None = None) -> int:
    env = os.environ if env is None else env
    err = err or (lambda line: print(line, file=sys.stderr))
    options = syndicate_options(settings)
    if not options.targets:
        out("syndication is off (add `syndicate:` to the glimmer plugin in mkdocs.yml)")
        return EXIT_OK
    if not settings.site_url:
        err("glimmer syndicate: site_url is not set in mkdocs.yml, so posts would have no "
            "link; nothing was posted")
        return EXIT_FAILED
    journal = load_journal(settings)  # published only: drafts and private entries never load
    if not journal.ok:
        err(render(journal.problems, "text"))
        err("glimmer syndicate: the journal has problems; nothing was posted")
        return EXIT_FAILED
    client = client or httpx.Client(timeout=TIMEOUT)
    store = store or GitStore(settings.repo_root, branch=options.branch,
                              token=env.get("GITHUB_TOKEN"))
    try:
        state = store.load()
    except StateError as exc:
        if not dry_run:
            err(f"glimmer syndicate: {exc}; nothing was posted")
            return EXIT_FAILED
        err(f"note: {exc}; previewing as if nothing had been posted yet")
        state = State()
    if start(state, journal.entries, backfill, now_utc()):
        skipped = len(state.baseline)
        verb = "would be switched on" if dry_run else "switched on"
        if options.since is not None:
            out(f"syndication {verb}: posting glimmers dated from {options.since:%Y-%m-%d}")
        else:
            out(f"syndication {verb}: {skipped} glimmer(s) already published will not be "
                "posted" + (" (use --backfill to post them)" if skipped else ""))
        if not dry_run:
            try:
                state = store.save(state, "Syndication switched on")
            except StateError as exc:
                err(f"glimmer syndicate: {exc}; nothing was posted")
                return EXIT_FAILED
    todo = due(journal.entries, state, options, backfill)
    if not todo:
        out("nothing new to post")
        return EXIT_OK

    failed = 0
    with tempfile.TemporaryDirectory(prefix="glimmer-syndicate-") as tmp:
        result = render_cards([d.entry for d in todo], settings, Path(tmp),
                              formats=[options.card], workers=1)
        posts = {}
        for d in todo:
            card = result.cards[d.entry.slug][options.card]
            posts[d.entry.slug] = outgoing(d.entry, settings, Path(tmp) / card.path, card)
    if dry_run:
        limits = mastodon.InstanceLimits()
        masto = options.target("mastodon")
        if masto:
            try:
                limits = mastodon.Mastodon(masto, "", client, sleep).limits(attempts=1)
            except TargetError as exc:
                err(f"note: {exc}; using Mastodon's default limits")
        out(f"would post {len(todo)} glimmer(s):\n")
        for d in todo:
            out(preview(posts[d.entry.slug], d.targets, limits) + "\n")
        return EXIT_OK

    networks: dict[str, object] = {}
    for d in todo:
        post = posts[d.entry.slug]
        if not is_live(client, post.link, sleep):
            err(f"{d.entry.slug}: {post.link} does not answer 200 yet; not posted "
                "(the next run tries again)")
            failed += len(d.targets)
            continue
        for target in d.targets:
            try:
                net = networks.get(target.name)
                if net is None:
                    secret = env.get(PASSWORD_ENV[target.name], "")
                    if not secret:
                        raise LoginError(f"the secret {PASSWORD_ENV[target.name]} is not set")
                    kind = bluesky.Bluesky if target.name == "bluesky" else mastodon.Mastodon
                    net = networks[target.name] = kind(target, secret, client, sleep)
                posted: Posted = net.post(post)
            except TargetError as exc:
                err(f"{d.entry.slug} -> {target.name}: {exc}")
                failed += 1
                if isinstance(exc, LoginError):
                    networks[target.name] = _Broken(exc)
                continue
            except Exception as exc:  # one network's surprise must not stop the others
                err(f"{d.entry.slug} -> {target.name}: unexpected {type(exc).__name__}: {exc}")
                failed += 1
                continue
            verb = "already posted" if posted.adopted else "posted"
            out(f"{d.entry.slug} -> {target.name}: {verb} {posted.url}")
            state.record(d.entry.slug, target.name, posted.record(now_utc()))
            try:
                state = store.save(state, f"{d.entry.slug}: {target.name}")
            except StateError as exc:
                err(f"{d.entry.slug} -> {target.name}: posted, but not recorded ({exc}); "
                    "the next run finds the post and records it")
                failed += 1
    if failed:
        err(f"glimmer syndicate: {failed} post(s) failed; the next run tries them again")
    return EXIT_FAILED if failed else EXIT_OK


class _Broken:
    """A network whose login failed: its other glimmers fail fast instead of retrying."""

    def __init__(self, exc: Exception):
        self.exc = exc

    def post(self, post: Outgoing) -> Posted:
        raise LoginError(str(self.exc))


def fetch_state(settings: Settings) -> Path | None:
    """Copy the state branch's record into the cache, where the site build reads it."""
    options = syndicate_options(settings)
    store = GitStore(settings.repo_root, branch=options.branch,
                     token=os.environ.get("GITHUB_TOKEN"))
    state = store.load()
    if not state.posts:
        return None
    target = (settings.cache_dir or settings.repo_root / ".cache" / "glimmer") / STATE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(state.to_json(), encoding="utf-8")
    return target


def cmd_syndicate(args: argparse.Namespace) -> int:
    settings = load_settings(find_config(args.config))
    if args.fetch_state:
        try:
            path = fetch_state(settings)
        except (StateError, SettingsError) as exc:
            # The site builds without the "Also on" links rather than not at all.
            print(f"glimmer syndicate: warning: {exc}", file=sys.stderr)
            return EXIT_OK
        print(path or "no syndication recorded yet")
        return EXIT_OK
    return run(settings, dry_run=args.dry_run, backfill=args.backfill)


def add_syndicate_parser(sub) -> None:
    p = sub.add_parser("syndicate", help="post new glimmers to Bluesky and Mastodon, once")
    p.add_argument("--dry-run", action="store_true",
                   help="print exactly what would be posted, post nothing")
    p.add_argument("--backfill", action="store_true",
                   help="also post glimmers published before syndication was switched on")
    p.add_argument("--fetch-state", action="store_true",
                   help="copy where glimmers were posted into the cache, for the site build")
    p.set_defaults(func=cmd_syndicate)
