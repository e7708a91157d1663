"""The feeds, made from items serialised once each, are byte for byte what serialising every
feed item by item gives (tests/feeds_reference.py, the code as it was), in every format, for
any journal: first build, again unchanged, and after an edit (items kept from the build
before must never leak into the next)."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feeds_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glimmer_publish import feeds, markup
from glimmer_publish.cards.model import Card
from glimmer_publish.entries import Entry, load_journal
from glimmer_publish.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
WORDS = st.sampled_from(["Sun", "on the kettle", "&", "<b>x</b>", "]]>", "ياسمين", "朝の光",
                         "🐈", "\r\n", "\t", "*soft*", "[link](../x/)", "\x00", "\x85", "\n\n",
                         "\"q\"", "--", "[^1]\n\n[^1]: note", "## H", ""])
TEXT = st.lists(WORDS, max_size=6).map("".join)
TAGS = st.lists(st.sampled_from(["light", "tea", "ljós", "光", "rain"]), max_size=3,
                unique=True).map(tuple)


@st.composite
def journals(draw):
    n = draw(st.integers(0, 9))
    entries = []
    start = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)
    zone = timezone(timedelta(hours=5, minutes=30))
    for i in range(n):
        when = start - timedelta(hours=draw(st.integers(0, 400)))
        if draw(st.booleans()):
            when = when.astimezone(zone)
        entries.append(Entry(
            path=Path(f"/j/e{i}.md"), source=f"entries/e{i}.md", slug=f"2026-03-14-e{i}",
            title=" ".join(draw(TEXT).split()) or f"t{i}", date=when,
            has_time=draw(st.booleans()), body=draw(TEXT), tags=draw(TAGS),
            updated=when + timedelta(days=1) if draw(st.booleans()) else None,
            author=draw(st.none() | st.just("Robin & Co")), lang=draw(st.none() | st.just("ar")),
            felt=draw(st.none() | TEXT), draft=draw(st.booleans()) and i % 4 == 3,
        ))
    cards = {e.slug: Card(e.slug, "og", f"cards/{e.slug}/og.jpg", 1200, 630, "image/jpeg",
                          1000 + i, f"Card {e.title}") for i, e in enumerate(entries)
             if draw(st.booleans())}
    return entries, cards


SETTINGS = st.builds(
    Settings, repo_root=st.just(Path(".")), entries_dir=st.just(Path("entries")),
    site_url=st.sampled_from(["https://example.org/journal/", "http://a.example/"]),
    site_name=st.sampled_from(["Glimmers", "Glimmers & <Co>"]),
    site_description=st.sampled_from(["", "Small things"]),
    site_author=st.sampled_from(["", "Sam"]), language=st.sampled_from(["en", "ar"]),
    feed_items=st.integers(1, 4), journal_id=st.sampled_from(["glimmer", "mine"]),
    markdown_extensions=st.sampled_from([(), ("smarty", "footnotes")]))


OTHER = {
    "site_url": ("https://example.org/journal/", "http://a.example/"),
    "site_name": ("Glimmers", "Glimmers & <Co>"), "site_description": ("", "Small things"),
    "site_author": ("", "Sam"), "language": ("en", "ar"), "feed_items": (1, 3),
    "journal_id": ("glimmer", "mine"), "markdown_extensions": ((), ("smarty", "footnotes")),
}


_seen: dict[str, dict[str, bytes]] = {}


def _same(entries, settings_, cards) -> None:
    expected = feeds_reference.build_feeds(entries, settings_, cards)
    assert feeds.build_feeds(entries, settings_, cards) == expected
    key = feeds.feeds_key(entries, settings_, cards)
    assert _seen.setdefault(key, expected) == expected, "one key, two sets of feeds"


def _new_process() -> None:
    """Nothing in memory: items come from the cache folder's file, or are made again."""
    feeds._made_before.clear()
    feeds._heads_before.clear()
    markup.clear_memo()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journal=journals(), settings_=SETTINGS, data=st.data())
def test_feeds_are_byte_identical_to_serialising_every_item(journal, settings_, data):
    """... in the same process or a new one (with the items file, maybe damaged), and
    feeds_key tells every different set of feeds apart."""
    _seen.clear()
    _new_process()
    entries, cards = journal
    with tempfile.TemporaryDirectory() as cache:
        settings_ = dataclasses.replace(settings_, cache_dir=Path(cache))
        _steps(entries, cards, settings_, data)


def _steps(entries, cards, settings_, data) -> None:
    def same(entries, settings_, cards):
        if data.draw(st.booleans(), label="new process"):
            _new_process()
            if data.draw(st.booleans(), label="damaged items file"):
                stored = settings_.cache_dir / "feed-items.pickle"
                if stored.exists():
                    stored.write_bytes(stored.read_bytes()[:100])
        _same(entries, settings_, cards)

    same(entries, settings_, cards)
    same(entries, settings_, cards)  # items from the build before
    if entries:  # an edit, a new card, a changed setting: nothing stale may show
        i = data.draw(st.integers(0, len(entries) - 1))
        entries[i] = dataclasses.replace(entries[i], body=entries[i].body + " more",
                                         title=entries[i].title + "!")
        same(entries, settings_, cards)
        zone = timezone(timedelta(hours=-3))  # the same instants, written in another zone
        entries[i] = dataclasses.replace(entries[i], date=entries[i].date.astimezone(zone))
        same(entries, settings_, cards)
        slug = entries[-1].slug
        cards = {**cards, slug: Card(slug, "og", "cards/new.jpg", 600, 315, "image/jpeg", 9,
                                     "new")}
        same(entries, settings_, cards)
        for name, values in OTHER.items():  # each setting a feed shows, changed alone
            value = values[0] if getattr(settings_, name) != values[0] else values[1]
            same(entries, dataclasses.replace(settings_, **{name: value}), cards)


def test_the_sample_journal_is_byte_identical():
    settings_ = load_settings(REPO / "mkdocs.yml")
    entries = load_journal(settings_).entries
    cards = {e.slug: Card(e.slug, "og", f"cards/{e.slug}/og.png", 1200, 630, "image/png",
                          5000 + i, f"Card: {e.title}") for i, e in enumerate(entries)}
    _same(entries, settings_, cards)
    _same(entries, settings_, cards)


def _journal(n: int) -> list[Entry]:
    start = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)
    return [Entry(path=Path(f"/j/e{i}.md"), source=f"entries/e{i}.md", slug=f"e{i}",
                  title=f"T{i}", date=start - timedelta(days=i), has_time=True,
                  body=f"Body {i}.", tags=("light",) if i < 3 else ())
            for i in range(n)]


def test_feeds_key_ignores_what_no_feed_shows_and_follows_what_one_does():
    settings_ = Settings(repo_root=Path("."), entries_dir=Path("entries"),
                         site_url="https://example.org/", feed_items=5)
    entries = _journal(8)
    key = feeds.feeds_key(entries, settings_)
    old = entries[7]  # in no feed: beyond the five newest, no tag
    entries[7] = dataclasses.replace(old, body="Rewritten.", spans={"body": (9, 1)})
    assert feeds.feeds_key(entries, settings_) == key
    entries[7] = dataclasses.replace(old, tags=("new",))  # a new tag feed holds it now
    assert feeds.feeds_key(entries, settings_) != key
    entries[7] = old
    assert feeds.feeds_key(entries, settings_) == key
    entries[4] = dataclasses.replace(entries[4], body="Body 4, edited.")
    assert feeds.feeds_key(entries, settings_) != key


def test_feeds_key_is_the_same_in_another_process():
    import subprocess
    import sys

    code = ("import sys; sys.path.insert(0, 'tests')\n"
            "from test_feeds_reference import _journal, feeds, Settings, Path\n"
            "s = Settings(repo_root=Path('.'), entries_dir=Path('entries'), "
            "site_url='https://example.org/')\n"
            "print(feeds.feeds_key(_journal(6), s))")
    settings_ = Settings(repo_root=Path("."), entries_dir=Path("entries"),
                         site_url="https://example.org/")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=REPO, env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        assert out.stdout.strip() == feeds.feeds_key(_journal(6), settings_)


class _Boom:
    def __reduce__(self):
        return (os.mkdir, ("boom",))


def test_an_items_file_is_never_a_way_to_run_code(tmp_path, monkeypatch):
    import pickle

    monkeypatch.chdir(tmp_path)
    settings_ = Settings(repo_root=Path("."), entries_dir=Path("entries"),
                         site_url="https://example.org/", cache_dir=tmp_path)
    entries = _journal(3)
    feeds.build_feeds(entries, settings_)
    stored = tmp_path / "feed-items.pickle"
    key = pickle.loads(stored.read_bytes())[1]
    stored.write_bytes(pickle.dumps((1, key, {"x": _Boom()})))
    _new_process()
    _same(entries, settings_, {})
    assert not (tmp_path / "boom").exists()
