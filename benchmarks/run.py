"""Benchmark Glimmer Publish against Material for MkDocs (blog + social + tags + RSS), side by side.

    .venv/bin/python benchmarks/run.py                     # N = 100, 1,000, 10,000; 3 repeats
    .venv/bin/python benchmarks/run.py --sizes 100,1000    # skip 10,000
    .venv/bin/python benchmarks/run.py --quick             # N = 20, 1 repeat (what the tests run)
    .venv/bin/python benchmarks/run.py --setup-reference   # install the reference first

Every figure is a whole fresh process (wall time, CPU, peak memory); ours and the reference's
runs alternate inside one repeat so a noisy machine slows both alike. See BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import compileall
import io
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import measure
import reference
import synth
from measure import Sample, summarize

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
SIZES = {"og": (1200, 630), "square": (1080, 1080), "portrait": (1080, 1350),
         "story": (1080, 1920)}
SCENARIOS = ("cold", "nochange", "touch", "edit", "add")
LABELS = {
    "cold": "(a) cold full build",
    "nochange": "(b) rebuild, nothing changed",
    "touch": "(b′) rebuild, one entry saved again with the same bytes",
    "edit": "(c) rebuild after editing one entry",
    "add": "(d) rebuild after adding one entry",
    "validate": "(e) `glimmer validate`",
}
QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


@lru_cache(maxsize=1)
def child_env() -> dict[str, str]:
    """The environment the timed commands run in: as a user's.

    An installed package has its bytecode compiled (pip does it as it installs, as it did for
    the reference's), so ours is compiled here once; and a shell that sets
    PYTHONDONTWRITEBYTECODE (some sandboxes and CI images do) would otherwise leave only our
    own modules to be compiled again by every command, and by every card worker it starts."""
    compileall.compile_dir(str(REPO / "glimmer_publish"), quiet=1)
    return {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            **QUIET_ENV}


# ---------------------------------------------------------------- the projects


def project_files(repo: Path) -> list[str]:
    """The journal's files from this repository (committed or not, minus ignored ones).

    Without entries/ (the synthetic ones replace them) and without the tool's own code, tests
    and benchmarks: the journal is built by the installed `glimmer`, as a user's would be.
    """
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=repo, capture_output=True, check=True).stdout.decode()
    skip = ("entries/", "benchmarks/", "tests/", ".github/", "glimmer_publish/")
    return [f for f in out.split("\0") if f and not f.startswith(skip)]


def make_ours(root: Path, n: int, seed: int, card_formats: str | None = None
              ) -> tuple[Path, list[synth.Generated]]:
    project = root / "ours"
    for rel in project_files(REPO):
        src = REPO / rel
        if src.is_file():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, project / rel)
    if card_formats:
        set_card_formats(project / "mkdocs.yml", card_formats.split(","))
    return project, synth.generate(project / "entries", n, seed)


def set_card_formats(config: Path, formats: list[str]) -> None:
    """Give the glimmer plugin a `card_formats` option (the cheaper setting for N = 10,000)."""
    text = config.read_text(encoding="utf-8")
    match = re.search(r"^(\s*)- glimmer:[^\n]*\n(\s+)", text, re.MULTILINE)
    if match is None:
        raise SystemExit(f"{config}: no '- glimmer:' plugin entry with options to extend")
    line = f"{match.group(2)}card_formats: [{', '.join(formats)}]\n"
    config.write_text(text[:match.start(2)] + line + text[match.start(2):], encoding="utf-8")


def glimmer() -> list[str]:
    exe = Path(sys.executable).with_name("glimmer")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "glimmer_publish.cli"]


def cards_rendered(project: Path, since_ns: int) -> int:
    """Card images written into the card cache since `since_ns` (a cache hit writes nothing)."""
    cache = project / ".cache"
    if not cache.is_dir():
        return 0
    return sum(1 for p in cache.rglob("*") if p.suffix in (".png", ".jpg") and p.is_file()
               and p.stat().st_mtime_ns >= since_ns)


# ---------------------------------------------------------------- one size


@dataclass
class Results:
    n: int
    ours: dict[str, list[Sample]] = field(default_factory=dict)
    ref: dict[str, list[Sample]] = field(default_factory=dict)
    cards: dict[str, list[int]] = field(default_factory=dict)  # cards rendered per scenario
    ref_cards: int = 0
    # CPU seconds per encode, by format: (renderer's options, Pillow's defaults)
    encode: dict[str, tuple[float, float]] = field(default_factory=dict)
    formats: tuple[str, ...] = ()
    cards_n: int = 0  # entries when (f) runs: N plus the ones (d) added
    build_formats: tuple[str, ...] = ()
    serve: list[float | None] = field(default_factory=list)  # (h) seconds, edit to page served
    wall: float = 0.0
    failures: list[str] = field(default_factory=list)
    site: dict[str, float] = field(default_factory=dict)  # see site_sizes()


def _record(bucket: dict[str, list[Sample]], key: str, sample: Sample, res: Results,
            who: str) -> None:
    bucket.setdefault(key, []).append(sample)
    if sample.returncode:
        res.failures.append(f"{who} {key} exited with {sample.returncode}")


def bench_size(n: int, args: argparse.Namespace, ref_exe: Path | None) -> Results:
    started = time.perf_counter()
    res = Results(n)
    root = Path(tempfile.mkdtemp(prefix=f"glimmer-bench-{n}-"))
    log = args.output.parent / f"log-{n}.txt"
    log.write_text("", encoding="utf-8")
    env = child_env()
    try:
        ours, generated = make_ours(root, n, args.seed, args.card_formats)
        res.build_formats = _formats(ours)
        ref = root / "reference"
        if ref_exe:
            reference.write_project(ref, generated)
        build = [*glimmer(), "build"]
        target = generated[len(generated) // 2].path
        ref_target = (ref / "docs" / "blog" / "posts" / f"{generated[len(generated) // 2].slug}"
                      ".md")
        print(f"N={n}: journal in {root}", file=sys.stderr)
        for r in range(args.repeat):
            for scenario in args.scenarios:
                if scenario == "cold":
                    shutil.rmtree(ours / ".cache", ignore_errors=True)
                    shutil.rmtree(ours / "site", ignore_errors=True)
                    # a journal is written long before it is built: files saved in the last
                    # two seconds are never vouched for by the build's stamp (build_stamp.py)
                    time.sleep(2.1)
                elif scenario == "touch":  # new times, the same bytes: the entry is read again
                    os.utime(target)
                elif scenario == "edit":
                    synth.edit(target, r)
                elif scenario == "add":
                    synth.add(ours / "entries", r)
                since = time.time_ns()
                _record(res.ours, scenario, measure.run(build, ours, log, env), res, "ours")
                res.cards.setdefault(scenario, []).append(cards_rendered(ours, since))
                if scenario == "cold" and not res.site:
                    res.site = site_sizes(ours / "site", [g.slug for g in generated])
                if ref_exe and scenario != "touch":  # the reference reads every file anyway
                    if scenario == "cold":
                        reference.clear_caches(ref)
                    elif scenario == "edit":
                        synth.edit(ref_target, r, marker="# ")
                    elif scenario == "add":
                        reference.add_post(ref, r)
                    sample = measure.run([str(ref_exe), "build"], ref, log, env)
                    _record(res.ref, scenario, sample, res, "reference")
                print(f"  repeat {r + 1}: {scenario} done", file=sys.stderr)
            _record(res.ours, "validate", measure.run([*glimmer(), "validate"], ours, log, env),
                    res, "ours")
        if ref_exe and (ref / "site").is_dir():
            res.ref_cards = sum(1 for _ in (ref / "site" / "assets" / "images" / "social")
                                .rglob("*.png"))
        if args.serve:
            mid = generated[len(generated) // 2]
            for r in range(args.repeat):
                res.serve += serve_reaction(ours, mid.path, mid.slug, 100 + 10 * r, log, env,
                                            args.serve_rounds)
        res.cards_n = n + args.repeat
        if args.cards_repeat:
            res.formats = cards_alone(ours, res, args.formats, args.cards_repeat, log, env)
        res.encode = encode_floor(ours, res.formats)
    finally:
        if args.keep:
            print(f"N={n}: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    res.wall = time.perf_counter() - started
    return res


def site_sizes(site: Path, slugs: list[str]) -> dict[str, float]:
    """The built site's bytes, split so that they can be carried to N = 10,000.

    Entries are one a day, so the number that keep every card format (the last
    card_formats_recent_days) is the same at any N; everything else grows with N."""
    from glimmer_publish.site_size import measure as measure_site

    size = measure_site(site)
    old, recent = [], []  # bytes of each entry's cards and previews
    for slug in slugs:
        files = [*(site / "cards" / slug).glob("*"), *(site / "thumbs" / slug).glob("*")]
        total = sum(f.stat().st_size for f in files)
        (recent if any(f.stem != "og" for f in files) else old).append(total)
    n = len(slugs)
    pages = size.pages / n
    per_old = statistics.mean(old) if old else 0.0
    per_recent = statistics.mean(recent) if recent else 0.0
    estimate = 10_000 * pages + (10_000 - len(recent)) * per_old + len(recent) * per_recent
    return {"total": size.total, "cards": size.cards, "previews": size.previews,
            "pages": size.pages, "n": n, "recent": len(recent), "og": per_old,
            "extra": per_recent, "pages_per_entry": pages, "estimate_10000": estimate}


def serve_reaction(project: Path, entry: Path, slug: str, round_: int, log: Path,
                   env: dict[str, str], rounds: int = 1) -> list[float | None]:
    """(h) Seconds from saving an edit to `glimmer serve` serving the edited page (None: never),
    for `rounds` saves one after another in one preview (a writer saves again and again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    from glimmer_publish.settings import load_settings

    mount = urllib.parse.urlsplit(load_settings(project / "mkdocs.yml").site_url).path or "/"
    page = f"http://127.0.0.1:{port}{mount.rstrip('/')}/glimmers/{slug}/"
    with log.open("ab") as out:
        server = subprocess.Popen([*glimmer(), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    seen: list[float | None] = []
    try:
        if _poll(page, lambda body: True, timeout=900) is None:
            return [None] * rounds
        for r in range(rounds):
            marker = f"Edited, round {round_ + r}:"
            time.sleep(1)  # let the watcher settle after the build before
            saved = time.perf_counter()
            synth.edit(entry, round_ + r)
            shown = _poll(page, lambda body, marker=marker: marker in body, timeout=600)
            seen.append(None if shown is None else shown - saved)
        return seen
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _poll(url: str, ok, timeout: float) -> float | None:
    """When `url` first answered with a body that satisfies `ok` (perf_counter), or None."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if ok(response.read().decode("utf-8", "replace")):
                    return time.perf_counter()
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return None


def _formats(project: Path) -> tuple[str, ...]:
    from glimmer_publish.settings import load_settings

    return load_settings(project / "mkdocs.yml").card_formats


def cards_alone(project: Path, res: Results, only: str | None, repeat: int, log: Path,
                env: dict[str, str]) -> tuple[str, ...]:
    """(f) `glimmer cards --format X` into a fresh folder with the card cache cleared."""
    formats = tuple(only.split(",")) if only else _formats(project)
    for fmt in formats:
        for _ in range(repeat):
            out = project / f"cards-{fmt}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(project / ".cache", ignore_errors=True)
            cmd = [*glimmer(), "cards", "--format", fmt, "--out", str(out)]
            _record(res.ours, f"cards:{fmt}", measure.run(cmd, project, log, env), res, "ours")
    return formats


def encode_floor(project: Path, formats: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """(g) CPU seconds Pillow needs to encode one card of each format, and nothing else.

    The pixels are those of a text card we rendered (encoding time depends on content). The
    first figure uses the card renderer's own encoder and options, the second Pillow's default
    PNG options; each is the median of 5.
    """
    from PIL import Image

    from glimmer_publish.cards.render import encode_card as encode

    floor = {}
    for fmt in formats:
        found = sorted((project / f"cards-{fmt}").rglob(f"{fmt}.png")) or sorted(
            (project / "site" / "cards").rglob(f"{fmt}.png"))
        if found:
            img = Image.open(found[len(found) // 2])
            img.load()
        else:
            img = Image.linear_gradient("L").resize(SIZES[fmt]).convert("RGB")
        floor[fmt] = (_cpu(img, encode), _cpu(img, None))
    return floor


def _cpu(img, encode, times: int = 5) -> float:
    """Median CPU seconds of `encode(img, False)`, or of a default PNG save when encode is None."""
    spent = []
    for _ in range(times):
        t = time.process_time()
        if encode:
            encode(img, False)
        else:
            img.save(io.BytesIO(), "PNG")
        spent.append(time.process_time() - t)
    return statistics.median(spent)


# ---------------------------------------------------------------- the report


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor() or "unknown")
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    total = mem[1].split()[1] if len(mem) > 1 else "?"
    ours = subprocess.run([sys.executable, "-m", "pip", "list", "--format=freeze",
                           "--disable-pip-version-check"], capture_output=True, text=True).stdout
    wanted = ("mkdocs", "mkdocs-material", "pillow", "feedgen", "markdown", "glimmer-publish")
    pkgs = ", ".join(line.replace("==", " ") for line in ours.splitlines()
                     if line.split("==")[0].lower() in wanted)
    import glimmer_publish

    head = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=REPO, capture_output=True,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "glimmer_publish"], cwd=REPO,
                           capture_output=True, text=True).stdout.strip()
    return [
        f"- code: commit {head}{' with uncommitted changes' if dirty else ''} at the start "
        f"(glimmer_publish imported from {Path(glimmer_publish.__file__).parent.parent.name}/)",
        f"- CPU: {cpu}; `nproc` = {os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        f"- memory (`free -h` total): {total}",
        f"- Python {platform.python_version()} on {platform.platform()}",
        f"- ours: {pkgs}",
        f"- reference: {reference.versions()}",
    ]


def _cell(samples: list[Sample] | None, attr: str = "wall", unit: str = "s") -> str:
    if not samples:
        return "—"
    digits = 0 if unit == "MB" else 2
    return summarize([getattr(s, attr) for s in samples]).text(unit, digits)


def _cpu_cell(samples: list[Sample] | None) -> str:
    cpu = _median(samples, "cpu")
    return "—" if cpu is None else f"{cpu:.2f} s"


def _median(samples: list[Sample] | None, attr: str = "wall") -> float | None:
    return statistics.median(getattr(s, attr) for s in samples) if samples else None


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "—"


def report(results: list[Results], repeat: int, about: list[str]) -> str:
    lines = ["## Machine", "", *about, ""]
    for res in results:
        lines += [f"## N = {res.n:,} entries ({repeat} repeat{'s' if repeat > 1 else ''}, "
                  f"took {res.wall:.0f} s)", "",
                  f"Our build makes {len(res.build_formats)} card(s) per entry "
                  f"({', '.join(res.build_formats)}), three feeds (plus three per tag) and "
                  "the site.", "",
                  "Median wall time (min–max) and median CPU time (user + system, all "
                  "processes); memory: largest process / whole process tree (PSS); ratio = "
                  "ours ÷ reference, wall time (below 1 means we are faster).", "",
                  "| scenario | ours | ours CPU | ours memory | cards rendered | reference | "
                  "reference CPU | reference memory | ratio |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for key in (*SCENARIOS, "validate"):
            ours, ref = res.ours.get(key), res.ref.get(key)
            rendered = res.cards.get(key)
            lines.append(
                f"| {LABELS[key]} | {_cell(ours)} | {_cpu_cell(ours)} | "
                f"{_cell(ours, 'rss_mb', 'MB')} / {_cell(ours, 'tree_mb', 'MB')} | "
                f"{'/'.join(map(str, rendered)) if rendered else '—'} | {_cell(ref)} | "
                f"{_cpu_cell(ref)} | {_cell(ref, 'rss_mb', 'MB')} / {_cell(ref, 'tree_mb', 'MB')} "
                f"| {_ratio(_median(ours), _median(ref))} |")
        for fmt in res.formats:
            alone = res.ours.get(f"cards:{fmt}")
            lines.append(f"| (f) cards alone, `{fmt}` | {_cell(alone)} | {_cpu_cell(alone)} | "
                         f"{_cell(alone, 'rss_mb', 'MB')} / {_cell(alone, 'tree_mb', 'MB')} | "
                         f"{res.cards_n if alone else '—'} | — | — | — | — |")
        if res.serve:
            seen = [s for s in res.serve if s is not None]
            lines += ["", "(h) `glimmer serve`: from saving an edit of one entry to its page being "
                      "served with the edit: " + (summarize(seen).text() if seen else "never")
                      + (f" ({len(res.serve) - len(seen)} of {len(res.serve)} never)"
                         if len(seen) < len(res.serve) else "") + "."]
        if any(f"cards:{fmt}" in res.ours for fmt in res.formats):
            lines += ["", "Per card, `glimmer cards` CPU time minus `glimmer validate` CPU time "
                      "(start-up and loading), over N, against (g) Pillow encoding one card of "
                      "that size alone:", "",
                      "| format | ours, CPU per card (runs: min–max) | (g) encode alone, our "
                      "options | ratio | (g) encode alone, Pillow's default PNG options | ratio |",
                      "| --- | --- | --- | --- | --- | --- |"]
            for fmt in res.formats:
                per = per_card(res, fmt)
                floor, default = res.encode.get(fmt, (None, None))
                lines.append(f"| {fmt} | {_ms(per)}{_spread(res, fmt)} | {_ms(floor)} | "
                             f"{_ratio(per, floor)} | {_ms(default)} | {_ratio(per, default)} |")
        if res.site:
            z = res.site
            lines += ["", f"Site size after (a): {z['total'] / 1e6:,.0f} MB (cards "
                      f"{z['cards'] / 1e6:,.0f} MB, previews {z['previews'] / 1e6:,.0f} MB, pages, "
                      f"feeds and assets {z['pages'] / 1e6:,.0f} MB). Per entry: pages "
                      f"{z['pages_per_entry'] / 1e3:,.1f} kB; cards of an older entry "
                      f"{z['og'] / 1e3:,.1f} kB; cards and previews of each of the "
                      f"{z['recent']:,.0f} recent ones {z['extra'] / 1e3:,.1f} kB. "
                      f"Carried to N = 10,000 (one a day, so as many recent ones): "
                      f"**{z['estimate_10000'] / 1e6:,.0f} MB** — an estimate, not a build."]
        if res.ref_cards:
            lines += ["", f"The reference made {res.ref_cards:,} social cards (one per page, "
                      "including its index, archive and tag pages)."]
        lines += ["", *targets(res), ""]
        if res.failures:
            lines += ["Problems during the run:", "", *(f"- {f}" for f in res.failures), ""]
    return "\n".join(lines)


def _ms(seconds: float | None) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds is not None else "—"


def _spread(res: Results, fmt: str) -> str:
    """The runs' range, when there were several: how far one run may be from the median."""
    samples, base = res.ours.get(f"cards:{fmt}") or [], _median(res.ours.get("validate"), "cpu")
    if len(samples) < 2 or base is None:
        return ""
    each = [max(s.cpu - base, 0.0) / res.cards_n * 1000 for s in samples]
    return f" ({min(each):.1f}–{max(each):.1f})"


def per_card(res: Results, fmt: str) -> float | None:
    cards, base = _median(res.ours.get(f"cards:{fmt}"), "cpu"), _median(
        res.ours.get("validate"), "cpu")
    if cards is None or base is None:
        return None
    return max(cards - base, 0.0) / res.cards_n


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("PASS" if ok else "FAIL")


def targets(res: Results) -> list[str]:
    """Issue 14's targets as pass/fail lines (set for N = 1,000; the site size for 10,000)."""
    cold, ref_cold = _median(res.ours.get("cold")), _median(res.ref.get("cold"))
    nochange, edit = _median(res.ours.get("nochange")), _median(res.ours.get("edit"))
    add = _median(res.ours.get("add"))
    rss = max((s.tree_mb for ss in res.ours.values() for s in ss), default=None)
    lines = ["Targets (N = 1,000):" if res.n == 1000 else
             f"Targets (set for N = 1,000; at N = {res.n:,} for information):", ""]

    def line(what: str, value: float | None, shown: str, ok) -> None:
        lines.append(f"- {what}: {shown if value is not None else 'not measured'} → "
                     f"{_verdict(None if value is None else ok(value))}")

    line("cold build ≤ 1.0× the reference", cold and ref_cold and cold / ref_cold,
         _ratio(cold, ref_cold), lambda v: v <= 1.0)
    line("no-change rebuild ≤ 2 s", nochange, f"{nochange or 0:.2f} s", lambda v: v <= 2)
    touch = _median(res.ours.get("touch"))
    line("no-change rebuild ≤ 2 s, one entry saved again unchanged", touch,
         f"{touch or 0:.2f} s", lambda v: v <= 2)
    line("one entry edited ≤ 3 s", edit, f"{edit or 0:.2f} s", lambda v: v <= 3)
    line("one entry added ≤ 3 s", add, f"{add or 0:.2f} s", lambda v: v <= 3)
    seen = [s for s in res.serve if s is not None]
    serve = statistics.median(seen) if seen else None
    line("`glimmer serve` shows an edit ≤ 1.0 s", serve, f"{serve or 0:.2f} s", lambda v: v <= 1)
    pers = [p for p in (per_card(res, f) for f in res.formats) if p is not None]
    per = statistics.median(pers) if pers else None
    line("per card ≤ 15 ms CPU, median over formats, previews included", per, _ms(per),
         lambda v: v <= 0.015)
    est = res.site.get("estimate_10000") if res.site else None
    line("default site at N = 10,000 fits in 1 GB (estimated from this N)", est,
         f"{(est or 0) / 1e6:,.0f} MB", lambda v: v <= 1e9)
    if res.n >= 10_000:
        line("peak memory at N = 10,000 ≤ 500 MB", rss, f"{rss or 0:,.0f} MB", lambda v: v <= 500)
    return lines


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated journal sizes (default: 100,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default: 3)")
    parser.add_argument("--quick", action="store_true", help="N = 20, 1 repeat (for tests)")
    parser.add_argument("--no-reference", action="store_true", help="measure ours only")
    parser.add_argument("--reference-max", type=int, default=1000,
                        help="measure the reference only up to this N (default: 1000)")
    parser.add_argument("--setup-reference", action="store_true",
                        help="install the reference into benchmarks/.venv-ref, then run")
    parser.add_argument("--card-formats", help="card formats the build makes, comma-separated "
                        "(default: the repository's mkdocs.yml, i.e. all four)")
    parser.add_argument("--formats", help="card formats for (f) and (g), comma-separated "
                        "(default: card_formats in mkdocs.yml)")
    parser.add_argument("--cards-repeat", type=int,
                        help="runs of each (f) figure (default: --repeat; 0 skips (f) and (g))")
    parser.add_argument("--serve-rounds", type=int, default=5, metavar="K",
                        help="saves timed one after another in each preview (default 5)")
    parser.add_argument("--serve", action="store_true",
                        help="also time (h): `glimmer serve` showing an edit")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help=f"builds to time, in order (default: {','.join(SCENARIOS)})")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary journals")
    parser.add_argument("--output", type=Path, default=OUT / "results.md",
                        help="where to write the Markdown table (default: benchmarks/out/)")
    args = parser.parse_args(argv)
    if args.setup_reference:
        reference.setup()
    sizes = [20] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    if args.quick:
        args.repeat = 1
    args.scenarios = [s for s in SCENARIOS if s in args.scenarios.split(",")]
    if args.cards_repeat is None:
        args.cards_repeat = args.repeat
    args.output.parent.mkdir(parents=True, exist_ok=True)
    ref_exe = None if args.no_reference else reference.mkdocs()
    if ref_exe is None and not args.no_reference:
        print("reference not installed (run with --setup-reference): measuring ours only",
              file=sys.stderr)
    about = machine()  # before the runs: the commit measured, not one that landed meanwhile
    results = []
    for n in sizes:
        results.append(bench_size(n, args, ref_exe if n <= args.reference_max else None))
    text = "# Benchmark results\n\n" + report(results, args.repeat, about) + "\n"
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"written to {args.output}", file=sys.stderr)
    return 1 if any(r.failures and any("exited" in f for f in r.failures) for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
