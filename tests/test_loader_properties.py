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
    start = time.process_time()  # CPU: a bomb burns it; a busy machine does not add to it
    entry, problems = load_entry(path, journal.settings)
    assert time.process_time() - start < 2.0
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


# Unquoted scalars of every shape YAML 1.1 resolves to something other than text. A writer
# types them without quotes; the loader must publish exactly those characters.
_yaml11_bools = st.sampled_from([form for word in ("y", "yes", "true", "on", "n", "no", "false",
                                                  "off")
                                 for form in (word, word.title(), word.upper())])
_digits = st.integers(min_value=0, max_value=10**9)
_yaml11_ints = st.one_of(
    _digits.map(str), _digits.map(lambda n: f"0{n}"), _digits.map(lambda n: f"+{n}"),
    _digits.map(lambda n: f"-{n}"), _digits.map(lambda n: f"0x{n:X}"),
    _digits.map(lambda n: f"0o{n:o}"), _digits.map(lambda n: f"0b{n:b}"),
    _digits.map(lambda n: f"{n:_}"),
    st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(1, 999), st.integers(0, 59)),
)
_yaml11_floats = st.one_of(
    st.builds(lambda a, b, zeros: f"{a}.{b}{'0' * zeros}", _digits, _digits,
              st.integers(0, 3)),
    st.floats(allow_nan=False, allow_infinity=False).map(repr).filter(lambda s: "." in s),
    st.sampled_from([".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN",
                     "6.8523015e+5", "685.230_15e+03", "190:20:30.15", "1.", "-1.10"]),
)
_yaml11_times = st.one_of(
    st.dates().map(str),
    st.builds(lambda d, sep, t, zone: f"{d}{sep}{t}{zone}", st.dates(), st.sampled_from(
        ["T", "t", " "]), st.times().map(lambda t: t.isoformat()),
        st.sampled_from(["", "Z", "+01:00", "-05:00", " -5"])),
)
_words = st.from_regex(r"[A-Za-z][A-Za-z0-9 .]{0,30}[A-Za-z0-9]", fullmatch=True)
_typed = st.one_of(_yaml11_bools, _yaml11_ints, _yaml11_floats, _yaml11_times, _words)


@FUZZ
@given(st.fixed_dictionaries({key: _typed for key in
                              ("title", "where", "felt", "author", "card.excerpt")}))
def test_unquoted_text_fields_come_back_exactly_as_typed(journal, typed):
    front = "".join(f"{key}: {value}\n" for key, value in typed.items() if "." not in key)
    front += f"date: 2026-03-14\ncard:\n  excerpt: {typed['card.excerpt']}\n"
    path = journal.write("typed.md", f"---\n{front}---\nA small moment.\n", dedent=False)
    entry, problems = load_entry(path, journal.settings)
    assert problems == []
    published = {"title": entry.title, "where": entry.where, "felt": entry.felt,
                 "author": entry.author, "card.excerpt": entry.card.excerpt}
    assert published == {key: " ".join(value.split()) for key, value in typed.items()}


@FUZZ
@given(_typed)
def test_an_unquoted_tag_is_kept_as_typed_or_refused_by_its_typed_name(journal, tag):
    path = journal.write("tags.md", f"---\ntitle: Sun\ndate: 2026-03-14\ntags:\n  - {tag}\n---\n"
                         "A small moment.\n", dedent=False)
    entry, problems = load_entry(path, journal.settings)
    if entry is not None:
        assert entry.tags == (tag.lower(),)
    else:
        assert [(p.field, p.message) for p in problems] == [
            ("tags", f"tag '{tag}' should be one short word")]


_subtags = st.tuples(
    st.from_regex(r"[a-z]{2,3}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[A-Z][a-z]{3}", fullmatch=True)),
    st.one_of(st.none(), st.from_regex(r"[A-Z]{2}|[0-9]{3}", fullmatch=True)),
)


@FUZZ
@given(_subtags, st.randoms(use_true_random=False))
def test_any_casing_of_a_language_tag_comes_back_in_its_usual_case(journal, subtags, rnd):
    usual = "-".join(part for part in subtags if part)
    typed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in usual)
    path = journal.write("lang.md", f"---\ntitle: Sun\ndate: 2026-03-14\nlang: {typed}\n---\n"
                         "A small moment.\n", dedent=False)
    entry, problems = load_entry(path, journal.settings)
    assert problems == [] and entry.lang == usual
