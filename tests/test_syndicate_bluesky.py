"""Posting to a real Bluesky PDS (@atproto/dev-env on Node 22, started on loopback ports).

The PDS validates every record against the lexicons (300 graphemes counted with
Intl.Segmenter, 3,000 bytes, facets, image embeds) and refuses blobs over 1,000,000 bytes,
as configured here; posts are read back with com.atproto.repo.listRecords / getBlob.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image
from syndicate_testing import Output, Site, clone_journal, git, remote_state

from glimmer_publish.cards.content import card_alt
from glimmer_publish.entries import load_journal
from glimmer_publish.syndicate.bluesky import Bluesky
from glimmer_publish.syndicate.command import run
from glimmer_publish.syndicate.config import Target
from glimmer_publish.syndicate.model import Outgoing
from glimmer_publish.syndicate.text import graphemes

PDS_DIR = Path(__file__).resolve().parent / "pds"
NODE = PDS_DIR / "node_modules" / "node" / "bin" / "node"
_accounts = itertools.count()


@pytest.fixture(scope="session")
def pds():
    assert NODE.exists(), "the test PDS is not installed (bash tests/run.sh installs it)"
    proc = subprocess.Popen([str(NODE), "start.mjs"], cwd=PDS_DIR, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        pytest.fail("the test PDS did not start:\n" + proc.stderr.read()[-3000:])
    info = json.loads(line)
    yield info
    proc.stdin.close()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def new_account(pds: dict) -> dict:
    """A fresh account with an app password, so each test counts only its own posts."""
    handle = f"t{next(_accounts)}-{id(pds) % 10000}.test"
    url = pds["url"]
    made = httpx.post(f"{url}/xrpc/com.atproto.server.createAccount", json={
        "handle": handle, "email": f"{handle}@example.org", "password": "account-pw"})
    assert made.status_code == 200, made.text
    token = made.json()["accessJwt"]
    app = httpx.post(f"{url}/xrpc/com.atproto.server.createAppPassword",
                     json={"name": "glimmer"}, headers={"Authorization": f"Bearer {token}"})
    assert app.status_code == 200, app.text
    return {"url": url, "handle": handle, "did": made.json()["did"],
            "password": app.json()["password"]}


def posts(account: dict) -> list[dict]:
    resp = httpx.get(f"{account['url']}/xrpc/com.atproto.repo.listRecords",
                     params={"repo": account["did"], "collection": "app.bsky.feed.post",
                             "limit": 100})
    assert resp.status_code == 200, resp.text
    return resp.json()["records"]


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def make_journal(tmp_path, site, account, name="journal", origin=None, card="square"):
    journal, origin = clone_journal(
        tmp_path, name, {"bluesky": {"handle": account["handle"], "service": account["url"]},
                         "card": card, "since": "2026-01-01"}, site, origin)
    return journal, origin


def write_world(journal) -> None:
    journal.entry("2026/2026-05-01-tea.md", title="شاي بالنعناع على الشرفة",
                  date="2026-05-01 08:00", body="رائحة النعناع والشمس الأولى على يدي.",
                  tags=["شاي", "صباح"], lang="ar")
    journal.entry("2026/2026-05-02-rain.md", title="雨の音で目が覚めた",
                  date="2026-05-02 06:30", body="屋根を打つ雨の音が、やさしい太鼓のようだった。",
                  tags=["雨", "morning-light"], lang="ja")
    journal.entry("2026/2026-05-03-wave.md",
                  title="My niece waved 👋🏽 from the back window of the number nine bus "
                        "🚌 all the way down the hill, and I waved back 🙋🏾‍♀️",
                  date="2026-05-03 17:00",
                  body="A whole-arm wave 👨‍👩‍👧, " * 7 + "and the whole street waved too.",
                  tags=["family", "small-things"])


def env(account: dict) -> dict:
    return {"BLUESKY_APP_PASSWORD": account["password"]}


def publish_all(journal, site) -> list:
    entries = load_journal(journal.settings).entries
    for e in entries:
        site.publish(e.slug)
    return entries


def test_post_carries_card_alt_aspect_ratio_language_and_facets_at_byte_offsets(
        tmp_path, pds, site):
    account = new_account(pds)
    journal, origin = make_journal(tmp_path, site, account)
    write_world(journal)
    entries = publish_all(journal, site)
    out, err = Output(), Output()
    assert run(journal.settings, env=env(account), out=out, err=err,
               sleep=lambda s: None) == 0, err.text

    records = posts(account)
    assert len(records) == 3
    by_link = {}
    for rec in records:
        value = rec["value"]
        raw = value["text"].encode("utf-8")
        links = [f for f in value["facets"]
                 if f["features"][0]["$type"] == "app.bsky.richtext.facet#link"]
        (link,) = links
        uri = link["features"][0]["uri"]
        # The facet's byte range holds exactly the link, however many bytes the text before
        # it takes (Arabic 2, Japanese 3, emoji 4 bytes per character).
        assert raw[link["index"]["byteStart"]:link["index"]["byteEnd"]].decode() == uri
        for tag in value["facets"]:
            feature = tag["features"][0]
            if feature["$type"] == "app.bsky.richtext.facet#tag":
                shown = raw[tag["index"]["byteStart"]:tag["index"]["byteEnd"]].decode()
                assert shown == "#" + feature["tag"]
        by_link[uri] = value

    for entry in entries:
        value = by_link[journal.settings.absolute(entry.url)]
        (image,) = value["embed"]["images"]
        assert image["alt"] == card_alt(entry, journal.settings)
        assert image["aspectRatio"] == {"width": 1080, "height": 1080}
        assert image["image"]["size"] <= 1_000_000
        assert value["langs"] == [entry.lang or "en"]  # the entry's own, else the site's
        blob = httpx.get(f"{account['url']}/xrpc/com.atproto.sync.getBlob", params={
            "did": account["did"], "cid": image["image"]["ref"]["$link"]})
        assert Image.open(io.BytesIO(blob.content)).size == (1080, 1080)
    assert sorted(v["langs"][0] for v in by_link.values()) == ["ar", "en", "ja"]
    tags = {f["features"][0].get("tag") for v in by_link.values() for f in v["facets"]}
    assert {"شاي", "雨", "MorningLight", "SmallThings"} <= tags

    # The long emoji entry was shortened to the server's own limit, its link kept whole.
    wave = next(v for u, v in by_link.items() if "wave" in u)
    assert wave["text"].endswith(next(u for u in by_link if "wave" in u))
    assert "…" in wave["text"]
    assert 280 <= graphemes(wave["text"]) <= 300  # the server agreed; we cut no more than needed

    state = remote_state(origin)
    assert set(state.posts) == {e.slug for e in entries}
    assert all(p["bluesky"]["url"].startswith("https://bsky.app/profile/") for p in
               state.posts.values())


def test_a_rerun_posts_nothing_and_a_lost_record_is_adopted(tmp_path, pds, site):
    account = new_account(pds)
    journal, origin = make_journal(tmp_path, site, account)
    write_world(journal)
    publish_all(journal, site)
    assert run(journal.settings, env=env(account), out=Output(), err=Output(),
               sleep=lambda s: None) == 0
    first = posts(account)

    out = Output()
    assert run(journal.settings, env=env(account), out=out, err=Output(),
               sleep=lambda s: None) == 0
    assert "nothing new to post" in out.text
    assert posts(account) == first

    # A run that crashed after posting but before recording: the state branch forgot it.
    git(origin, "update-ref", "-d", "refs/heads/glimmer-syndication")
    again, _ = make_journal(tmp_path, site, account, "second-clone", origin)
    shutil.copytree(journal.entries_dir, again.entries_dir, dirs_exist_ok=True)
    out = Output()
    assert run(again.settings, env=env(account), out=out, err=Output(),
               sleep=lambda s: None) == 0
    assert out.text.count("already posted") == 3
    assert posts(account) == first


def test_two_runs_at_once_make_one_post_each(tmp_path, pds, site):
    account = new_account(pds)
    one, origin = make_journal(tmp_path, site, account, "runner-one")
    write_world(one)
    two, _ = make_journal(tmp_path, site, account, "runner-two", origin)
    shutil.copytree(one.entries_dir, two.entries_dir, dirs_exist_ok=True)
    publish_all(one, site)
    codes = {}

    def go(name, journal):
        codes[name] = run(journal.settings, env=env(account), out=Output(), err=Output(),
                          sleep=lambda s: None)

    threads = [threading.Thread(target=go, args=(n, j)) for n, j in (("1", one), ("2", two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert codes == {"1": 0, "2": 0}
    records = posts(account)
    assert len(records) == 3
    assert len({r["value"]["embed"]["images"][0]["alt"] for r in records}) == 3
    assert len(remote_state(origin).posts) == 3


def test_a_card_over_the_blob_limit_is_re_encoded_until_the_server_takes_it(pds):
    """A 1080×1920 card of pure noise is several MB as PNG; this PDS refuses blobs over
    1,000,000 bytes, so only a re-encoded card gets through."""
    account = new_account(pds)
    noise = Image.effect_noise((1080, 1920), 120).convert("RGB")
    buf = io.BytesIO()
    noise.save(buf, "PNG")
    assert buf.tell() > 2_000_000
    post = Outgoing(slug="grain", key="urn:uuid:grain", link="https://example.org/g/",
                    title="Grain of the old table", excerpt="", tags=(), lang="en",
                    image=buf.getvalue(), mime="image/png", width=1080, height=1920,
                    alt="Wood grain, very close", published=datetime(2026, 5, 4, tzinfo=UTC))
    target = Target("bluesky", account["url"], account["handle"], "https://bsky.app")
    posted = Bluesky(target, account["password"], sleep=lambda s: None).post(post)
    assert not posted.adopted
    (record,) = posts(account)
    image = record["value"]["embed"]["images"][0]
    assert image["image"]["mimeType"] == "image/jpeg"
    assert image["image"]["size"] <= 1_000_000
    w, h = image["aspectRatio"]["width"], image["aspectRatio"]["height"]
    assert abs(w / h - 1080 / 1920) < 0.01
    assert image["alt"] == "Wood grain, very close"
