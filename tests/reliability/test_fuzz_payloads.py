"""Platform payloads fuzzed with hypothesis through the real parsing path never crash a poll.

Each platform's fake serves, beside two good posts, items that hypothesis made from a valid
payload of that platform: fields deleted, retyped (numbers, lists, objects, null, NaN and
infinities), or replaced by huge strings and odd Unicode (lone surrogates, NUL, bidi marks,
combining marks, non-ASCII digits), and wholly junk items. The real client library reads it,
the adapter normalises it, `ingest` stores it, all through the poll job. Every poll must end
"stored" with both good posts stored and nothing stored under an id the platform did not give
(a missing id is not the post "None"); because the fake and the database carry over from one
example to the next, a later example's good posts also prove that no junk item moved the
cursor past them. Examples are derandomised and bounded: the suite's time matters.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask, Response, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mastodon import Mastodon
from sqlalchemy import select

from earful.clock import FrozenClock, now
from earful.models import Mention
from earful.runtime import Runtime
from earful.settings import SourceSettings
from listener.jobs import poll
from listener.platforms.bluesky import BlueskyAdapter
from listener.platforms.bluesky import make_client as bluesky_client
from listener.platforms.mastodon import MastodonAdapter
from listener.platforms.reddit import RedditAdapter, make_reddit
from listener.platforms.x import TWITTER_EPOCH_MS, XAdapter
from listener.platforms.x import make_client as x_client
from listener.records import MAX_ID_CHARS, clean_text
from tests.integration.fakes import fake_bluesky, fake_mastodon, fake_reddit, fake_x
from tests.integration.fakes.serve import serve_wsgi

EXAMPLES = 25
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

ODD = ["", " ", "\x00", "a\x00b", "\ud800", "x\udc00y", "\ud83d", "\u202eevil\u202c",
       "\u200f\u05e9\u05dc\u05d5\u05dd", "e" + "\u0301" * 300, "\ufeff", "\uffff", "🙂" * 50,
       "null", "<script>alert(1)</script>", "javascript:alert(1)", "\\u0000", "%s%n",
       "x" * 100_000, "\n\r\t\x0b\x1b[31m", "at://", "t3_", "t1_\ud800"]
# Values near a valid one, by what the valid one is: what a sloppy or hostile producer sends.
DIGITS = ["²", "١٢٣", "0", "-1", " 12", "9" * 25, "9" * 5000, 2**64, 1.5]
DATES = ["", "yesterday", "2026-13-45T25:61:61Z", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59Z",
         "1970-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "2026-01-05T09:00:00",
         "2026-01-05T09:00:00+14:00", "2026-01-05", "2026-W01", 1767603600, -1, 1e300]
NUMBERS = [0, -1, -(2**70), 2**31, 2**63, 2**64, 10**30, 1e300, -1e300, float("inf"),
           float("-inf"), float("nan"), 1.5, "12", "NaN", True]
odd_text = st.sampled_from(ODD) | st.text(
    st.characters(exclude_categories=()), max_size=40)  # surrogates included
scalars = (st.none() | st.booleans() | odd_text
           | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True))
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(odd_text, inner, max_size=3), max_leaves=6)


POSTS = ("data", "status", "record")  # where a platform's item keeps the post's own fields


def near(value: Any) -> st.SearchStrategy[Any]:
    """Wrong values of the same flavour as `value`: ids, dates, numbers, text."""
    if isinstance(value, bool):
        return st.sampled_from([0, 1, "true", "", None])
    if isinstance(value, int | float):
        return st.sampled_from(NUMBERS + DATES)
    if isinstance(value, str) and value.isdigit():
        return st.sampled_from(DIGITS)
    if isinstance(value, str) and value[:2] == "20" and "T" in value:
        return st.sampled_from(DATES)
    if isinstance(value, str):
        return odd_text
    return junk


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a payload a mutation can hit (keys of objects, items of arrays)."""
    children = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, child in children:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@st.composite
def mutated(draw: st.DrawFn, template: dict[str, Any], keep: tuple[str, ...] = ()) -> Any:
    """A valid payload with fields dropped or replaced by near misses or junk, or junk itself.

    Each field of the item and of the post inside it (ids, dates, text: where parsers trip
    most) is kept, dropped or replaced on its own; then a couple of other nested places.
    """
    if draw(st.integers(0, 9)) == 0:
        return draw(junk)
    item = copy.deepcopy(template)
    for outer in [None, *(k for k in POSTS if isinstance(template.get(k), dict))]:
        fields = item if outer is None else item[outer]
        for key in [k for k in list(fields) if k not in keep and k not in POSTS]:
            choice = draw(st.integers(0, 5))
            if choice == 0:
                fields.pop(key)
            elif choice <= 2:
                fields[key] = draw(near(fields[key]) | near(fields[key]) | junk)
    nested = [p for p in _paths(template) if len(p) > 1 and p[0] not in keep]
    for _ in range(draw(st.integers(0, 2))):
        path = draw(st.sampled_from(nested))
        parent = item
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.integers(0, 3)) == 0 and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(near(parent[path[-1]]) | junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced the way there
    return item


@dataclass
class Rig:
    """One platform's fake, the source that reads it, and how to seed and spoil it."""

    source: SourceSettings
    adapter: Any
    good: Callable[[str], str]  # text -> the external id a good post is stored under
    spoil: Callable[[list[Any]], None]  # junk items served with the next page
    template: Callable[[], tuple[dict[str, Any], tuple[str, ...]]]  # a valid item, fixed keys
    ident: Callable[[dict[str, Any]], str]  # the id a valid item is stored under
    known: set[str] = field(default_factory=set)  # every id a stored mention may have


def _injector(app: Flask, path: str, put: Callable[[Any, list[Any]], None]
              ) -> Callable[[list[Any]], None]:
    """Add junk to the next answer at `path` (after the fake built it, as a proxy could)."""
    pending: list[list[Any]] = []

    @app.after_request
    def inject(response: Response) -> Response:
        if pending and request.path == path and response.status_code == 200:
            body = json.loads(response.get_data())
            put(body, pending.pop())
            response.set_data(json.dumps(body))  # lone surrogates leave as \ud800 escapes
        return response

    return pending.append


def _x_rig(base: str, state: fake_x.XState, spoil: Callable[[list[Any]], None]) -> Rig:
    alice = state.add_user("alice")
    source = SourceSettings(name="fuzz-x", platform="x", account="LumenMobile",
                            queries=["lumen"], mentions=False)
    adapter = XAdapter(x_client({"bearer_token": "t"}, base), own_handles=["LumenMobile"])

    def template() -> tuple[dict[str, Any], tuple[str, ...]]:
        ident = str(next(state.ids))
        user = f"9{ident[-6:]}"
        item = {"id": ident, "text": "lumen outage here too", "author_id": user,
                "created_at": "2026-01-05T08:59:00.000Z", "lang": "en",
                "conversation_id": ident, "edit_history_tweet_ids": [ident],
                "referenced_tweets": [{"type": "replied_to", "id": "1799999999999999999"}],
                "note_tweet": {"text": "lumen outage here too, the long version"},
                "_user": {"id": user, "username": "mallory", "name": "Mallory",
                          "verified": False, "public_metrics": {"followers_count": 12}}}
        return item, ()

    return Rig(source, adapter, lambda text: state.add_tweet(text, alice), spoil, template,
               lambda item: item["id"])


def _x_put(body: Any, items: list[Any]) -> None:
    body.setdefault("data", [])
    users = body.setdefault("includes", {}).setdefault("users", [])
    for item in items:
        user = item.pop("_user", None) if isinstance(item, dict) else None
        body["data"].append(item)
        if user is not None:
            users.append(user)


def _reddit_rig(base: str, state: fake_reddit.RedditState) -> Rig:
    reddit, limits = make_reddit({"client_id": "cid", "client_secret": "secret",
                                  "username": "brandbot", "password": "pw"}, base,
                                 "python:earful-tests:0.1 (by /u/brandbot)")
    source = SourceSettings(name="fuzz-reddit", platform="reddit", account="brandbot",
                            own_subreddits=["LumenMobile"], mentions=False)
    serial = itertools.count(1)

    def template() -> tuple[dict[str, Any], tuple[str, ...]]:
        n = next(serial)
        kind = "t3" if n % 2 else "t1"
        data = {"id": f"fz{n}", "name": f"{kind}_fz{n}", "title": "lumen is down",
                "selftext": "no data since noon", "body": "same here", "author": "mallory",
                "subreddit": "LumenMobile", "created_utc": time_now(),
                "permalink": f"/r/LumenMobile/comments/fz{n}/x/", "parent_id": "t3_abc",
                "link_id": "t3_abc", "is_self": True, "removed_by_category": None,
                "context": f"/r/LumenMobile/comments/abc/x/fz{n}/?context=3", "score": 1}
        return {"kind": kind, "data": data}, ()

    def spoil(items: list[Any]) -> None:
        state.junk = list(items)

    return Rig(source, RedditAdapter(reddit, limits=limits, own_handles=["brandbot"]),
               lambda text: state.add_post("LumenMobile", text, author="ann"), spoil, template,
               lambda item: item["data"]["name"])


def _mastodon_rig(base: str, state: fake_mastodon.FakeMastodon) -> Rig:
    source = SourceSettings(name="fuzz-masto", platform="mastodon", account="lumen",
                            base_url=base, mentions=True)
    customer = fake_mastodon.account("77", "ann@other.example")
    adapter = MastodonAdapter(Mastodon(access_token=fake_mastodon.TOKEN, api_base_url=base))

    def good(text: str) -> str:
        return str(state.add_status(text, author=customer, mention_brand=True)["id"])

    def template() -> tuple[dict[str, Any], tuple[str, ...]]:
        status_id = state.next_id()
        status = {"id": status_id, "created_at": fake_mastodon.iso(time_now_dt()),
                  "content": "<p>@lumen <b>no</b> signal</p>", "spoiler_text": "",
                  "account": fake_mastodon.account("66", "mallory@evil.example"),
                  "in_reply_to_id": None, "language": "en", "visibility": "public",
                  "url": f"https://masto.example/@mallory/{status_id}",
                  "uri": f"https://masto.example/statuses/{status_id}", "reblog": None,
                  "mentions": [], "tags": [], "media_attachments": [], "emojis": []}
        # The notification's own id and type are the server's (pagination reads them).
        return {"type": "mention", "created_at": status["created_at"],
                "account": status["account"], "status": status}, ("type",)

    def spoil(items: list[Any]) -> None:
        for item in items:
            state.add_raw_notification(item if isinstance(item, dict) else {
                "type": "mention", "status": item})

    return Rig(source, adapter, good, spoil, template, lambda item: item["status"]["id"])


def _bluesky_rig(base: str, state: fake_bluesky.FakeBluesky,
                 spoil: Callable[[list[Any]], None]) -> Rig:
    source = SourceSettings(name="fuzz-bsky", platform="bluesky",
                            account=fake_bluesky.BRAND_HANDLE, base_url=base, mentions=True)
    adapter = BlueskyAdapter(bluesky_client(base), identifier=fake_bluesky.BRAND_HANDLE,
                             password=fake_bluesky.APP_PASSWORD)
    customer = fake_bluesky.author("ann.bsky.social")
    serial = itertools.count(1)

    def template() -> tuple[dict[str, Any], tuple[str, ...]]:
        n = next(serial)
        uri = f"at://did:plc:mallory/app.bsky.feed.post/3fz{n:011d}"
        text = "@lumen.bsky.social no signal https://example.com/x"
        return {"uri": uri, "cid": f"bafyfz{n:040d}", "reason": "mention",
                "author": {"did": "did:plc:mallory", "handle": "mallory.bsky.social",
                           "displayName": "Mallory"},
                "record": {"$type": "app.bsky.feed.post", "text": text,
                           "createdAt": fake_bluesky.iso(time_now_dt()), "langs": ["en"],
                           "reply": {"root": {"uri": uri, "cid": "c"},
                                     "parent": {"uri": uri, "cid": "c"}},
                           "facets": [fake_bluesky.link_facet(text, "https://example.com/x",
                                                              "https://example.com/x")]},
                "isRead": False, "indexedAt": fake_bluesky.iso(time_now_dt()),
                "labels": []}, ()

    def good(text: str) -> str:
        return str(state.add_post(text, by=customer, mention_brand=True)["uri"])

    return Rig(source, adapter, good, spoil, template, lambda item: item["uri"])


def time_now_dt() -> datetime:
    return now()  # the test's frozen clock


def time_now() -> float:
    return now().timestamp()


@pytest.fixture(params=["x", "reddit", "mastodon", "bluesky"])
def rig(request: pytest.FixtureRequest, rt: Runtime, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    monkeypatch.setattr(time, "sleep", lambda *_: None)  # prawcore paces itself otherwise
    platform = request.param
    if platform == "x":
        x_state = fake_x.XState()
        app = fake_x.create_app(x_state)
        put = _injector(app, "/2/tweets/search/recent", _x_put)
        with serve_wsgi(app) as base:
            yield _install(rt, _x_rig(base, x_state, put))
    elif platform == "reddit":
        reddit_state = fake_reddit.RedditState()
        with serve_wsgi(fake_reddit.create_app(reddit_state)) as base:
            yield _install(rt, _reddit_rig(base, reddit_state))
    elif platform == "mastodon":
        masto = fake_mastodon.FakeMastodon()
        with serve_wsgi(masto.app) as base:
            yield _install(rt, _mastodon_rig(base, masto))
    else:
        bsky = fake_bluesky.FakeBluesky()
        put = _injector(bsky.app, "/xrpc/app.bsky.notification.listNotifications",
                        lambda body, items: body.setdefault("notifications", []).extend(items))
        with serve_wsgi(bsky.app) as base:
            yield _install(rt, _bluesky_rig(base, bsky, put))


def _install(rt: Runtime, rig: Rig) -> Rig:
    rt.settings.sources = [rig.source]
    rt.readers = {rig.source.name: rig.adapter}
    return rig


def _stored(rt: Runtime, platform: str) -> set[str]:
    with rt.sessions() as session:
        return set(session.scalars(select(Mention.external_id).where(
            Mention.platform == platform)))


@FUZZ
@given(data=st.data())
def test_junk_beside_good_posts_never_crashes_a_poll_and_keeps_the_good_ones(
        rt: Runtime, rig: Rig, clock: FrozenClock, data: st.DataObject) -> None:
    clock.advance(seconds=7)
    template, keep = rig.template()
    items = [data.draw(mutated(template, keep), label="junk")
             for _ in range(data.draw(st.integers(1, 3), label="how many"))]
    good = {rig.good(f"lumen outage, good post {n} {clock.now():%H%M%S}") for n in range(2)}
    rig.known |= good | {rig.ident(template)} | {_offered(rig, item) for item in items}
    rig.spoil(items)
    outcome = poll(rig.source.name, force=True)
    assert outcome.status == "stored", outcome.message
    stored = _stored(rt, rig.source.platform)
    assert good <= stored
    assert stored <= rig.known, f"stored under a made-up id: {sorted(stored - rig.known)!r:.300}"
    with rt.sessions() as session:
        langs = set(session.scalars(select(Mention.lang).distinct()))
    assert all(lang is None or LANGUAGE_TAG.fullmatch(lang) for lang in langs), langs


LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")


def _offered(rig: Rig, item: Any) -> str:
    """The id a junk item itself offers, when it is one (a string or a whole number)."""
    try:
        value = rig.ident(item)
    except (KeyError, IndexError, TypeError):
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return clean_text(str(value), MAX_ID_CHARS).strip()


class Broken:
    """A reader with a bug: it raises what no adapter is meant to."""

    def fetch_mentions(self, source: Any, cursor: Any) -> Any:
        raise ValueError("invalid literal for int() with base 10: '²'")


def test_a_reader_bug_shows_in_health_instead_of_killing_the_job(rt: Runtime) -> None:
    from earful.models import Source

    rt.settings.sources = [SourceSettings(name="buggy", platform="x", queries=["lumen"])]
    rt.readers = {"buggy": Broken()}
    outcome = poll("buggy", force=True)
    assert outcome.status == "failed"
    with rt.sessions() as session:
        row = session.scalars(select(Source).where(Source.name == "buggy")).one()
    assert row.last_error == "unexpected error: invalid literal for int() with base 10: '²'"
    assert row.consecutive_failures == 1 and row.cursor is None


FUTURE = datetime(2060, 1, 1, tzinfo=UTC)  # an X id still fits 64 bits then


def from_the_future(value: Any) -> Any:
    """The payload with every date, timestamp and snowflake id moved to the year 2060."""
    if isinstance(value, dict):
        return {key: from_the_future(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_the_future(item) for item in value]
    if isinstance(value, float) and value > 1e9:  # epoch seconds (Reddit)
        return FUTURE.timestamp()
    if isinstance(value, str) and value.isdigit() and len(value) >= 18:  # an X snowflake
        return str((int(FUTURE.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22)
    if isinstance(value, str) and value[:2] == "20" and "T" in value:
        return FUTURE.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value


def test_an_item_from_the_future_never_carries_the_cursor_past_later_posts(
        rt: Runtime, rig: Rig, clock: FrozenClock) -> None:
    template, _keep = rig.template()
    rig.spoil([from_the_future(template)])
    assert poll(rig.source.name, force=True).status == "stored"
    for _ in range(2):
        clock.advance(minutes=5)
        later = {rig.good(f"lumen still down at {clock.now():%H:%M}")}
        assert poll(rig.source.name, force=True).status == "stored"
        assert later <= _stored(rt, rig.source.platform)
