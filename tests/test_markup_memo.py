"""Rendered bodies kept between builds: the same HTML and text a fresh render gives, and a
new render whenever the pipeline (extensions, their options) is not the one that made them.
"""

from __future__ import annotations

import os
import pickle

import pytest

from glimmer_publish import entry_cache, markup
from glimmer_publish.entries import load_journal

BODIES = (
    "Plain words.",
    "\"Quoted\" -- and dashed... with *emphasis*.[^1]\n\n[^1]: A note.",
    "## A heading\n\n<script>alert(1)</script><a href=\"#x\" onclick=\"x()\">link</a>",
    "ياسمين في المساء\n\n朝の光 🌞",
)


@pytest.fixture(autouse=True)
def _fresh(tmp_path):
    markup.clear_memo()
    entry_cache.forget()
    yield
    markup.configure()
    markup.clear_memo()


def _fresh_process() -> None:
    """What a new process starts with: nothing in memory, the file still there."""
    markup.clear_memo()


def _outputs() -> list[tuple[str, str, str]]:
    return [(markup.to_html(b), markup.to_html(b, markup.id_prefix("s")), markup.plain_text(b))
            for b in BODIES]


def _rendered_without_memo(extensions=(), configs=None) -> list[tuple[str, str, str]]:
    markup.configure(extensions, configs, None)
    markup.clear_memo()
    try:
        return _outputs()
    finally:
        markup.clear_memo()


def test_a_new_process_reads_what_the_last_one_rendered(tmp_path, monkeypatch):
    expected = _rendered_without_memo(["smarty", "footnotes"])
    markup.configure(["smarty", "footnotes"], None, tmp_path)
    assert _outputs() == expected
    markup.save_memo()
    assert (tmp_path / "bodies.pickle").is_file()
    _fresh_process()

    def no_rendering(body):
        raise AssertionError("rendered again")

    monkeypatch.setattr(markup, "_convert", no_rendering)
    monkeypatch.setattr(markup, "sanitize", no_rendering)
    monkeypatch.setattr(markup, "_words", no_rendering)
    assert _outputs() == expected


@pytest.mark.parametrize("before, after", [
    ((["smarty"], None), ([], None)),
    (([], None), (["smarty"], None)),
    ((["toc"], {"toc": {"permalink": True}}), (["toc"], {"toc": {"permalink": False}})),
    ((["footnotes"], None), (["footnotes"], {"footnotes": {"BACKLINK_TEXT": "back"}})),
])
def test_another_pipeline_renders_afresh(tmp_path, before, after):
    expected = _rendered_without_memo(*after)
    markup.configure(*before, tmp_path)
    first = _outputs()
    markup.save_memo()
    _fresh_process()
    markup.configure(*after, tmp_path)
    assert _outputs() == expected
    assert expected != first  # each pair above does change some output


def test_a_damaged_or_foreign_memo_file_is_ignored_and_replaced(tmp_path):
    expected = _rendered_without_memo(["smarty"])
    memo = tmp_path / "bodies.pickle"
    markup.configure(["smarty"], None, tmp_path)
    _outputs()
    markup.save_memo()
    good = memo.read_bytes()
    key = markup._MEMO.key
    wrong = pickle.dumps((1, key, {markup._digest(BODIES[0]): {"html:g-": "<p>not this</p>"},
                                  "x": 3}))
    for damage in (good[: len(good) // 2], b"", b"\x80\x05junk", wrong):
        memo.write_bytes(damage)
        _fresh_process()
        assert _outputs() == expected
        markup.save_memo()
        assert memo.read_bytes() != damage


class _Boom:
    def __reduce__(self):
        return (os.mkdir, ("boom",))


def test_a_memo_file_is_never_a_way_to_run_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected = _rendered_without_memo()
    markup.configure((), None, tmp_path)
    (tmp_path / "bodies.pickle").write_bytes(pickle.dumps((1, markup._MEMO.key, _Boom())))
    _fresh_process()
    assert _outputs() == expected
    assert not (tmp_path / "boom").exists()


def test_options_that_name_live_objects_are_kept_in_memory_only(tmp_path):
    configs = {"toc": {"slugify": lambda value, separator: "x"}}
    markup.configure(["toc"], configs, tmp_path)
    assert 'id="g-x"' in markup.to_html("## Title")
    markup.save_memo()
    assert not (tmp_path / "bodies.pickle").exists()


def test_the_memo_file_keeps_only_the_bodies_of_entries_there_are(journal):
    a = journal.entry("a.md", body="First body.")
    b = journal.entry("b.md", body="Second body.")
    for e in load_journal(journal.settings).entries:
        markup.to_html(e.body)
    markup.save_memo()
    memo = journal.settings.cache_dir / "bodies.pickle"
    with memo.open("rb") as fh:
        assert len(pickle.load(fh)[2]) == 2
    a.unlink()
    journal.entry("b.md", body="Second body, edited.")
    _fresh_process()
    entry_cache.forget()
    for e in load_journal(journal.settings).entries:
        markup.to_html(e.body)
    markup.save_memo()  # written again (a new body): without the two bodies gone
    with memo.open("rb") as fh:
        rows = pickle.load(fh)[2]
    assert list(rows) == [markup._digest(b.read_text().split("---\n")[2].strip())]
