"""Posting to Mastodon, against a conformance fake of its documented API (tests/mastodon_fake).

After every injected fault — a timeout after the server accepted, 5xx, 429, a crash between
posting and recording — a rerun leaves exactly one post per glimmer.
"""

from __future__ import annotations

import httpx
import pytest
from mastodon_fake import TOKEN, MastodonFake
from syndicate_testing import Output, Site, clone_journal, remote_state

from glimmer_publish.cards.content import card_alt
from glimmer_publish.entries import load_journal
from glimmer_publish.syndicate.command import run
from glimmer_publish.syndicate.state import GitStore


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


@pytest.fixture
def fake():
    f = MastodonFake(max_characters=200, processing_polls=2)
    yield f
    f.close()


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    """One card cache for the module: every test posts the same two glimmers."""
    return tmp_path_factory.mktemp("cards")


def journal_with_two(tmp_path, site, fake, cards):
    journal, origin = clone_journal(tmp_path, "journal", {
        "mastodon": {"instance": fake.url}, "since": "2026-01-01"}, site, cache=cards)
    journal.entry("2026-05-01-tea.md", title="شاي بالنعناع على الشرفة", date="2026-05-01",
                  body="رائحة النعناع والشمس الأولى على يدي. " * 4, tags=["شاي"], lang="ar-EG")
    journal.entry("2026-05-02-rain.md", title="Rain on the roof like a soft drum, all night",
                  date="2026-05-02", body="I lay awake and listened and did not mind. " * 4,
                  tags=["rain", "night-sounds"])
    for e in load_journal(journal.settings).entries:
        site.publish(e.slug)
    return journal, origin


def go(journal, *, sleep=None, store=None, timeout=0.5) -> tuple[int, Output, Output]:
    out, err = Output(), Output()
    with httpx.Client(timeout=timeout) as client:
        code = run(journal.settings, env={"MASTODON_TOKEN": TOKEN}, out=out, err=err,
                   sleep=Sleeps() if sleep is None else sleep, client=client, store=store)
    return code, out, err


def links(fake) -> list[str]:
    return sorted(s["content"].split('href="')[-1].split('"')[0] for s in fake.statuses)


def test_posts_the_card_with_its_description_focus_and_language_within_server_limits(
        tmp_path, site, fake, cards):
    journal, origin = journal_with_two(tmp_path, site, fake, cards)
    code, _out, err = go(journal)
    assert code == 0, err.text
    assert len(fake.statuses) == 2
    entries = {journal.settings.absolute(e.url): e for e in load_journal(journal.settings).entries}
    assert links(fake) == sorted(entries)
    for status in fake.statuses:
        entry = entries[status["content"].split('href="')[-1].split('"')[0]]
        (media,) = status["media_attachments"]
        assert media["description"] == card_alt(entry, journal.settings)
        assert media["meta"]["original"] == {"width": 1080, "height": 1080}
        assert media["meta"]["focus"] == {"x": 0.0, "y": 0.0}
        assert status["language"] == ("ar" if entry.lang else "en")  # ISO 639 from BCP 47
        assert status["visibility"] == "public"
    # Processing took two polls per card (202, then 206, then 200), waited for, not skipped.
    polls = [r for r in fake.requests if r[0] == "GET" and r[1].startswith("/api/v1/media/")]
    assert len(polls) == 4
    # The 200-character instance limit forced the long captions short; links stayed whole.
    assert all("…" in s["content"] for s in fake.statuses)
    assert set(remote_state(origin).posts) == {e.slug for e in entries.values()}


@pytest.mark.parametrize("fault", [
    ("POST", "/api/v1/statuses", "timeout"),  # the server posted it, the answer never came
    ("POST", "/api/v1/statuses", "503"),
    ("POST", "/api/v1/statuses", "429"),
    ("POST", "/api/v2/media", "503"),
    ("GET", "/api/v1/media/", "429"),
    ("GET", "/api/v1/accounts/verify_credentials", "429"),
])
def test_after_a_passing_fault_a_run_and_a_rerun_leave_exactly_one_post_each(
        tmp_path, site, fake, cards, fault):
    journal, _ = journal_with_two(tmp_path, site, fake, cards)
    fake.inject(*fault)
    sleeps = Sleeps()
    go(journal, sleep=sleeps)
    fake.clock += 7200  # past every Idempotency-Key's life
    code, _, err = go(journal)
    assert code == 0, err.text
    assert len(fake.statuses) == 2
    assert len(set(links(fake))) == 2
    if fault[2] == "429":
        assert any(s >= 3 for s in sleeps), sleeps  # waited as X-RateLimit-Reset asked


def test_a_lasting_failure_stays_with_its_glimmer_and_the_next_run_finishes(
        tmp_path, site, fake, cards):
    journal, origin = journal_with_two(tmp_path, site, fake, cards)
    for _ in range(4):  # every retry of the first status fails
        fake.inject("POST", "/api/v1/statuses", "503")
    code, _, err = go(journal)
    assert code == 1
    assert "503" in err.text and "the next run tries them again" in err.text
    assert len(fake.statuses) == 1  # the other glimmer went out
    assert len(remote_state(origin).posts) == 1
    code, _out, err = go(journal)
    assert code == 0, err.text
    assert len(fake.statuses) == 2 and len(set(links(fake))) == 2


class Crash(BaseException):
    """The job's machine going away: nothing after it runs."""


class CrashingStore(GitStore):
    def save(self, state, message, attempts=5):
        if state.posts:
            raise Crash()
        return super().save(state, message, attempts)


def test_a_crash_between_posting_and_recording_is_found_on_the_account_after_an_hour(
        tmp_path, site, fake, cards):
    journal, origin = journal_with_two(tmp_path, site, fake, cards)
    with pytest.raises(Crash):
        go(journal, store=CrashingStore(journal.root))
    assert len(fake.statuses) == 1
    assert not (remote_state(origin).posts)
    fake.clock += 7200  # the Idempotency-Key has expired: only the account's posts tell
    code, out, err = go(journal)
    assert code == 0, err.text
    assert len(fake.statuses) == 2 and len(set(links(fake))) == 2
    assert "already posted" in out.text
    assert len(remote_state(origin).posts) == 2


def test_the_fake_refuses_a_status_naming_unfinished_media_as_mastodon_does(fake):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    media = httpx.post(f"{fake.url}/api/v2/media", headers=headers,
                       files={"file": ("a.png", buf.getvalue(), "image/png")})
    assert media.status_code == 202 and media.json()["url"] is None
    status = httpx.post(f"{fake.url}/api/v1/statuses", headers=headers,
                        json={"status": "hi", "media_ids": [media.json()["id"]]})
    assert status.status_code == 422 and "processing" in status.json()["error"]
    assert httpx.get(f"{fake.url}/api/v1/media/1", headers=headers).status_code == 206
