"""One careful HTTP call: bounded retries on timeouts, 5xx and 429 (honouring the server's
rate-limit headers), so a busy server slows a run down instead of failing or flooding it.

Retrying a write is safe only because every write we send is idempotent: Bluesky posts use a
fixed record key with create-if-absent, Mastodon statuses an Idempotency-Key.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from .model import Sleep, TargetError

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_WAIT = 120.0  # longer rate-limit waits end this glimmer's attempt; the next run goes on


def _server_now(resp: httpx.Response) -> float:
    try:
        return parsedate_to_datetime(resp.headers["date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return time.time()


def retry_after(resp: httpx.Response) -> float | None:
    """Seconds the server asks us to wait, from Retry-After or its rate-limit reset time."""
    value = resp.headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - _server_now(resp))
            except (TypeError, ValueError):
                pass
    for name in ("x-ratelimit-reset", "ratelimit-reset"):
        value = resp.headers.get(name)
        if not value:
            continue
        try:  # Bluesky: seconds since the epoch
            stamp = float(value)
        except ValueError:  # Mastodon: an ISO 8601 time
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            stamp = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
        return max(0.0, stamp - _server_now(resp))
    return None


def call(client: httpx.Client, method: str, url: str, *, sleep: Sleep, what: str,
         attempts: int = 4, **kwargs) -> httpx.Response:
    """The response (any status below 500 but 429), or TargetError after bounded retries."""
    delay = 1.0
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        try:
            resp = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            if last:
                raise TargetError(f"{what}: no answer from {httpx.URL(url).host} "
                                  f"({type(exc).__name__})") from exc
            sleep(delay)
            delay *= 2
            continue
        if resp.status_code == 429:
            wait = retry_after(resp)
            wait = delay if wait is None else wait + 0.5
            if last or wait > MAX_WAIT:
                raise TargetError(f"{what}: rate-limited by {httpx.URL(url).host}; "
                                  f"the next run tries again (wait {wait:.0f} s)")
            sleep(wait)
            continue
        if resp.status_code >= 500:
            if last:
                raise TargetError(f"{what}: {httpx.URL(url).host} answered "
                                  f"{resp.status_code}")
            sleep(delay)
            delay *= 2
            continue
        return resp
    raise AssertionError("unreachable")
