"""A fake Mastodon instance speaking the REST JSON Mastodon.py expects, for the real client.

Covers what the adapter uses: verify_credentials, notifications (types[]=mention), hashtag
timelines, v2 search, statuses (get, context, post with Idempotency-Key), account statuses.
Pagination follows Mastodon's `paginate_by_id`: max_id / since_id / min_id and Link headers.
Tests script failures (429 with X-RateLimit-Reset, 5xx, 401) with `fail(...)`.

Posting control (the same names on every fake's state): `posts_by_brand()`, `script_post(mode)`,
`delete(post_id)`. Mastodon has no duplicate-content refusal (the Idempotency-Key answers a
repeat with the first status instead), so `script_post("duplicate")` is a no-op; `POST_MODES`
lists the modes that do something. Seeding: `add_status(text, in_reply_to_id=...)` -> the
status (its "id" is what the adapter takes); a reply chain is a chain of `in_reply_to_id`.
"""

from __future__ import annotations

import html
import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Response, jsonify, request

from earful.clock import now
from tests.integration.fakes.serve import (
    ALL_POST_MODES,
    PostScript,
    drop_connection,
    serve_invalid_utf8,
)

BRAND_ID = "1"
BRAND_ACCT = "lumen"
TOKEN = "masto-token"


def iso(moment: datetime) -> str:
    """Mastodon's timestamp format."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def account(account_id: str, acct: str, **extra: Any) -> dict[str, Any]:
    """An Account entity."""
    base = {"id": account_id, "username": acct.split("@")[0], "acct": acct,
            "display_name": acct.split("@")[0].title(), "url": f"https://masto.example/@{acct}",
            "created_at": "2024-01-01T00:00:00.000Z", "locked": False, "bot": False,
            "note": "", "avatar": "", "header": "", "followers_count": 12,
            "following_count": 3, "statuses_count": 40, "fields": [], "emojis": []}
    base.update(extra)
    return base


BRAND = account(BRAND_ID, BRAND_ACCT, display_name="Lumen Mobile", followers_count=5000)


def paragraphs(text: str) -> str:
    """Plain text as Mastodon renders it: escaped, <p> paragraphs, <br> line breaks."""
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br />')}</p>"
                   for part in text.split("\n\n"))


@dataclass
class Failure:
    path: str
    status: int
    skip: int = 0
    count: int = 1
    body: dict[str, Any] = field(default_factory=lambda: {"error": "failure"})


class FakeMastodon:
    """State of the fake instance; `app` is the WSGI app to serve."""

    POST_MODES = ALL_POST_MODES - {"duplicate"}

    def __init__(self) -> None:
        self.statuses: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.deleted: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.failures: list[Failure] = []
        self.tokens = {TOKEN}
        self.idempotency: dict[str, str] = {}
        self.created: list[dict[str, Any]] = []  # what the brand posted through the API
        self.post_script = PostScript(self.POST_MODES)
        self._ids = itertools.count(100_000)
        self._notification_ids = itertools.count(500)
        self._lock = threading.Lock()
        self.app = self._build()

    # ---------------------------------------------------------------- test helpers

    def next_id(self) -> str:
        return str(next(self._ids))

    def add_status(self, text: str = "", *, html_content: str | None = None,
                   author: dict[str, Any] | None = None, in_reply_to_id: str | None = None,
                   tags: tuple[str, ...] = (), mention_brand: bool = False,
                   created_at: datetime | None = None, **overrides: Any) -> dict[str, Any]:
        """Add a status (and a mention notification when it mentions the brand)."""
        status_id = self.next_id()
        author = author or account(f"9{status_id}", f"user{status_id}@other.example")
        content = html_content if html_content is not None else paragraphs(text)
        status: dict[str, Any] = {
            "id": status_id, "created_at": iso(created_at or now()), "content": content,
            "account": author, "in_reply_to_id": in_reply_to_id,
            "in_reply_to_account_id": None, "language": "en", "visibility": "public",
            "url": f"https://masto.example/@{author['acct'] if author else 'x'}/{status_id}",
            "uri": f"https://masto.example/statuses/{status_id}", "reblog": None,
            "mentions": [], "tags": [{"name": t, "url": ""} for t in tags],
            "media_attachments": [], "emojis": [], "replies_count": 0, "reblogs_count": 0,
            "favourites_count": 0, "sensitive": False, "spoiler_text": ""}
        status.update(overrides)
        self.statuses[status_id] = status
        if mention_brand:
            self.notify(status)
        return status

    def notify(self, status: dict[str, Any], kind: str = "mention") -> dict[str, Any]:
        notification = {"id": str(next(self._notification_ids)), "type": kind,
                        "created_at": status.get("created_at", iso(now())),
                        "account": status.get("account"), "status": status}
        self.notifications.append(notification)
        return notification

    def add_raw_notification(self, payload: dict[str, Any]) -> None:
        """A hand-made (possibly broken) notification; it gets the next id."""
        self.notifications.append({"id": str(next(self._notification_ids)), **payload})

    def fail(self, path: str, status: int, *, skip: int = 0, count: int = 1,
             body: dict[str, Any] | None = None) -> None:
        """Answer `status` to the matching requests after `skip` of them succeed."""
        self.failures.append(Failure(path, status, skip, count, body or {"error": "failure"}))

    def delete(self, status_id: str) -> None:
        """Gone: GET answers 404, a reply to it is refused with 404 as Mastodon does."""
        self.deleted.add(status_id)

    def posts_by_brand(self) -> list[dict[str, Any]]:
        """Every status the brand created through the API, oldest first."""
        return [dict(post) for post in self.created]

    def script_post(self, mode: str) -> None:
        """Answer the next POST /api/v1/statuses according to `mode`."""
        self.post_script.add(mode)

    def page_requests(self, path: str) -> int:
        return sum(1 for _, p in self.requests if p.startswith(path))

    # ---------------------------------------------------------------- the app

    def _build(self) -> Flask:
        app = Flask("fake_mastodon")
        serve_invalid_utf8(app)
        app.url_map.strict_slashes = False

        @app.before_request
        def check() -> Any:
            self.requests.append((request.method, request.path))
            scripted = self._scripted_failure()
            if scripted is not None:
                return scripted
            if request.path.startswith(("/api/v1/instance", "/api/v2/instance")):
                return None
            auth = request.headers.get("Authorization", "")
            if auth.removeprefix("Bearer ") not in self.tokens:
                return jsonify(error="The access token is invalid"), 401
            return None

        @app.after_request
        def rate_headers(response: Response) -> Response:
            response.headers["X-RateLimit-Limit"] = "300"
            response.headers.setdefault("X-RateLimit-Remaining", "299")
            response.headers.setdefault("X-RateLimit-Reset",
                                        iso(now() + timedelta(minutes=5)))
            return response

        @app.get("/api/v1/instance")
        @app.get("/api/v2/instance")
        def instance() -> Any:  # Mastodon.py reads the version from it (search needs >= 2.8)
            return jsonify(domain="masto.example", title="fake", version="4.3.0",
                           source_url="", description="", usage={"users": {"active_month": 1}},
                           thumbnail={"url": ""}, languages=["en"], configuration={},
                           registrations={"enabled": False}, contact={"email": ""}, rules=[],
                           api_versions={"mastodon": 2})

        @app.get("/api/v1/accounts/verify_credentials")
        def verify() -> Any:
            return jsonify(BRAND)

        @app.get("/api/v1/notifications")
        def notifications() -> Any:
            types = request.args.getlist("types[]")
            items = [n for n in self.notifications if not types or n.get("type") in types]
            return self._paged(items, default_limit=40, max_limit=80)

        @app.get("/api/v1/timelines/tag/<tag>")
        def tag_timeline(tag: str) -> Any:
            items = [s for s in self._visible() if any(
                str(t.get("name", "")).lower() == tag.lower() for t in s.get("tags") or [])]
            return self._paged(items)

        @app.get("/api/v2/search")
        def search() -> Any:
            query = request.args.get("q", "").lower()
            hits = [s for s in self._visible()
                    if query in str(s.get("content", "")).lower()]
            hits = self._by_id(hits, request.args)
            offset = int(request.args.get("offset", 0))
            limit = min(int(request.args.get("limit", 20)), 40)
            return jsonify(accounts=[], statuses=hits[offset:offset + limit], hashtags=[])

        @app.get("/api/v1/statuses/<status_id>")
        def get_status(status_id: str) -> Any:
            if status_id not in self.statuses or status_id in self.deleted:
                return jsonify(error="Record not found"), 404
            return jsonify(self.statuses[status_id])

        @app.get("/api/v1/statuses/<status_id>/context")
        def context(status_id: str) -> Any:
            if status_id not in self.statuses or status_id in self.deleted:
                return jsonify(error="Record not found"), 404
            return jsonify(ancestors=[], descendants=self._descendants(status_id))

        @app.get("/api/v1/accounts/<account_id>/statuses")
        def account_statuses(account_id: str) -> Any:
            items = [s for s in self._visible()
                     if str((s.get("account") or {}).get("id")) == account_id]
            return self._paged(items)

        @app.post("/api/v1/statuses")
        def post_status() -> Any:
            form = request.form if request.form else (request.get_json(silent=True) or {})
            key = request.headers.get("Idempotency-Key")
            with self._lock:
                if key and key in self.idempotency:
                    return jsonify(self.statuses[self.idempotency[key]])
            mode = self.post_script.take()
            refused = self._scripted_refusal(mode)
            if refused is not None:
                return refused
            parent = form.get("in_reply_to_id")
            if parent and (parent not in self.statuses or parent in self.deleted):
                return jsonify(error="The status you are trying to reply to does not appear "
                                     "to exist."), 404
            with self._lock:
                status = self.add_status(form["status"], author=BRAND, in_reply_to_id=parent)
                self.created.append({"id": status["id"], "text": form["status"],
                                     "reply_to": parent})
                if key:
                    self.idempotency[key] = status["id"]
            if mode == "accept_then_500":
                return jsonify(error="Internal Server Error"), 500
            if mode == "accept_then_drop":
                return drop_connection()
            return jsonify(status)

        return app

    def _visible(self) -> list[dict[str, Any]]:
        return [s for key, s in self.statuses.items() if key not in self.deleted]

    def _descendants(self, status_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        frontier = {status_id}
        while frontier:
            children = [s for s in self._visible() if s.get("in_reply_to_id") in frontier]
            found += children
            frontier = {s["id"] for s in children}
        return found

    @staticmethod
    def _by_id(items: list[dict[str, Any]], args: Any) -> list[dict[str, Any]]:
        """Newest first, filtered by max_id / since_id / min_id as Mastodon does."""

        def key(item: dict[str, Any]) -> tuple[int, str]:
            text = str(item.get("id"))
            return (len(text), text)

        items = sorted(items, key=key, reverse=True)
        for name, keep in (("max_id", lambda k, b: k < b), ("since_id", lambda k, b: k > b),
                           ("min_id", lambda k, b: k > b)):
            bound = args.get(name)
            if bound:
                mark = (len(bound), bound)
                items = [i for i in items if keep(key(i), mark)]
        return items

    def _paged(self, items: list[dict[str, Any]], default_limit: int = 20,
               max_limit: int = 40) -> Any:
        limit = min(int(request.args.get("limit", default_limit)), max_limit)
        ordered = self._by_id(items, request.args)
        # min_id returns the page immediately above it (oldest first), still sorted newest first.
        page = ordered[-limit:] if request.args.get("min_id") else ordered[:limit]
        response = jsonify(page)
        if page:
            response.headers["Link"] = (
                f'<{request.base_url}?max_id={page[-1]["id"]}>; rel="next", '
                f'<{request.base_url}?min_id={page[0]["id"]}>; rel="prev"')
        return response

    @staticmethod
    def _scripted_refusal(mode: str | None) -> Any:
        """The answer to a scripted post that is not created (None: create it)."""
        if mode == "500":
            return jsonify(error="Internal Server Error"), 500
        if mode == "429":
            response = jsonify(error="Too many requests")
            response.status_code = 429
            response.headers["X-RateLimit-Remaining"] = "0"
            response.headers["X-RateLimit-Reset"] = iso(now() + timedelta(seconds=60))
            return response
        if mode == "forbidden":
            return jsonify(error="This action is not allowed"), 403
        return None

    def _scripted_failure(self) -> Any:
        with self._lock:
            for failure in self.failures:
                if not request.path.startswith(failure.path) or failure.count <= 0:
                    continue
                if failure.skip > 0:
                    failure.skip -= 1
                    return None
                failure.count -= 1
                response = jsonify(failure.body)
                response.status_code = failure.status
                if failure.status == 429:
                    response.headers["X-RateLimit-Remaining"] = "0"
                    response.headers["X-RateLimit-Reset"] = iso(now() + timedelta(minutes=5))
                return response
        return None
