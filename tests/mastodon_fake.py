"""A small Mastodon server for the tests, written from Mastodon's API documentation for
exactly the endpoints `glimmer syndicate` uses, with faults to inject.

Documented behaviour it keeps: `/api/v2/instance` limits; `/api/v2/media` answers 200 when
the file is ready and 202 while it is processed (`url: null`), `/api/v1/media/:id` answers 206
until it is ready; a status naming unfinished media gets 422; a status longer than
`max_characters` (grapheme clusters, every URL counting `characters_reserved_per_url`) gets
422; an `Idempotency-Key` returns the first status for one hour; 429 carries
X-RateLimit-Limit / -Remaining / -Reset (an ISO 8601 time).
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import default as email_policy
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import regex
from PIL import Image

TOKEN = "secret-token"
ACCOUNT = "109"
_URL = re.compile(r"https?://\S+")


class MastodonFake:
    def __init__(self, *, max_characters: int = 500, description_limit: int = 1500,
                 processing_polls: int = 0) -> None:
        self.max_characters = max_characters
        self.description_limit = description_limit
        self.processing_polls = processing_polls  # 0: media is ready at once (200)
        self.clock = 1_800_000_000.0  # seconds; tests move it forward
        self.statuses: list[dict] = []
        self.media: dict[str, dict] = {}
        self.keys: dict[str, tuple[float, dict]] = {}
        self.faults: list[tuple[str, str, str]] = []  # (method, path prefix, kind), used once
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def inject(self, method: str, path: str, kind: str) -> None:
        """kind: 'timeout' (do the work, answer too late), '503', '429' (before the work)."""
        self.faults.append((method, path, kind))

    def _fault(self, method: str, path: str) -> str | None:
        with self.lock:
            for i, (m, p, kind) in enumerate(self.faults):
                if m == method and path.startswith(p):
                    del self.faults[i]
                    return kind
        return None

    @staticmethod
    def length(text: str) -> int:
        return len(regex.findall(r"\X", _URL.sub("x" * 23, text)))

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def date_time_string(self, timestamp=None):
                return formatdate(fake.clock, usegmt=True)  # the fake's clock, not the machine's

            def reply(self, status: int, body: object, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def handle_any(self, method: str) -> None:
                parts = urlsplit(self.path)
                path, query = parts.path, parse_qs(parts.query)
                data = self.body() if method == "POST" else b""
                fake.requests.append((method, path))
                fault = fake._fault(method, path)
                if fault == "503":
                    return self.reply(503, {"error": "Service Unavailable"})
                if fault == "429":
                    reset = datetime.fromtimestamp(fake.clock, UTC) + timedelta(seconds=3)
                    return self.reply(429, {"error": "Too many requests"}, {
                        "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")})
                if path == "/api/v2/instance":
                    return self.reply(200, fake.instance())
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.reply(401, {"error": "The access token is invalid"})
                status, body = fake.route(method, path, query, data, self.headers)
                if fault == "timeout":
                    time.sleep(1.5)  # the work is done; the answer comes after the client gave up
                self.reply(status, body)

            def do_GET(self):
                self.handle_any("GET")

            def do_POST(self):
                self.handle_any("POST")

        return Handler

    def instance(self) -> dict:
        return {"domain": "fake.example", "configuration": {
            "statuses": {"max_characters": self.max_characters, "max_media_attachments": 4,
                         "characters_reserved_per_url": 23},
            "media_attachments": {"description_limit": self.description_limit,
                                  "image_size_limit": 16777216,
                                  "supported_mime_types": ["image/png", "image/jpeg"]}}}

    def route(self, method: str, path: str, query: dict, data: bytes, headers) -> tuple:
        if method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return 200, {"id": ACCOUNT, "username": "glimmer", "acct": "glimmer"}
        if method == "GET" and path == f"/api/v1/accounts/{ACCOUNT}/statuses":
            limit = min(int((query.get("limit") or ["20"])[0]), 40)
            return 200, list(reversed(self.statuses))[:limit]
        if method == "POST" and path == "/api/v2/media":
            return self.upload(data, headers.get("Content-Type", ""))
        if method == "GET" and path.startswith("/api/v1/media/"):
            media = self.media.get(path.rsplit("/", 1)[1])
            if media is None:
                return 404, {"error": "Record not found"}
            with self.lock:
                media["polls"] -= 1
                if media["polls"] <= 0:
                    media["url"] = f"{self.url}/media/{media['id']}.png"
            return (200 if media["url"] else 206), self.public(media)
        if method == "POST" and path == "/api/v1/statuses":
            return self.post_status(json.loads(data), headers.get("Idempotency-Key"))
        return 404, {"error": "Record not found"}

    @staticmethod
    def public(media: dict) -> dict:
        return {k: v for k, v in media.items() if k not in ("polls", "bytes")}

    def upload(self, data: bytes, ctype: str) -> tuple:
        msg = BytesParser(policy=email_policy).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + data)
        fields = {p.get_param("name", header="content-disposition"): p
                  for p in msg.iter_parts()}
        if "file" not in fields:
            return 422, {"error": "Validation failed: File can't be blank"}
        raw = fields["file"].get_payload(decode=True)
        width, height = Image.open(io.BytesIO(raw)).size  # a real picture, or this fails
        def text(name: str, default: str = "") -> str:  # form fields are UTF-8, as Rails reads them
            return fields[name].get_payload(decode=True).decode("utf-8") if name in fields \
                else default

        description = text("description")
        if len(description) > self.description_limit:
            return 422, {"error": "Validation failed: Description is too long"}
        focus = text("focus", "0.0,0.0")
        fx, fy = (float(v) for v in focus.split(","))
        with self.lock:
            media_id = str(len(self.media) + 1)
            ready = self.processing_polls == 0
            media = {"id": media_id, "type": "image", "description": description,
                     "url": f"{self.url}/media/{media_id}.png" if ready else None,
                     "meta": {"original": {"width": width, "height": height},
                              "focus": {"x": fx, "y": fy}},
                     "polls": self.processing_polls, "bytes": len(raw)}
            self.media[media_id] = media
        return (200 if ready else 202), self.public(media)

    def post_status(self, body: dict, key: str | None) -> tuple:
        with self.lock:
            if key and key in self.keys and self.clock - self.keys[key][0] < 3600:
                return 200, self.keys[key][1]
            for media_id in body.get("media_ids") or []:
                media = self.media.get(str(media_id))
                if media is None:
                    return 422, {"error": "Validation failed: media not found"}
                if not media["url"]:
                    return 422, {"error": "Cannot attach files that have not finished "
                                          "processing. Try again in a moment!"}
            text = body.get("status") or ""
            if self.length(text) > self.max_characters:
                return 422, {"error": f"Validation failed: Text character limit of "
                                      f"{self.max_characters} exceeded"}
            status_id = str(1000 + len(self.statuses))
            content = "".join(
                "<p>" + _linked(p).replace("\n", "<br />") + "</p>"
                for p in text.split("\n\n"))
            status = {"id": status_id, "url": f"{self.url}/@glimmer/{status_id}",
                      "content": content, "language": body.get("language"),
                      "visibility": body.get("visibility", "public"),
                      "media_attachments": [self.public(self.media[str(m)])
                                            for m in body.get("media_ids") or []],
                      "created_at": datetime.fromtimestamp(self.clock, UTC).isoformat()}
            self.statuses.append(status)
            if key:
                self.keys[key] = (self.clock, status)
            return 200, status


def _linked(text: str) -> str:
    out, pos = [], 0
    for m in _URL.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        url = html.escape(m.group())
        out.append(f'<a href="{url}" rel="nofollow noopener" translate="no" target="_blank">'
                   f'<span class="invisible">https://</span>{url}</a>')
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
