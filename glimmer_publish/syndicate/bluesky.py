"""Post a glimmer to Bluesky (AT Protocol) exactly once, with its card, alt text and facets.

One session per run (an app password, never the account password). The post's record key
is a TID derived from the entry, and it is written with `putRecord` + `swapRecord: null`,
which the PDS accepts only when no record has that key yet: a rerun, a crash after posting
or a second run at the same time finds the post already there and adopts it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import httpx

from .config import Target
from .http import TIMEOUT, call
from .image import fit_bytes
from .model import LoginError, Outgoing, Posted, Sleep, TargetError
from .text import BLUESKY_LIMITS, Caption, compose

COLLECTION = "app.bsky.feed.post"
MAX_BLOB = 1_000_000  # older and self-hosted servers; bsky.social accepts 2 MB since 2026
_S32 = "234567abcdefghijklmnopqrstuvwxyz"


def record_key(post: Outgoing) -> str:
    """A TID (timestamp + clock id, base32-sortable) that is the same on every run.

    Its time is the entry's date, with the microseconds and clock id taken from a hash of the
    entry's stable id, so two glimmers written in the same minute still get different keys.
    """
    digest = int.from_bytes(hashlib.sha256(post.key.encode("utf-8")).digest()[:8], "big")
    micros = int(post.published.timestamp()) * 1_000_000 + digest % 1_000_000
    value = (max(micros, 0) & ((1 << 53) - 1)) << 10 | (digest >> 20) & 0x3FF
    return "".join(_S32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def caption(post: Outgoing) -> Caption:
    return compose(post.title, post.excerpt, post.tags, post.link, BLUESKY_LIMITS)


def facets(c: Caption) -> list[dict]:
    out = []
    for f in c.facets:
        feature = ({"$type": "app.bsky.richtext.facet#link", "uri": f.value} if f.kind == "link"
                   else {"$type": "app.bsky.richtext.facet#tag", "tag": f.value})
        out.append({"index": {"byteStart": f.start, "byteEnd": f.end}, "features": [feature]})
    return out


def image_for(post: Outgoing) -> tuple[bytes, str, int, int]:
    return fit_bytes(post.image, post.mime, MAX_BLOB)


class Bluesky:
    name = "bluesky"

    def __init__(self, target: Target, password: str, client: httpx.Client | None = None,
                 sleep: Sleep | None = None):
        import time

        self.target, self.password = target, password
        self.client = client or httpx.Client(timeout=TIMEOUT)
        self.sleep = time.sleep if sleep is None else sleep
        self.did: str | None = None
        self.handle = target.handle

    def _xrpc(self, method: str, nsid: str, what: str, **kwargs) -> httpx.Response:
        return call(self.client, method, f"{self.target.service}/xrpc/{nsid}",
                    sleep=self.sleep, what=what, **kwargs)

    def _auth(self) -> dict[str, str]:
        if self.did is None:
            self.login()
        return {"Authorization": f"Bearer {self._token}"}

    def login(self) -> None:
        """One session for the whole run: logging in per post gets accounts rate-limited."""
        resp = self._xrpc("POST", "com.atproto.server.createSession", "log in to Bluesky",
                          json={"identifier": self.target.handle, "password": self.password})
        if resp.status_code != 200:
            raise LoginError(f"Bluesky refused the login for {self.target.handle}: "
                              f"{_message(resp)} (check the app password secret)")
        data = resp.json()
        self._token, self.did = data["accessJwt"], data["did"]
        self.handle = data.get("handle") or self.target.handle

    def _posted(self, rkey: str, uri: str, adopted: bool) -> Posted:
        return Posted(f"{self.target.web}/profile/{self.handle}/post/{rkey}", uri, adopted)

    def existing(self, rkey: str) -> str | None:
        """The AT URI of the post with this key, if it was already made."""
        headers = self._auth()
        resp = self._xrpc("GET", "com.atproto.repo.getRecord", "look for the post",
                          params={"repo": self.did, "collection": COLLECTION, "rkey": rkey},
                          headers=headers)
        if resp.status_code == 200:
            return resp.json()["uri"]
        if resp.status_code == 400 and resp.json().get("error") == "RecordNotFound":
            return None
        raise TargetError(f"Bluesky: could not look for the post: {_message(resp)}")

    def post(self, post: Outgoing) -> Posted:
        rkey = record_key(post)
        uri = self.existing(rkey)
        if uri:
            return self._posted(rkey, uri, adopted=True)
        data, mime, width, height = image_for(post)
        resp = self._xrpc("POST", "com.atproto.repo.uploadBlob", "upload the card",
                          content=data, headers={**self._auth(), "Content-Type": mime})
        if resp.status_code != 200:
            raise TargetError(f"Bluesky: the card was not accepted: {_message(resp)}")
        blob = resp.json()["blob"]
        text = caption(post)
        record = {
            "$type": COLLECTION,
            "text": text.text,
            "facets": facets(text),
            "langs": [post.lang],
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "embed": {"$type": "app.bsky.embed.images", "images": [{
                "image": blob, "alt": post.alt,
                "aspectRatio": {"width": width, "height": height}}]},
        }
        resp = self._xrpc("POST", "com.atproto.repo.putRecord", "post",
                          json={"repo": self.did, "collection": COLLECTION, "rkey": rkey,
                                "record": record, "swapRecord": None},
                          headers=self._auth())
        if resp.status_code == 200:
            return self._posted(rkey, resp.json()["uri"], adopted=False)
        if resp.status_code == 400 and resp.json().get("error") == "InvalidSwap":
            uri = self.existing(rkey)  # another run made it a moment ago
            if uri:
                return self._posted(rkey, uri, adopted=True)
        raise TargetError(f"Bluesky did not take the post: {_message(resp)}")


def _message(resp: httpx.Response) -> str:
    try:
        body = resp.json()
        return f"{resp.status_code} {body.get('error', '')}: {body.get('message', '')}".strip()
    except ValueError:
        return f"{resp.status_code} {resp.text[:200]}"
