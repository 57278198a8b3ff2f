"""A fake Bluesky service (PDS + AppView XRPC) for the real atproto Client.

Covers what the adapter uses: createSession, getProfile, searchPosts (newest first, cursor
pagination), listNotifications, getPosts, createRecord, listRecords. Tests script failures
(429 with ratelimit-reset, 5xx, ExpiredToken) with `fail(...)` and `expire_tokens()`.

Posting control (the same names on every fake's state): `posts_by_brand()` (each with "root", the
thread root's URI, or None for a top-level post), `script_post(mode)`, `delete(post_id)`. Bluesky
has no duplicate-content refusal, so `script_post("duplicate")` is a no-op; `POST_MODES` lists
the modes that do something. Like the real PDS, createRecord does not check that a reply's parent
still exists (the adapter looks it up first). Seeding: `add_post(text, by=author(...),
reply_to=<a view>)` -> the post view (its "uri" is the id the adapter takes); a reply chain is a
chain of `reply_to`, with the root carried down as Bluesky does.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, jsonify, request

from earful.clock import now
from tests.integration.fakes.serve import (
    ALL_POST_MODES,
    PostScript,
    drop_connection,
    serve_invalid_utf8,
)

BRAND_DID = "did:plc:brandbrandbrandbrandbran"
BRAND_HANDLE = "lumen.bsky.social"
APP_PASSWORD = "app-password"
FAR_FUTURE = 4_102_444_800  # 2100-01-01: atproto checks `exp` against the real clock


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fake_jwt(did: str, serial: int) -> str:
    """A decodable (unsigned) JWT, as atproto reads `exp` from the access token."""

    def encode(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return ".".join([encode({"alg": "ES256K", "typ": "at+jwt"}),
                     encode({"scope": "com.atproto.access", "sub": did, "iat": 1_700_000_000,
                             "exp": FAR_FUTURE, "aud": "did:web:fake", "jti": f"jti-{serial}"}),
                     "c2lnbmF0dXJl"])


def author(handle: str, did: str | None = None, **extra: Any) -> dict[str, Any]:
    view = {"did": did or f"did:plc:{handle.split('.')[0][:24].ljust(24, 'x')}",
            "handle": handle, "displayName": handle.split(".")[0].title()}
    view.update(extra)
    return view


BRAND = author(BRAND_HANDLE, BRAND_DID, displayName="Lumen Mobile")


@dataclass
class Failure:
    nsid: str
    status: int
    skip: int = 0
    count: int = 1
    body: dict[str, Any] = field(default_factory=lambda: {"error": "InternalServerError",
                                                          "message": "failure"})


class FakeBluesky:
    """State of the fake service; `app` is the WSGI app to serve."""

    POST_MODES = ALL_POST_MODES - {"duplicate"}

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []  # post views, in the order they were indexed
        self.notifications: list[dict[str, Any]] = []
        self.deleted: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.failures: list[Failure] = []
        self.tokens: set[str] = set()
        self.expired: set[str] = set()
        self.logins = 0
        self.created: list[dict[str, Any]] = []  # what the brand posted through the API
        self.post_script = PostScript(self.POST_MODES)
        self._serial = itertools.count(1)
        self._lock = threading.Lock()
        self.app = self._build()

    # ---------------------------------------------------------------- test helpers

    def add_post(self, text: str = "", *, by: dict[str, Any] | None = None,
                 reply_to: dict[str, Any] | None = None, mention_brand: bool = False,
                 created_at: datetime | None = None, facets: list[dict[str, Any]] | None = None,
                 **overrides: Any) -> dict[str, Any]:
        """Index a post (and notify the brand of mentions and of replies to its posts)."""
        serial = next(self._serial)
        by = by or author(f"user{serial}.bsky.social")
        uri = f"at://{by['did']}/app.bsky.feed.post/3l{serial:011d}"
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text,
                                  "createdAt": iso(created_at or now()), "langs": ["en"]}
        if facets is not None:
            record["facets"] = facets
        if reply_to is not None:
            root = (reply_to["record"].get("reply") or {}).get("root") or {
                "uri": reply_to["uri"], "cid": reply_to["cid"]}
            record["reply"] = {"root": root,
                               "parent": {"uri": reply_to["uri"], "cid": reply_to["cid"]}}
        view: dict[str, Any] = {"uri": uri, "cid": f"bafyrei{serial:040d}", "author": by,
                                "record": record, "indexedAt": iso(now()), "replyCount": 0,
                                "repostCount": 0, "likeCount": 0, "labels": []}
        view.update(overrides)
        self.posts.append(view)
        if mention_brand:
            self.notify(view, "mention")
        elif reply_to is not None and reply_to["author"].get("did") == BRAND_DID:
            self.notify(view, "reply")
        return view

    def notify(self, view: dict[str, Any], reason: str) -> None:
        self.notifications.append({
            "uri": view["uri"], "cid": view.get("cid"), "author": view.get("author"),
            "reason": reason, "record": view.get("record"), "isRead": False,
            "indexedAt": view.get("indexedAt", iso(now())), "labels": []})

    def fail(self, nsid: str, status: int, *, skip: int = 0, count: int = 1,
             body: dict[str, Any] | None = None) -> None:
        """Answer `status` to requests of `nsid` after `skip` of them succeed."""
        self.failures.append(Failure(nsid, status, skip, count,
                                     body or {"error": "Failure", "message": "scripted"}))

    def expire_tokens(self) -> None:
        """Every session issued so far now answers 400 ExpiredToken."""
        self.expired |= self.tokens

    def delete(self, uri: str) -> None:
        """Gone: getPosts leaves it out, listings and listRecords too."""
        self.deleted.add(uri)

    def posts_by_brand(self) -> list[dict[str, Any]]:
        """Every post the brand created through createRecord, oldest first."""
        return [dict(post) for post in self.created]

    def script_post(self, mode: str) -> None:
        """Answer the next com.atproto.repo.createRecord according to `mode`."""
        self.post_script.add(mode)

    def calls(self, nsid: str) -> int:
        return sum(1 for _, path in self.requests if path == f"/xrpc/{nsid}")

    # ---------------------------------------------------------------- the app

    def _build(self) -> Flask:
        app = Flask("fake_bluesky")
        serve_invalid_utf8(app)

        @app.before_request
        def check() -> Any:
            self.requests.append((request.method, request.path))
            nsid = request.path.removeprefix("/xrpc/")
            scripted = self._scripted_failure(nsid)
            if scripted is not None:
                return scripted
            if nsid == "com.atproto.server.createSession":
                return None
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token in self.expired:
                return jsonify(error="ExpiredToken", message="Token has expired"), 400
            if token not in self.tokens:
                return jsonify(error="AuthenticationRequired", message="Invalid token"), 401
            return None

        @app.post("/xrpc/com.atproto.server.createSession")
        def create_session() -> Any:
            body = request.get_json()
            if body.get("password") != APP_PASSWORD:
                return jsonify(error="AuthenticationRequired",
                               message="Invalid identifier or password"), 401
            self.logins += 1
            access = fake_jwt(BRAND_DID, next(self._serial))
            self.tokens.add(access)
            # No didDoc: the SDK keeps talking to base_url instead of the PDS a didDoc names.
            return jsonify(did=BRAND_DID, handle=body["identifier"], accessJwt=access,
                           refreshJwt=fake_jwt(BRAND_DID, next(self._serial)), active=True)

        @app.get("/xrpc/app.bsky.actor.getProfile")
        def get_profile() -> Any:
            return jsonify(did=BRAND_DID, handle=request.args["actor"], displayName="Lumen")

        @app.get("/xrpc/app.bsky.feed.searchPosts")
        def search_posts() -> Any:
            query = request.args["q"].lower()
            hits = [p for p in self._newest_first(self.posts)
                    if query in str(_record(p).get("text", "")).lower()
                    or query in str(p.get("record")).lower()]
            return jsonify(**self._page(hits, "posts"))

        @app.get("/xrpc/app.bsky.notification.listNotifications")
        def list_notifications() -> Any:
            reasons = request.args.getlist("reasons")
            items = [n for n in self._newest_first(self.notifications)
                     if not reasons or n.get("reason") in reasons]
            return jsonify(**self._page(items, "notifications"))

        @app.get("/xrpc/app.bsky.feed.getPosts")
        def get_posts() -> Any:
            wanted = request.args.getlist("uris")
            return jsonify(posts=[p for p in self.posts if p["uri"] in wanted
                                  and p["uri"] not in self.deleted])

        @app.post("/xrpc/com.atproto.repo.createRecord")
        def create_record() -> Any:
            body = request.get_json()
            record = body["record"]
            mode = self.post_script.take()
            refused = self._scripted_refusal(mode)
            if refused is not None:
                return refused
            reply = record.get("reply") or {}
            parent = (reply.get("parent") or {}).get("uri")
            parent_view = next((p for p in self.posts if p["uri"] == parent), None)
            view = self.add_post(record["text"], by=BRAND, reply_to=parent_view)
            view["record"] = record  # exactly what the client sent (root, parent, facets)
            self.created.append({"id": view["uri"], "text": record["text"], "reply_to": parent,
                                 "root": (reply.get("root") or {}).get("uri")})
            if mode == "accept_then_500":
                return jsonify(error="InternalServerError", message="Internal Server Error"), 500
            if mode == "accept_then_drop":
                return drop_connection()
            return jsonify(uri=view["uri"], cid=view["cid"])

        @app.get("/xrpc/com.atproto.repo.listRecords")
        def list_records() -> Any:
            repo = request.args["repo"]
            own = [p for p in reversed(self.posts) if p["author"].get("did") == repo
                   and p["uri"] not in self.deleted]
            limit = int(request.args.get("limit", 50))
            return jsonify(records=[{"uri": p["uri"], "cid": p["cid"], "value": p["record"]}
                                    for p in own[:limit]])

        return app

    @staticmethod
    def _newest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        def sort_at(item: dict[str, Any]) -> str:
            created = str(_record(item).get("createdAt") or "")
            indexed = str(item.get("indexedAt") or "")
            return min(created, indexed) if created and indexed else created or indexed

        order = {id(item): n for n, item in enumerate(items)}
        return sorted(items, key=lambda i: (sort_at(i), order[id(i)]), reverse=True)

    def _page(self, items: list[dict[str, Any]], name: str) -> dict[str, Any]:
        items = [i for i in items if i.get("uri") not in self.deleted]
        start = int(request.args.get("cursor") or 0)
        limit = min(int(request.args.get("limit", 25)), 100)
        out: dict[str, Any] = {name: items[start:start + limit]}
        if start + limit < len(items):
            out["cursor"] = str(start + limit)
        return out

    @staticmethod
    def _scripted_refusal(mode: str | None) -> Any:
        """The answer to a scripted post that is not created (None: create it)."""
        if mode == "500":
            return jsonify(error="InternalServerError", message="Internal Server Error"), 500
        if mode == "429":
            response = jsonify(error="RateLimitExceeded", message="Rate Limit Exceeded")
            response.status_code = 429
            reset = now() + timedelta(seconds=60)
            response.headers.update({"ratelimit-limit": "5000", "ratelimit-remaining": "0",
                                     "ratelimit-reset": str(int(reset.timestamp())),
                                     "ratelimit-policy": "5000;w=3600"})
            return response
        if mode == "forbidden":
            return jsonify(error="Forbidden", message="You may not reply to this thread"), 403
        return None

    def _scripted_failure(self, nsid: str) -> Any:
        with self._lock:
            for failure in self.failures:
                if failure.nsid != nsid or failure.count <= 0:
                    continue
                if failure.skip > 0:
                    failure.skip -= 1
                    return None
                failure.count -= 1
                response = jsonify(failure.body)
                response.status_code = failure.status
                if failure.status == 429:
                    reset = now() + timedelta(minutes=5)
                    response.headers["ratelimit-limit"] = "3000"
                    response.headers["ratelimit-remaining"] = "0"
                    response.headers["ratelimit-reset"] = str(int(reset.timestamp()))
                    response.headers["ratelimit-policy"] = "3000;w=300"
                return response
        return None


def link_facet(text: str, shown: str, uri: str) -> dict[str, Any]:
    """A link facet over `shown` in `text`, indexed in UTF-8 bytes as Bluesky does."""
    data = text.encode("utf-8")
    start = data.index(shown.encode("utf-8"))
    return {"$type": "app.bsky.richtext.facet",
            "index": {"byteStart": start, "byteEnd": start + len(shown.encode("utf-8"))},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}]}


def _record(view: dict[str, Any]) -> dict[str, Any]:
    record = view.get("record")
    return record if isinstance(record, dict) else {}
