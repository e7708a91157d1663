"""Post a glimmer to Mastodon exactly once, with its card, description and focus point.

Limits come from the server (`/api/v2/instance`). Before posting, the account's recent
statuses are searched for the glimmer's link, which finds a post made by a run that crashed
before recording it (or one older than an Idempotency-Key's one-hour life); the status itself
carries a deterministic Idempotency-Key, so a retry after a timeout, or a second run at the
same time, gets the same status back instead of a new one.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

import httpx

from .config import Target
from .http import TIMEOUT, call
from .image import fit_bytes
from .model import LoginError, Outgoing, Posted, Sleep, TargetError
from .text import MASTODON_DEFAULT_LIMITS, Caption, Limits, compose

FOCUS = "0.0,0.0"  # cards are centred compositions: keep the middle when a timeline crops
PROCESSING_WAITS = (0.5, 1, 2, 4, 8, 8, 8, 8, 8, 8)  # about a minute, then give up this run
RECENT = 40  # statuses searched for an earlier post (the API's largest page)


@dataclass(frozen=True)
class InstanceLimits:
    text: Limits = MASTODON_DEFAULT_LIMITS
    description: int = 1500
    image_bytes: int = 16 * 1024 * 1024


def limits_from(instance: dict) -> InstanceLimits:
    conf = instance.get("configuration") or {}
    statuses = conf.get("statuses") or {}
    media = conf.get("media_attachments") or {}
    return InstanceLimits(
        Limits(int(statuses.get("max_characters") or 500),
               url_length=int(statuses.get("characters_reserved_per_url") or 23)),
        int(media.get("description_limit") or 1500),
        int(media.get("image_size_limit") or 16 * 1024 * 1024),
    )


def caption(post: Outgoing, limits: InstanceLimits) -> Caption:
    return compose(post.title, post.excerpt, post.tags, post.link, limits.text)


def idempotency_key(post: Outgoing) -> str:
    return "glimmer-" + hashlib.sha256(f"{post.key}\n{post.link}".encode()).hexdigest()[:40]


def language(lang: str) -> str:
    """Mastodon takes an ISO 639 code: the primary subtag of the BCP 47 tag."""
    return lang.split("-")[0].lower()


class Mastodon:
    name = "mastodon"

    def __init__(self, target: Target, token: str, client: httpx.Client | None = None,
                 sleep: Sleep | None = None):
        import time

        self.target, self.token = target, token
        self.client = client or httpx.Client(timeout=TIMEOUT)
        self.sleep = time.sleep if sleep is None else sleep
        self._limits: InstanceLimits | None = None
        self._account: str | None = None

    def _call(self, method: str, path: str, what: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return call(self.client, method, f"{self.target.service}{path}", sleep=self.sleep,
                    what=what, headers=headers, **kwargs)

    def limits(self, attempts: int = 4) -> InstanceLimits:
        if self._limits is None:
            resp = call(self.client, "GET", f"{self.target.service}/api/v2/instance",
                        sleep=self.sleep, what="read the server's limits", attempts=attempts)
            self._limits = limits_from(resp.json()) if resp.status_code == 200 \
                else InstanceLimits()
        return self._limits

    def account(self) -> str:
        if self._account is None:
            resp = self._call("GET", "/api/v1/accounts/verify_credentials", "log in")
            if resp.status_code != 200:
                raise LoginError(f"Mastodon refused the token ({resp.status_code}); check "
                                  "the MASTODON_TOKEN secret and its scopes")
            self._account = str(resp.json()["id"])
        return self._account

    def existing(self, link: str) -> dict | None:
        """A recent status of this account that links to `link`, if there is one."""
        resp = self._call("GET", f"/api/v1/accounts/{self.account()}/statuses",
                          "look for an earlier post",
                          params={"limit": RECENT, "exclude_reblogs": "true",
                                  "exclude_replies": "true"})
        if resp.status_code != 200:
            raise TargetError(f"Mastodon: could not read recent posts ({resp.status_code})")
        for status in resp.json():
            card = status.get("card") or {}
            if f'href="{link}"' in html.unescape(status.get("content") or "") \
                    or card.get("url") == link:
                return status
        return None

    def _upload(self, post: Outgoing, limits: InstanceLimits) -> str:
        data, mime, _, _ = fit_bytes(post.image, post.mime, limits.image_bytes)
        ext = "jpg" if mime == "image/jpeg" else "png"
        resp = self._call("POST", "/api/v2/media", "upload the card",
                          files={"file": (f"{post.slug}.{ext}", data, mime)},
                          data={"description": post.alt[:limits.description], "focus": FOCUS})
        if resp.status_code not in (200, 202):
            raise TargetError(f"Mastodon: the card was not accepted ({resp.status_code}: "
                              f"{_error(resp)})")
        media = resp.json()
        waits = iter(PROCESSING_WAITS)
        while resp.status_code != 200 or not media.get("url"):
            wait = next(waits, None)
            if wait is None:
                raise TargetError("Mastodon: the card is still being processed; the next "
                                  "run tries again")
            self.sleep(wait)
            resp = self._call("GET", f"/api/v1/media/{media['id']}", "check the card")
            if resp.status_code not in (200, 206):
                raise TargetError(f"Mastodon: the card was lost ({resp.status_code})")
            media = resp.json()
        return str(media["id"])

    def post(self, post: Outgoing) -> Posted:
        found = self.existing(post.link)
        if found:
            return Posted(found["url"], str(found["id"]), adopted=True)
        limits = self.limits()
        media_id = self._upload(post, limits)
        body = {"status": caption(post, limits).text, "media_ids": [media_id],
                "language": language(post.lang), "visibility": "public"}
        headers = {"Idempotency-Key": idempotency_key(post)}
        waits = iter(PROCESSING_WAITS)
        while True:
            resp = self._call("POST", "/api/v1/statuses", "post", json=body, headers=headers)
            if resp.status_code == 422 and "process" in _error(resp).lower():
                wait = next(waits, None)  # the card was not ready after all: wait, same key
                if wait is not None:
                    self.sleep(wait)
                    continue
            break
        if resp.status_code != 200:
            raise TargetError(f"Mastodon did not take the post ({resp.status_code}: "
                              f"{_error(resp)})")
        status = resp.json()
        return Posted(status["url"], str(status["id"]))


def _error(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("error", ""))
    except ValueError:
        return resp.text[:200]
