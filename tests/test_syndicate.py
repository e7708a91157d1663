"""What `glimmer syndicate` posts, when, and what it never posts (against the Mastodon fake);
captions and facets; the state branch's git plumbing against local bare repositories."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
import yaml
from mastodon_fake import TOKEN, MastodonFake
from syndicate_testing import Output, Site, clone_journal, git, remote_state

from glimmer_publish.cli import main
from glimmer_publish.entries import load_journal
from glimmer_publish.syndicate.command import run
from glimmer_publish.syndicate.state import GitStore
from glimmer_publish.syndicate.text import BLUESKY_LIMITS, Limits, compose, graphemes


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


@pytest.fixture
def fake():
    f = MastodonFake()
    yield f
    f.close()


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    return tmp_path_factory.mktemp("cards")


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def go(journal, *, backfill=False, dry_run=False, sleep=None):
    out, err = Output(), Output()
    with httpx.Client(timeout=2) as client:
        code = run(journal.settings, env={"MASTODON_TOKEN": TOKEN}, out=out, err=err,
                   sleep=Sleeps() if sleep is None else sleep, client=client,
                   backfill=backfill, dry_run=dry_run)
    return code, out, err


def live(journal, site):
    for e in load_journal(journal.settings).entries:
        site.publish(e.slug)


def posted_links(fake):
    return sorted(s["content"].split('href="')[-1].split('"')[0] for s in fake.statuses)


def test_switching_it_on_never_floods_then_new_glimmers_go_out_and_backfill_posts_the_rest(
        tmp_path, site, fake, cards):
    journal, origin = clone_journal(tmp_path, "j", {"mastodon": {"instance": fake.url}}, site,
                                    cache=cards)
    journal.entry("2026-05-01-old.md", title="An old glimmer", date="2026-05-01")
    journal.entry("2026-05-02-older.md", title="Another old one", date="2026-05-02")
    live(journal, site)
    code, out, _ = go(journal)
    assert code == 0 and fake.statuses == []
    assert "2 glimmer(s) already published will not be posted" in out.text
    assert remote_state(origin).baseline == {"2026-05-01-old", "2026-05-02-older"}

    journal.entry("2026-04-01-new.md", title="Written after switching on, dated before",
                  date="2026-04-01")
    live(journal, site)
    code, out, err = go(journal)
    assert code == 0, err.text
    assert posted_links(fake) == [journal.settings.absolute("glimmers/2026-04-01-new/")]

    code, out, err = go(journal, backfill=True)
    assert code == 0, err.text
    assert len(fake.statuses) == 3 and len(set(posted_links(fake))) == 3


def test_drafts_private_and_opted_out_glimmers_are_never_posted(tmp_path, site, fake, cards):
    journal, _ = clone_journal(tmp_path, "j", {"mastodon": {"instance": fake.url},
                                               "since": "2026-01-01"}, site, cache=cards)
    journal.entry("2026-05-01-draft.md", title="Half written", date="2026-05-01", draft=True)
    journal.entry("2026-05-02-secret.md", title="Only mine", date="2026-05-02", private=True)
    journal.entry("2026-05-03-quiet.md", title="Not for sharing", date="2026-05-03",
                  syndicate=False)
    journal.entry("2026-05-04-sky.md", title="Only for Bluesky", date="2026-05-04",
                  syndicate=["bluesky"])
    journal.entry("2026-05-05-yes.md", title="Share this", date="2026-05-05")
    for slug in ("2026-05-01-draft", "2026-05-02-secret", "2026-05-03-quiet",
                 "2026-05-04-sky", "2026-05-05-yes"):
        site.publish(slug)
    code, _, err = go(journal)
    assert code == 0, err.text
    assert posted_links(fake) == [journal.settings.absolute("glimmers/2026-05-05-yes/")]


def test_a_page_that_is_not_live_yet_is_not_posted_until_it_is(tmp_path, site, fake, cards):
    journal, origin = clone_journal(tmp_path, "j", {"mastodon": {"instance": fake.url},
                                                    "since": "2026-01-01"}, site, cache=cards)
    journal.entry("2026-05-05-yes.md", title="Share this", date="2026-05-05")
    sleeps = Sleeps()
    code, _, err = go(journal, sleep=sleeps)
    assert code == 1
    assert "does not answer 200 yet" in err.text
    assert fake.statuses == [] and 0 < sum(sleeps) <= 60
    assert not remote_state(origin).posts
    live(journal, site)
    code, _, err = go(journal)
    assert code == 0, err.text
    assert len(fake.statuses) == 1


def test_without_site_url_nothing_is_posted(tmp_path, site, fake, cards):
    journal, origin = clone_journal(tmp_path, "j", {"mastodon": {"instance": fake.url},
                                                    "since": "2026-01-01"}, site, cache=cards)
    journal.settings = replace(journal.settings, site_url="")
    journal.entry("2026-05-05-yes.md", title="Share this", date="2026-05-05")
    code, _, err = go(journal)
    assert code == 1 and "site_url is not set" in err.text
    assert fake.requests == [] and remote_state(origin) is None


def test_dry_run_shows_exactly_what_would_be_posted_and_posts_nothing(tmp_path, site, fake,
                                                                       cards):
    journal, origin = clone_journal(tmp_path, "j", {"mastodon": {"instance": fake.url},
                                                    "since": "2026-01-01"}, site, cache=cards)
    journal.entry("2026-05-05-rain.md", title="雨の音", date="2026-05-05",
                  body="屋根を打つ雨。", tags=["rain", "night-sounds"])
    code, out, err = go(journal, dry_run=True)
    assert code == 0, err.text
    text = out.text
    link = journal.settings.absolute("glimmers/2026-05-05-rain/")
    assert f"⟦{link}⟧" in text and "⟦#rain⟧ ⟦#NightSounds⟧" in text
    assert "card: 1080×1080 image/jpeg" in text
    assert "alt (" in text and "雨の音. 屋根を打つ雨。" in text
    caption = compose("雨の音", "屋根を打つ雨。", ["rain", "night-sounds"], link,
                      Limits(500, url_length=23))
    assert (f"mastodon text: {caption.graphemes} graphemes, {caption.bytes} bytes, counted "
            f"{caption.length}") in text
    start = caption.text.encode().index(link.encode())
    assert f"facet link: bytes {start}-{start + len(link.encode())} -> {link}" in text
    assert [r for r in fake.requests if r[0] == "POST"] == []
    assert remote_state(origin) is None  # a preview records nothing


def test_the_command_line_says_when_syndication_is_off(tmp_path, capsys):
    (tmp_path / "entries").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - glimmer\n",
                                         encoding="utf-8")
    assert main(["--config", str(tmp_path / "mkdocs.yml"), "syndicate", "--dry-run"]) == 0
    assert "syndication is off" in capsys.readouterr().out


# ---------------------------------------------------------------- captions


@pytest.mark.parametrize("title, excerpt", [
    ("شاي بالنعناع", "رائحة النعناع والشمس."),
    ("雨の音で目が覚めた", "屋根を打つ雨の音。"),
    ("Wave 👋🏽 from 👨‍👩‍👧", "🙋🏾‍♀️ back."),
])
def test_facets_point_at_the_link_and_hashtags_by_utf8_bytes(title, excerpt):
    link = "https://example.org/glimmers/x/"
    c = compose(title, excerpt, ["small-things", "شاي"], link, BLUESKY_LIMITS)
    raw = c.text.encode("utf-8")
    found = {raw[f.start:f.end].decode(): f for f in c.facets}
    assert found[link].kind == "link"
    assert found["#SmallThings"].value == "SmallThings"
    assert found["#شاي"].value == "شاي"


def test_a_caption_too_long_is_shortened_but_its_link_never_cut():
    link = "https://example.org/glimmers/" + "long-" * 30 + "/"
    c = compose("🌊" * 120, "Waves. " * 40, ["sea", "blue", "calm"], link, BLUESKY_LIMITS)
    assert c.text.endswith(link) and c.graphemes <= 300 and c.bytes <= 3000
    masto = compose("Title", "word " * 200, [], link, Limits(500, url_length=23))
    assert masto.length <= 500 and masto.text.endswith(link)
    assert masto.graphemes > 500  # the long link counted as 23, as Mastodon counts it


def test_graphemes_count_what_people_see():
    assert graphemes("👨‍👩‍👧") == 1 and graphemes("🙋🏾‍♀️") == 1
    assert graphemes("नमस्ते") == 3 and graphemes("e\u0301") == 1


# ---------------------------------------------------------------- state branch


def test_two_writers_of_the_state_branch_merge_instead_of_overwriting(tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    stores = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        git(tmp_path / name, "init", "-q")
        git(tmp_path / name, "remote", "add", "origin", str(origin))
        stores.append(GitStore(tmp_path / name))
    a, b = stores
    state_a, state_b = a.load(), b.load()
    state_a.record("one", "bluesky", {"url": "https://bsky.app/1", "id": "1", "at": "t"})
    state_b.record("two", "mastodon", {"url": "https://m.example/2", "id": "2", "at": "t"})
    a.save(state_a, "one")
    b.save(state_b, "two")  # rejected as not a fast-forward, merged, pushed again
    final = remote_state(origin)
    assert set(final.posts) == {"one", "two"}
    log = git(origin, "log", "--format=%s", "glimmer-syndication").split()
    assert log == ["two", "one"]
    assert git(origin, "branch", "--list").split() == ["glimmer-syndication"]


@pytest.mark.parametrize("options, message", [
    ({"mastodon": {"instance": "example.social"}}, "syndicate.mastodon.instance: "
     "'example.social' is not a web address"),
    ({"bluesky": {"service": "https://bsky.social"}}, "syndicate.bluesky.handle: your Bluesky "
     "handle is needed"),
    ({"mastodon": {"instance": "https://m.example"}, "since": "last week"},
     "syndicate.since: 'last week' is not a date"),
    ({"mastodn": {}}, "syndicate: unknown option 'mastodn'"),
    ({"card": "poster"}, "syndicate.card: unknown card 'poster'"),
    ({"bluesky": {"handle": "you.bsky.social", "hanlde": "x"}},
     "syndicate.bluesky: Sub-option 'hanlde': Unrecognised configuration name: hanlde"),
])
def test_a_wrong_option_is_named_with_how_to_fix_it(tmp_path, options, message, capsys):
    (tmp_path / "entries").mkdir()
    config = {"site_name": "T", "site_url": "https://example.org/",
              "plugins": [{"glimmer": {"syndicate": options}}]}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert main(["--config", str(tmp_path / "mkdocs.yml"), "syndicate", "--dry-run"]) == 2
    assert message in capsys.readouterr().err


def test_a_refused_token_fails_the_run_once_without_retrying_every_glimmer(
        tmp_path, site, fake, cards):
    journal, origin = clone_journal(tmp_path, "j", {"mastodon": {"instance": fake.url},
                                                    "since": "2026-01-01"}, site, cache=cards)
    journal.entry("2026-05-01-a.md", title="One", date="2026-05-01")
    journal.entry("2026-05-02-b.md", title="Two", date="2026-05-02")
    live(journal, site)
    out, err = Output(), Output()
    with httpx.Client(timeout=2) as client:
        code = run(journal.settings, env={"MASTODON_TOKEN": "wrong"}, out=out, err=err,
                   sleep=Sleeps(), client=client)
    assert code == 1 and fake.statuses == []
    assert err.text.count("Mastodon refused the token (401)") == 2
    assert fake.requests.count(("GET", "/api/v1/accounts/verify_credentials")) == 1
    with httpx.Client(timeout=2) as client:
        code = run(journal.settings, env={}, out=out, err=err, sleep=Sleeps(), client=client)
    assert code == 1 and "the secret MASTODON_TOKEN is not set" in err.text
    assert not remote_state(origin).posts


@pytest.mark.parametrize("text", ["{bad", "[]", '{"version": 2}'])
def test_a_damaged_state_record_is_a_message_not_a_traceback(text):
    from glimmer_publish.syndicate.state import State, StateError

    with pytest.raises(StateError, match="syndication"):
        State.from_json(text)
