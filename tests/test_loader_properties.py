"""Property-based: whatever bytes or front matter a file holds, the loader answers with an
entry or clear problems — never an exception, never a hang."""

from __future__ import annotations

import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glimmer_publish.entries import FIELDS, load_entry

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=60), st.dates().map(str), st.datetimes().map(str))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=15)
_keys = st.one_of(st.sampled_from((*FIELDS, "tilte", "Title")), st.text(max_size=12))


def _check(journal, data: bytes) -> None:
    path = journal.entries_dir / "fuzz.md"
    path.write_bytes(data)
    start = time.perf_counter()
    entry, problems = load_entry(path, journal.settings)
    assert time.perf_counter() - start < 2.0
    assert (entry is None) == bool(problems)
    for p in problems:
        assert p.path == "entries/fuzz.md" and p.line >= 1 and p.col >= 1 and p.message


@FUZZ
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(journal, data):
    _check(journal, data)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_after_a_front_matter_fence_never_raise(journal, data):
    _check(journal, b"---\n" + data + b"\n---\nbody\n")


@FUZZ
@given(st.dictionaries(_keys, _values, max_size=8), st.text(max_size=200))
def test_arbitrary_front_matter_mappings_never_raise(journal, mapping, body):
    front = yaml.safe_dump(mapping, allow_unicode=True)
    _check(journal, f"---\n{front}---\n{body}\n".encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=150),
       st.text(max_size=300))
def test_any_quoted_title_round_trips_or_is_refused_clearly(journal, title, body):
    front = yaml.safe_dump({"title": title, "date": "2026-03-14"}, allow_unicode=True)
    path = journal.entries_dir / "t.md"
    path.write_text(f"---\n{front}---\n{body}\n", encoding="utf-8", newline="")
    entry, problems = load_entry(path, journal.settings)
    if entry is not None:
        assert entry.title == " ".join(title.split())
    else:
        assert {p.field for p in problems} <= {"title", "body", ""}
