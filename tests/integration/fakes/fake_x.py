"""A fake X API v2 (the endpoints tweepy.Client calls for Earful), served on 127.0.0.1.

It speaks X's JSON: `data` newest first, `includes.users` for the author_id expansion, `meta` with
newest_id / oldest_id / next_token, since_id and until_id, `note_tweet` for long posts, 429 with
x-rate-limit-* headers, 401 for an expired token, and deleted posts as 200 + resource-not-found.
Tests drive it through `XState`.

Posting control (the same names on every fake's state): `posts_by_brand()`, `script_post(mode)`
(every mode of `ALL_POST_MODES`: X has a duplicate-content refusal), `delete(post_id)`.
Seeding: `add_user(username)` -> user id, `add_tweet(text, author_id, reply_to=...)` -> post id
(a reply chain is a chain of `reply_to`); the brand is `state.brand`. A post created through the
API is stored like any other and also listed by `posts_by_brand()`.
"""

from __future__ import annotations

import itertools
import threading
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

NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


class XState:
    """The fake's in-memory world, and scripted failures."""

    POST_MODES = ALL_POST_MODES

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = itertools.count(1_800_000_000_000_000_000)
        self.users: dict[str, dict[str, Any]] = {}
        self.tweets: dict[str, dict[str, Any]] = {}
        self.junk: list[Any] = []  # malformed items served on the next search page
        self.failures: list[tuple[int, int]] = []  # (requests to let through first, status)
        self.expired = False
        self.oldest_since_id = 0  # recent search refuses since_id older than 7 days
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.brand = self.add_user("LumenMobile", "Lumen Mobile", followers=50_000, verified=True)
        self.created: list[dict[str, Any]] = []  # posts the brand made through the API
        self.post_script = PostScript(self.POST_MODES)

    def add_user(self, username: str, name: str = "", followers: int = 10,
                 verified: bool = False) -> str:
        uid = str(len(self.users) + 1)
        self.users[uid] = {"id": uid, "username": username, "name": name or username,
                           "verified": verified,
                           "public_metrics": {"followers_count": followers,
                                              "following_count": 1, "tweet_count": 5}}
        return uid

    def add_tweet(self, text: str, author_id: str, reply_to: str | None = None,
                  note: str | None = None, lang: str = "en") -> str:
        """Add a post (ids increase with time, like snowflakes); return its id."""
        with self.lock:
            tid = str(next(self.ids))
            conversation = self.tweets[reply_to]["conversation_id"] if reply_to in self.tweets \
                else tid
            self.tweets[tid] = {
                "id": tid, "text": note[:270] + "…" if note else text, "author_id": author_id,
                "created_at": now().strftime("%Y-%m-%dT%H:%M:%S.000Z"), "lang": lang,
                "conversation_id": conversation, "edit_history_tweet_ids": [tid],
                **({"note_tweet": {"text": note}} if note else {}),
                **({"referenced_tweets": [{"type": "replied_to", "id": reply_to}]}
                   if reply_to else {})}
            return tid

    def fail(self, status: int, after: int = 0) -> None:
        """Answer one request with `status`, after letting `after` requests through."""
        self.failures.append((after, status))

    def posts_by_brand(self) -> list[dict[str, Any]]:
        """Every post the brand created through the API, oldest first (deleted ones too)."""
        return [dict(post) for post in self.created]

    def script_post(self, mode: str) -> None:
        """Answer the next POST /2/tweets according to `mode` (see the module docstring)."""
        self.post_script.add(mode)

    def delete(self, post_id: str) -> None:
        """The post is gone: lookups say resource-not-found, replies to it are refused."""
        self.tweets.pop(post_id, None)


def _moment(value: str | None) -> datetime | None:
    """An X timestamp ("2026-01-01T09:00:00.000Z" or without the fraction), or None."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _error(status: int, title: str, detail: str) -> Response:
    response = jsonify(title=title, detail=detail, status=status,
                       type="about:blank")
    response.status_code = status
    return response


def create_app(state: XState) -> Flask:
    """The Flask app serving `state` as X API v2."""
    app = Flask("fake_x")
    serve_invalid_utf8(app)

    @app.before_request
    def _gate() -> Response | None:
        state.requests.append((request.method, request.path, dict(request.args)))
        if not request.headers.get("Authorization"):
            return _error(401, "Unauthorized", "no credentials")
        if state.expired:
            return _error(401, "Unauthorized", "Token expired")
        if state.failures:
            after, status = state.failures[0]
            if after > 0:
                state.failures[0] = (after - 1, status)
                return None
            state.failures.pop(0)
            if status == 429:
                response = _error(429, "Too Many Requests", "Too Many Requests")
                response.headers["x-rate-limit-limit"] = "450"
                response.headers["x-rate-limit-remaining"] = "0"
                reset = now() + timedelta(minutes=15)
                response.headers["x-rate-limit-reset"] = str(int(reset.timestamp()))
                return response
            return _error(status, "Service Unavailable", "try again later")
        return None

    def _item(tweet: dict[str, Any]) -> dict[str, Any]:
        fields = set((request.args.get("tweet.fields") or "").split(","))
        item = {"id": tweet["id"], "text": tweet["text"],
                "edit_history_tweet_ids": tweet["edit_history_tweet_ids"]}
        for name in ("author_id", "created_at", "lang", "conversation_id", "note_tweet",
                     "referenced_tweets"):
            if name in tweet and (name in fields or (name == "author_id" and _expands())):
                item[name] = tweet[name]
        return item

    def _expands() -> bool:
        return "author_id" in (request.args.get("expansions") or "")

    def _includes(items: list[dict[str, Any]]) -> dict[str, Any]:
        if not _expands():
            return {}
        ids = sorted({i["author_id"] for i in items if isinstance(i, dict) and "author_id" in i})
        # A deleted or suspended author is simply missing from includes, as on X.
        return {"users": [_user(state.users[a]) for a in ids if a in state.users]}

    def _user(user: dict[str, Any]) -> dict[str, Any]:
        fields = set((request.args.get("user.fields") or "").split(","))
        return {"id": user["id"], "username": user["username"], "name": user["name"],
                **{k: user[k] for k in ("verified", "public_metrics") if k in fields}}

    def _page(ids: list[str], token_param: str, junk: list[Any] | None = None) -> Response:
        since, until = request.args.get("since_id"), request.args.get("until_id")
        start = _moment(request.args.get("start_time"))
        if start is not None and start < now() - timedelta(days=7):
            return _error(400, "Invalid Request", "start_time must be within the last 7 days")
        ids = sorted((t for t in ids if (not since or int(t) > int(since))
                      and (not until or int(t) < int(until))
                      and (start is None or _moment(state.tweets[t]["created_at"]) >= start)),
                     key=int, reverse=True)
        size = int(request.args.get("max_results", 10))
        if not 5 <= size <= 100:
            return _error(400, "Invalid Request", "max_results must be 5-100")
        start = int(request.args.get(token_param) or 0)
        chunk = ids[start:start + size]
        items: list[Any] = [_item(state.tweets[t]) for t in chunk] + (junk or [])
        body: dict[str, Any] = {"meta": {"result_count": len(items)}}
        if items:
            body["data"] = items
            body["includes"] = _includes(items)
        if chunk:
            body["meta"].update(newest_id=chunk[0], oldest_id=chunk[-1])
        if start + size < len(ids):
            body["meta"]["next_token"] = str(start + size)
        return jsonify(body)

    @app.get("/2/tweets/search/recent")
    def search_recent() -> Response:
        since = request.args.get("since_id")
        if since and int(since) < state.oldest_since_id:
            response = jsonify(
                errors=[{"parameters": {"since_id": [since]},
                         "message": f"Invalid 'since_id':'{since}'. 'since_id' must be a tweet "
                                    "id created after the start of the 7-day window."}],
                title="Invalid Request", detail="One or more parameters to your request was "
                "invalid.", type="https://api.twitter.com/2/problems/invalid-request")
            response.status_code = 400
            return response
        words = [w.strip('"') for w in request.args["query"].lower().split()
                 if not w.startswith("-") and ":" not in w]
        matching = [t for t, tw in state.tweets.items()
                    if all(w in _text(tw).lower() for w in words)]
        junk, state.junk = state.junk, []
        return _page(matching, "next_token", junk)

    @app.get("/2/users/<uid>/mentions")
    def mentions(uid: str) -> Response:
        handle = "@" + state.users[uid]["username"].lower()
        matching = [t for t, tw in state.tweets.items()
                    if handle in _text(tw).lower() and tw["author_id"] != uid]
        return _page(matching, "pagination_token")

    @app.get("/2/users/<uid>/tweets")
    def user_tweets(uid: str) -> Response:
        return _page([t for t, tw in state.tweets.items() if tw["author_id"] == uid],
                     "pagination_token")

    @app.get("/2/users/by/username/<username>")
    def user_by_name(username: str) -> Response:
        for user in state.users.values():
            if user["username"].lower() == username.lower():
                return jsonify(data=_user(user))
        return jsonify(errors=[{"detail": f"Could not find user with username: [{username}].",
                                "title": "Not Found Error", "type": NOT_FOUND}])

    @app.get("/2/tweets/<tid>")
    def get_tweet(tid: str) -> Response:
        if tid not in state.tweets:
            return jsonify(errors=[{"value": tid, "resource_id": tid, "resource_type": "tweet",
                                    "detail": f"Could not find tweet with id: [{tid}].",
                                    "title": "Not Found Error", "parameter": "id",
                                    "type": NOT_FOUND}])
        item = _item(state.tweets[tid])
        return jsonify(data=item, includes=_includes([item]))

    @app.delete("/2/tweets/<tid>")
    def delete_tweet(tid: str) -> Response:
        state.tweets.pop(tid, None)
        return jsonify(data={"deleted": True})

    @app.post("/2/tweets")
    def create_tweet() -> Response:
        body = request.get_json(force=True)
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        mode = state.post_script.take()
        refused = _scripted_refusal(mode)
        if refused is not None:
            return refused
        if reply_to and reply_to not in state.tweets:
            return _error(403, "Forbidden", "You attempted to reply to a Tweet that is deleted "
                          "or not visible to you.")
        # User context (OAuth 1.0a) posts as the brand.
        tid = state.add_tweet(body["text"], state.brand, reply_to=reply_to)
        state.created.append({"id": tid, "text": body["text"], "reply_to": reply_to})
        if mode == "accept_then_500":
            return _error(500, "Internal Server Error", "Internal Server Error")
        if mode == "accept_then_drop":
            return drop_connection()
        response = jsonify(data={"id": tid, "text": body["text"], "edit_history_tweet_ids": [tid]})
        response.status_code = 201
        return response

    def _scripted_refusal(mode: str | None) -> Response | None:
        """The answer to a scripted post that is not created (None: create it)."""
        if mode == "500":
            return _error(500, "Internal Server Error", "Internal Server Error")
        if mode == "429":
            response = _error(429, "Too Many Requests", "Too Many Requests")
            reset = str(int((now() + timedelta(seconds=60)).timestamp()))
            response.headers.update({"x-rate-limit-limit": "200", "x-rate-limit-remaining": "0",
                                     "x-rate-limit-reset": reset})
            return response
        if mode == "duplicate":
            return _error(403, "Forbidden",
                          "You are not allowed to create a Tweet with duplicate content.")
        if mode == "forbidden":
            return _error(403, "Forbidden", "You are not permitted to perform this action.")
        return None

    return app


def _text(tweet: dict[str, Any]) -> str:
    note = tweet.get("note_tweet") or {}
    return str(note.get("text") or tweet["text"])
