"""The Reddit adapter: the real praw client against a local fake Reddit, via the real poll job."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from earful.clock import FrozenClock
from earful.models import Mention, Source
from earful.runtime import Runtime
from earful.settings import AccountSettings, SourceSettings
from listener.jobs import poll
from listener.platforms import reddit as reddit_module
from listener.platforms.reddit import RedditAdapter, make_reddit
from tests.integration.fakes.fake_reddit import RedditState, create_app
from tests.integration.fakes.serve import INVALID_UTF8_MARKER, refusing_url, serve_wsgi

CREDENTIALS = {"client_id": "cid", "client_secret": "secret", "username": "brandbot",
               "password": "pw"}
ACCOUNT = AccountSettings(platform="reddit", handle="brandbot")
NAME = "reddit-brand"


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """prawcore sleeps between retries and for pacing; tests never wait (as praw's own tests)."""
    monkeypatch.setattr(time, "sleep", lambda *_: None)


@pytest.fixture
def fake(clock: FrozenClock) -> Iterator[tuple[RedditState, str]]:
    state = RedditState()
    with serve_wsgi(create_app(state)) as base:
        yield state, base


def _adapter(base: str) -> RedditAdapter:
    reddit, limits = make_reddit(CREDENTIALS, base, "python:earful-tests:0.1 (by /u/brandbot)")
    return RedditAdapter(reddit, limits=limits, own_handles=["brandbot"])


def _source(rt: Runtime, base: str, *, inject: bool = True, **kwargs: Any) -> SourceSettings:
    """Configure a Reddit source in the runtime's settings (and inject the adapter)."""
    options: dict[str, Any] = {"queries": ["lumen"], "subreddits": ["android"],
                               "own_subreddits": ["LumenMobile"], "mentions": True, **kwargs}
    source = SourceSettings(name=NAME, platform="reddit", account="brandbot", **options)
    rt.settings.sources.append(source)
    if inject:
        rt.readers = {NAME: _adapter(base)}
    return source


def _stored(rt: Runtime) -> dict[str, Mention]:
    with rt.sessions() as session:
        rows = session.scalars(select(Mention).where(Mention.platform == "reddit")).unique().all()
        session.expunge_all()
        return {m.external_id: m for m in rows}


def _source_row(rt: Runtime) -> Source:
    with rt.sessions() as session:
        row = session.scalars(select(Source).where(Source.name == NAME)).one()
        session.expunge(row)
        return row


def test_poll_then_repoll_stores_everything_once(rt: Runtime, fake: tuple[RedditState, str],
                                                 clock: FrozenClock) -> None:
    state, base = fake
    searched = {state.add_post("android", f"Lumen keeps dropping calls {i}") for i in range(4)}
    state.add_post("android", "unrelated pixel question")
    state.add_post("iphone", "lumen but in another subreddit")
    own = state.add_post("LumenMobile", "Billing question", "I was charged twice")
    comment = state.add_comment(own, "same here", author="bob")
    mention = state.add_comment(state.add_post("cellular", "carriers?"),
                                "ask u/brandbot about it", author="carol")
    expected = searched | {own, comment, mention}
    _source(rt, base)

    first = poll(NAME)
    assert first.status == "stored" and first.result is not None
    stored = _stored(rt)
    assert set(stored) == expected
    assert stored[comment].parent_id == stored[own].id
    assert stored[comment].conversation_id == own
    # An inbox item has no link_id: the thread comes from its context link.
    assert stored[mention].conversation_id == state.things[mention]["link_id"]
    assert stored[own].text == "Billing question\n\nI was charged twice"
    assert stored[own].url.startswith("https://www.reddit.com/r/LumenMobile/comments/")
    author = stored[comment].author
    assert author is not None and (author.external_id, author.handle) == ("bob", "bob")

    clock.advance(minutes=2)
    again = poll(NAME, force=True)
    assert again.result is not None and again.result.stored == 0
    assert again.result.duplicates == 0  # the overlap is filtered by fullname, not re-sent

    clock.advance(minutes=2)
    newer = state.add_post("android", "lumen 5G down downtown")
    late_reply = state.add_comment(comment, "still broken", author="bob")
    third = poll(NAME, force=True)
    assert third.result is not None and third.result.stored == 2
    assert set(_stored(rt)) == expected | {newer, late_reply}


def test_pagination_over_250_posts(rt: Runtime, fake: tuple[RedditState, str]) -> None:
    state, base = fake
    names = {state.add_post("LumenMobile", f"post {i}") for i in range(260)}
    _source(rt, base, queries=[], mentions=False)

    assert poll(NAME).status == "stored"
    assert set(_stored(rt)) == names
    pages = [r for r in state.requests if r[1].startswith("/r/LumenMobile/new")]
    assert len(pages) == 3 and pages[1][2]["after"] and pages[2][2]["after"]


def test_429_in_the_middle_of_pagination(rt: Runtime, fake: tuple[RedditState, str],
                                         clock: FrozenClock) -> None:
    state, base = fake
    names = {state.add_post("android", f"lumen outage report {i}") for i in range(260)}
    _source(rt, base, own_subreddits=[], mentions=False)
    # The first API request is the search's page 1 (the token request is not an API call).
    state.fail(429, after=1)

    first = poll(NAME)
    assert first.status == "rate_limited"
    assert len(_stored(rt)) == 100
    row = _source_row(rt)
    assert row.rate_limited_until == clock.now() + timedelta(seconds=420)
    assert poll(NAME).status == "waiting"

    clock.advance(minutes=1)
    late = state.add_post("android", "lumen newer while we waited")
    clock.advance(minutes=7)
    assert poll(NAME).status == "stored"
    assert set(_stored(rt)) == names  # the rest of the interrupted run first...
    third = poll(NAME, force=True)
    assert set(_stored(rt)) == names | {late}  # ...then the newer post
    assert third.result is not None and third.result.duplicates == 0


def test_low_allowance_reschedules_instead_of_sleeping(
        rt: Runtime, fake: tuple[RedditState, str], clock: FrozenClock) -> None:
    state, base = fake
    names = {state.add_post("LumenMobile", f"post {i}") for i in range(150)}
    _source(rt, base, queries=[], mentions=False)
    state.ratelimit_remaining = 2.0

    outcome = poll(NAME)
    assert outcome.status == "rate_limited" and len(_stored(rt)) == 100
    state.ratelimit_remaining = 600.0
    clock.advance(minutes=8)
    poll(NAME)
    assert set(_stored(rt)) == names


class _FailOnce:
    """The default model, except that the first batch dies (a process killed mid-poll)."""

    def __init__(self, model: Any) -> None:
        self.model, self.failed = model, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def predict(self, inputs: Any) -> Any:
        if not self.failed:
            self.failed = True
            raise RuntimeError("killed between fetching and storing")
        return self.model.predict(inputs)


def test_killed_between_fetch_and_store(rt: Runtime, fake: tuple[RedditState, str]) -> None:
    state, base = fake
    names = {state.add_post("LumenMobile", f"no signal {i}") for i in range(30)}
    _source(rt, base, queries=[])
    rt.model = _FailOnce(rt.model)

    with pytest.raises(RuntimeError):
        poll(NAME)
    assert _stored(rt) == {} and _source_row(rt).cursor is None

    poll(NAME)
    assert set(_stored(rt)) == names
    poll(NAME, force=True)
    assert len(_stored(rt)) == len(names)


def test_broken_items_are_skipped_and_the_rest_stored(rt: Runtime,
                                                      fake: tuple[RedditState, str]) -> None:
    state, base = fake
    post = state.add_post("LumenMobile", "Outage thread")
    good = {post,
            state.add_comment(post, "no signal 📶😡🔥", author="dan"),
            state.add_comment(post, "الخدمة لا تعمل منذ الصباح", author="rtl_user"),
            state.add_comment(post, "broken \ud800 surrogate \x00 control", author="dan"),
            state.add_comment(post, "y" * 200_000, author="dan"),
            state.add_comment(post, "my account is gone now", author="[deleted]")}
    removed = state.add_comment(post, "[removed]", author="[deleted]")
    state.junk = [
        {"kind": "t1", "data": {"body": "no name or id"}},
        {"kind": "t1", "data": {"name": "t1_zz1", "body": "no created time", "author": "x"}},
        {"kind": "t1", "data": {"name": "t1_zz2", "body": None, "created_utc": 1.0e9 * 2}},
        {"kind": "t5", "data": {"name": "t5_sub"}},
        "not a thing",
        None,
    ]
    _source(rt, base, queries=[], mentions=False)

    outcome = poll(NAME)
    assert outcome.status == "stored" and outcome.result is not None
    stored = _stored(rt)
    assert set(stored) == good and removed not in stored
    assert len(outcome.result.rejected) == 6
    assert all("\ud800" not in m.text and "\x00" not in m.text for m in stored.values())
    assert max(len(m.text) for m in stored.values()) <= rt.settings.listener.max_text_chars
    orphan = [m for m in stored.values() if m.text == "my account is gone now"][0]
    assert orphan.author is not None and orphan.author.handle == "[deleted]"  # as Reddit shows it


def test_own_posts_replies_threads_and_exactly_once(rt: Runtime,
                                                    fake: tuple[RedditState, str]) -> None:
    state, base = fake
    complaint = state.add_post("LumenMobile", "Charged twice", "help u/brandbot", author="ann")
    adapter = _adapter(base)
    text = "Sorry about that! Please send us a private message."

    assert adapter.find_own_post(ACCOUNT, complaint, text) is None
    ref = adapter.post(ACCOUNT, text, reply_to=complaint)
    assert ref.external_id.startswith("t1_") and state.things[ref.external_id]["author"] == \
        "brandbot"
    found = adapter.find_own_post(ACCOUNT, complaint, text)
    assert found is not None and found.external_id == ref.external_id
    assert adapter.find_own_post(ACCOUNT, complaint, "other text") is None
    follow_up = state.add_comment(ref.external_id, "thanks, sent", author="ann")

    update = adapter.post(ACCOUNT, "Outage in Cluj\nWe are on it.")
    assert state.things[update.external_id]["subreddit"] == "u_brandbot"
    assert adapter.find_own_post(ACCOUNT, None, "Outage in Cluj\nWe are on it.") == update

    _source(rt, base, queries=[])
    poll(NAME)
    stored = _stored(rt)
    assert stored[ref.external_id].status == "own"
    assert stored[complaint].status != "own" and stored[follow_up].status != "own"
    assert stored[ref.external_id].parent_id == stored[complaint].id
    assert stored[follow_up].parent_id == stored[ref.external_id].id


def test_get_post_and_deleted_items(fake: tuple[RedditState, str]) -> None:
    state, base = fake
    post = state.add_post("LumenMobile", "Still down?", author="eve")
    comment = state.add_comment(post, "yes", author="eve")
    adapter = _adapter(base)
    record = adapter.get_post(comment)
    assert record is not None and record.text == "yes" and record.parent_external_id == post
    state.delete(comment)
    assert adapter.get_post(comment) is None
    state.things[post]["removed_by_category"] = "moderator"
    assert adapter.get_post(post) is None
    assert adapter.get_post("t3_nosuchthing") is None


def test_expired_tokens_are_renewed_and_outages_back_off(
        rt: Runtime, fake: tuple[RedditState, str], clock: FrozenClock) -> None:
    state, base = fake
    first = state.add_post("LumenMobile", "one")
    _source(rt, base, queries=[], mentions=False)
    assert poll(NAME).status == "stored"

    state.tokens.clear()  # the access token expired: prawcore fetches a new one and goes on
    clock.advance(minutes=5)
    second = state.add_post("LumenMobile", "two")
    assert poll(NAME).status == "stored"
    assert set(_stored(rt)) == {first, second} and len(state.token_grants) == 2

    state.fail(503, times=3)  # prawcore retries twice, then gives up
    clock.advance(minutes=5)
    outcome = poll(NAME)
    assert outcome.status == "failed" and "503" in outcome.message
    row = _source_row(rt)
    assert row.consecutive_failures == 1 and row.next_poll_at is not None
    assert row.next_poll_at > clock.now()

    state.tokens.clear()
    state.revoked = True  # the app's credentials no longer work
    clock.advance(hours=1)
    revoked = poll(NAME)
    assert revoked.status == "failed" and "credentials refused" in revoked.message


def test_from_settings_reads_credentials_from_the_environment(
        rt: Runtime, fake: tuple[RedditState, str], monkeypatch: pytest.MonkeyPatch) -> None:
    state, base = fake
    post = state.add_post("android", "lumen roaming prices")
    names = {"client_id": "EARFUL_TEST_REDDIT_ID", "client_secret": "EARFUL_TEST_REDDIT_SECRET",
             "username": "EARFUL_TEST_REDDIT_USER", "password": "EARFUL_TEST_REDDIT_PASSWORD"}
    for name, variable in names.items():
        monkeypatch.setenv(variable, CREDENTIALS[name])
    _source(rt, base, inject=False, base_url=base, credentials=names)

    assert poll(NAME).status == "stored"
    assert set(_stored(rt)) == {post}
    assert state.token_grants == [("cid", "password")]


def test_link_posts_deleted_accounts_and_entities(rt: Runtime, fake: tuple[RedditState, str],
                                                  clock: FrozenClock) -> None:
    state, base = fake
    link = state.add_post("android", "Lumen outage map", link="https://status.example/outage?a=1")
    orphan = state.add_post("LumenMobile", "Dropped calls", "every evening since Monday",
                            author="gone_user")
    orphan_reply = state.add_comment(orphan, "lumen here too", author="gone_user")
    # What the rich-text editor stores: entities in the markdown itself.
    entities = state.add_comment(orphan, "AT&amp;T &gt; Lumen &#x200B;R&D &copy", author="dan")
    husk = state.add_comment(orphan, "lumen rant", author="erin")
    state.delete(husk)
    state.delete_account("gone_user")
    _source(rt, base)

    assert poll(NAME).status == "stored"
    stored = _stored(rt)
    assert stored[link].text == "Lumen outage map\n\nhttps://status.example/outage?a=1"
    assert stored[link].raw["url"] == "https://status.example/outage?a=1"
    assert stored[link].raw["is_self"] is False
    for kept in (orphan, orphan_reply):
        author = stored[kept].author
        assert author is not None and author.handle == "[deleted]"
    assert stored[orphan].author.id != stored[orphan_reply].author.id  # not one person
    assert stored[orphan].text == "Dropped calls\n\nevery evening since Monday"
    assert stored[entities].text == "AT&T > Lumen \u200bR&D &copy"
    assert husk not in stored  # body and author both gone: nothing left to answer
    api = [r for r in state.requests if r[1] != "/api/v1/access_token"]
    assert all(r[2].get("raw_json") == "1" for r in api)  # else Reddit escapes & < > itself


def test_the_first_poll_reads_back_the_window_across_polls_past_the_page_cap(
        rt: Runtime, fake: tuple[RedditState, str], clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    state, base = fake
    state.add_post("android", "lumen from two days ago")
    clock.advance(hours=30)
    window = {state.add_post("android", f"lumen in the day #{i}") for i in range(250)}
    clock.advance(hours=20)
    monkeypatch.setattr(reddit_module, "MAX_PAGES_PER_STREAM", 2)
    _source(rt, base, own_subreddits=[], mentions=False)
    assert poll(NAME).status == "stored" and len(_stored(rt)) == 200
    clock.advance(minutes=2)
    assert poll(NAME, force=True).status == "stored"
    assert set(_stored(rt)) == window  # resumed where the cap stopped it; nothing older


def test_broken_characters_become_the_replacement_character(
        rt: Runtime, fake: tuple[RedditState, str]) -> None:
    state, base = fake
    lone = state.add_post("android", "lumen lone \udc00 surrogate")
    bad = state.add_post("android", f"lumen bad {INVALID_UTF8_MARKER} bytes")
    _source(rt, base, own_subreddits=[], mentions=False)
    assert poll(NAME).status == "stored"
    stored = _stored(rt)
    assert stored[lone].text == "lumen lone \ufffd surrogate"
    assert "\ufffd" in stored[bad].text and "?" not in stored[bad].text


def test_an_unreachable_server_is_one_plain_line_and_cleared_on_recovery(
        rt: Runtime, fake: tuple[RedditState, str], clock: FrozenClock) -> None:
    state, base = fake
    state.add_post("android", "lumen")
    _source(rt, base, own_subreddits=[], mentions=False)
    dead = refusing_url()
    rt.readers = {NAME: _adapter(dead)}
    assert poll(NAME).status == "failed"
    error = _source_row(rt).last_error or ""
    assert error == f"reddit: cannot reach {dead}/api/v1/access_token: connection refused"
    rt.readers = {NAME: _adapter(base)}
    clock.advance(hours=1)
    assert poll(NAME).status == "stored"
    row = _source_row(rt)
    assert row.last_error is None and row.consecutive_failures == 0
