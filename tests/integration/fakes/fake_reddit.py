"""A fake Reddit (token endpoint + OAuth API) for praw/prawcore, served on 127.0.0.1.

It speaks Reddit's JSON: Listings of t3 (posts) and t1 (comments) things, newest first, paged with
`after` fullnames; search, subreddit new/comments, the username-mention inbox, api/info,
api/comment, api/submit and user histories; x-ratelimit-* headers on every answer, 429, 5xx,
expired tokens (401, which prawcore renews) and revoked credentials. Tests drive it via
`RedditState`.

Posting control (the same names on every fake's state): `posts_by_brand()`, `script_post(mode)`,
`delete(post_id)`. Reddit has no duplicate-content refusal, so `script_post("duplicate")` is a
no-op (`POST_MODES` lists the modes that do something). Seeding: `add_post(subreddit, title)` ->
t3_ fullname, `add_comment(parent_fullname, body)` -> t1_ fullname (a reply chain is a chain of
`add_comment`). Ids are fullnames, as the adapter stores and takes them.
"""

from __future__ import annotations

import base64
import itertools
import threading
from typing import Any

from flask import Flask, Response, jsonify, request

from earful.clock import now
from tests.integration.fakes.serve import (
    ALL_POST_MODES,
    PostScript,
    drop_connection,
    serve_invalid_utf8,
)


class RedditState:
    """The fake's in-memory world, and scripted failures."""

    POST_MODES = ALL_POST_MODES - {"duplicate"}

    def __init__(self, me: str = "brandbot") -> None:
        self.lock = threading.Lock()
        self.me = me
        self.ids = itertools.count(100_000)
        self.order = itertools.count()
        self.things: dict[str, dict[str, Any]] = {}  # fullname -> data (with "_kind")
        self.junk: list[Any] = []  # malformed children served on the next listing
        self.failures: list[tuple[int, int]] = []  # (API requests to let through, status)
        self.tokens: set[str] = set()
        self.token_grants: list[tuple[str, str]] = []
        self.revoked = False
        self.ratelimit_remaining = 600.0
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.created: list[dict[str, Any]] = []  # what the brand posted through the API
        self.post_script = PostScript(self.POST_MODES)

    def _new(self, kind: str, data: dict[str, Any]) -> str:
        with self.lock:
            id36 = _base36(next(self.ids))
            name = f"{kind}_{id36}"
            self.things[name] = {"id": id36, "name": name, "created_utc": now().timestamp(),
                                 "_kind": kind, "_order": next(self.order), **data}
            return name

    def add_post(self, subreddit: str, title: str, selftext: str = "",
                 author: str = "alice", link: str | None = None) -> str:
        """A submission (a link post when `link` is given); returns its fullname."""
        name = self._new("t3", {"title": title, "selftext": selftext, "author": author,
                                "subreddit": subreddit, "num_comments": 0, "score": 1,
                                "is_self": link is None, "removed_by_category": None})
        data = self.things[name]
        data["permalink"] = f"/r/{subreddit}/comments/{data['id']}/x/"
        data["url"] = link or f"https://www.reddit.com{data['permalink']}"
        data["domain"] = link.split("/")[2] if link else f"self.{subreddit}"
        return name

    def add_comment(self, parent: str, body: str, author: str = "alice") -> str:
        """A comment replying to a post or comment fullname; returns its fullname."""
        parent_data = self.things[parent]
        link_id = parent if parent.startswith("t3_") else parent_data["link_id"]
        post = self.things[link_id]
        name = self._new("t1", {"body": body, "author": author, "parent_id": parent,
                                "link_id": link_id, "subreddit": post["subreddit"],
                                "link_title": post["title"], "score": 1})
        data = self.things[name]
        data["permalink"] = f"{post['permalink']}{data['id']}/"
        return name

    def delete(self, name: str) -> None:
        """Deleted by its author: Reddit keeps a husk."""
        data = self.things[name]
        data["author"] = "[deleted]"
        data["body" if name.startswith("t1_") else "selftext"] = "[deleted]"

    def delete_account(self, author: str) -> None:
        """The author deleted their account: their posts stay, shown by "[deleted]"."""
        for data in self.things.values():
            if data.get("author") == author:
                data["author"] = "[deleted]"

    def fail(self, status: int, after: int = 0, times: int = 1) -> None:
        """Answer `times` API requests with `status`, after letting `after` through."""
        self.failures.append((after, status))
        self.failures += [(0, status)] * (times - 1)

    def posts_by_brand(self) -> list[dict[str, Any]]:
        """Every comment or submission the brand made through the API, oldest first."""
        return [dict(post) for post in self.created]

    def script_post(self, mode: str) -> None:
        """Answer the next api/comment or api/submit according to `mode`."""
        self.post_script.add(mode)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """A thing's JSON. Without raw_json=1 Reddit escapes &, < and > in its texts (praw always
    sends it; the escaping is kept so a client that does not is caught)."""
    public = {k: v for k, v in data.items() if not k.startswith("_")}
    if request.args.get("raw_json") != "1":
        for key in ("title", "selftext", "body"):
            if isinstance(public.get(key), str):
                public[key] = public[key].replace("&", "&amp;").replace("<", "&lt;") \
                    .replace(">", "&gt;")
    return public


def create_app(state: RedditState) -> Flask:
    """The Flask app serving `state` as Reddit's www (token) and oauth (API) hosts."""
    app = Flask("fake_reddit")
    serve_invalid_utf8(app)
    app.url_map.strict_slashes = False  # praw mixes "r/x/new" and "api/comment/"

    @app.after_request
    def _ratelimit_headers(response: Response) -> Response:
        response.headers.setdefault("x-ratelimit-remaining", str(state.ratelimit_remaining))
        response.headers.setdefault("x-ratelimit-used", "1")
        response.headers.setdefault("x-ratelimit-reset", "420")
        return response

    @app.before_request
    def _gate() -> Any:
        state.requests.append((request.method, request.path, dict(request.values)))
        if request.path.startswith("/api/v1/access_token"):
            return None
        if request.headers.get("Authorization", "").removeprefix("bearer ") not in state.tokens:
            return jsonify(message="Unauthorized", error=401), 401
        if state.failures:
            after, status = state.failures[0]
            if after > 0:
                state.failures[0] = (after - 1, status)
                return None
            state.failures.pop(0)
            if status == 429:
                response = jsonify(message="Too Many Requests", error=429)
                response.status_code = 429
                return response
            return jsonify(message="Service Unavailable", error=status), status
        return None

    @app.post("/api/v1/access_token")
    def access_token() -> Any:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return jsonify(error="invalid_client"), 401
        if state.revoked:
            return jsonify(error="invalid_grant")
        client_id = base64.b64decode(auth[6:]).decode().partition(":")[0]
        state.token_grants.append((client_id, request.form.get("grant_type", "")))
        token = f"tok-{len(state.token_grants)}"
        state.tokens.add(token)
        return jsonify(access_token=token, token_type="bearer", expires_in=3600, scope="*")

    def _listing(names: list[str], kind_of_child: str = "") -> Response:
        ordered = sorted(names, key=lambda n: (state.things[n]["created_utc"],
                                               state.things[n]["_order"]), reverse=True)
        after = request.args.get("after")
        if after in ordered:
            ordered = ordered[ordered.index(after) + 1:]
        limit = min(int(request.args.get("limit", 25)), 100)
        page = ordered[:limit]
        children: list[Any] = [{"kind": kind_of_child or state.things[n]["_kind"],
                                "data": _public(state.things[n])} for n in page]
        if state.junk:
            children += state.junk
            state.junk = []
        return jsonify(kind="Listing", data={
            "after": page[-1] if len(ordered) > limit else None, "before": None,
            "dist": len(children), "modhash": None, "children": children})

    def _in(subs: str, data: dict[str, Any]) -> bool:
        return subs == "all" or data["subreddit"].lower() in subs.lower().split("+")

    def _search(subs: str) -> Response:
        query = request.args["q"].lower()
        return _listing([n for n, d in state.things.items() if d["_kind"] == "t3"
                         and _in(subs, d)
                         and query in f"{d['title']} {d['selftext']}".lower()])

    @app.get("/r/<subs>/search")
    def search_in(subs: str) -> Response:
        return _search(subs if request.args.get("restrict_sr") else "all")

    @app.get("/search")
    def search_all() -> Response:
        return _search("all")

    @app.get("/r/<subs>/new")
    def new(subs: str) -> Response:
        return _listing([n for n, d in state.things.items()
                         if d["_kind"] == "t3" and _in(subs, d)])

    @app.get("/r/<subs>/comments")
    def comments(subs: str) -> Response:
        return _listing([n for n, d in state.things.items()
                         if d["_kind"] == "t1" and _in(subs, d)])

    @app.get("/message/mentions")
    def mentions() -> Response:
        handle = f"u/{state.me}".lower()
        names = [n for n, d in state.things.items()
                 if d["_kind"] == "t1" and handle in d["body"].lower() and d["author"] != state.me]
        # Inbox items are comments seen from the inbox: a context link instead of link_id.
        saved = {n: dict(state.things[n]) for n in names}
        for name in names:
            data = state.things[name]
            data.update(context=f"{data['permalink']}?context=3", was_comment=True, new=True,
                        type="username_mention")
            data.pop("link_id", None)
        try:
            return _listing(names)
        finally:
            state.things.update(saved)

    @app.get("/api/info")
    def info() -> Response:
        names = [n for n in request.args.get("id", "").split(",") if n in state.things]
        return _listing(names)

    @app.get("/user/<name>/comments")
    def user_comments(name: str) -> Response:
        return _listing([n for n, d in state.things.items()
                         if d["_kind"] == "t1" and d["author"].lower() == name.lower()])

    @app.get("/user/<name>/submitted")
    def user_submitted(name: str) -> Response:
        return _listing([n for n, d in state.things.items()
                         if d["_kind"] == "t3" and d["author"].lower() == name.lower()])

    @app.post("/api/comment")
    def comment() -> Response:
        parent, text = request.form["thing_id"], request.form["text"]
        mode = state.post_script.take()
        refused = _scripted_refusal(mode)
        if refused is not None:
            return refused
        if parent not in state.things or state.things[parent]["author"] == "[deleted]":
            return jsonify(json={"errors": [["DELETED_COMMENT", "that comment was deleted",
                                             "parent"]]})
        name = state.add_comment(parent, text, author=state.me)
        state.created.append({"id": name, "text": text, "reply_to": parent})
        return _accepted(mode) or jsonify(json={"errors": [], "data": {"things": [
            {"kind": "t1", "data": _public(state.things[name])}]}})

    @app.post("/api/submit")
    def submit() -> Response:
        subreddit = request.form["sr"]
        mode = state.post_script.take()
        refused = _scripted_refusal(mode)
        if refused is not None:
            return refused
        title, body = request.form["title"], request.form.get("text", "")
        name = state.add_post(subreddit, title, body, author=state.me)
        state.created.append({"id": name, "text": f"{title}\n{body}" if body else title,
                              "reply_to": None})
        data = state.things[name]
        return _accepted(mode) or jsonify(json={"errors": [], "data": {
            "url": data["url"], "id": data["id"], "name": name}})

    def _scripted_refusal(mode: str | None) -> Response | None:
        if mode == "500":
            return _status(jsonify(message="Internal Server Error", error=500), 500)
        if mode == "429":
            response = _status(jsonify(message="Too Many Requests", error=429), 429)
            # Generous remaining: prawcore would otherwise sleep before the next request.
            response.headers.update({"x-ratelimit-remaining": "100", "x-ratelimit-used": "500",
                                     "x-ratelimit-reset": "60"})
            return response
        if mode == "forbidden":
            return _status(jsonify(message="Forbidden", error=403), 403)
        return None

    def _accepted(mode: str | None) -> Response | None:
        if mode == "accept_then_500":
            return _status(jsonify(message="Internal Server Error", error=500), 500)
        if mode == "accept_then_drop":
            return drop_connection()
        return None

    return app


def _status(response: Response, status: int) -> Response:
    response.status_code = status
    return response
