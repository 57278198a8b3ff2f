"""Posting through the real client libraries against the fakes, the same checks on every platform.

What the responder relies on: a reply lands under the post it answers; every failure arrives as
one of the shared error types (`listener.platforms.base`); a post whose answer was lost
(`accept_then_500`, `accept_then_drop`) is found again by `find_own_post`; nothing is sent for a
text the platform would count too long. Each platform is set up by a `Rig` over its fake's state,
whose control API (`posts_by_brand`, `script_post`, `delete`) is the one the dispatcher tests use.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from mastodon import Mastodon

from earful.clock import FrozenClock
from earful.settings import AccountSettings
from listener.platforms import (
    NotAllowed,
    PlatformError,
    RateLimited,
    TargetGone,
    TextRefused,
    Transient,
)
from listener.platforms.bluesky import BlueskyAdapter
from listener.platforms.bluesky import make_client as bluesky_client
from listener.platforms.mastodon import MastodonAdapter
from listener.platforms.reddit import RedditAdapter, make_reddit
from listener.platforms.x import XAdapter
from listener.platforms.x import make_client as x_client
from tests.integration.fakes import fake_bluesky, fake_mastodon, fake_reddit, fake_x
from tests.integration.fakes.serve import serve_wsgi

PLATFORMS = ["x", "reddit", "mastodon", "bluesky"]
REPLY = "Sorry about that! Please send us a DM with your account number."


@dataclass
class Rig:
    """One platform's adapter, its fake's state, and how to seed a customer's thread there."""

    platform: str
    adapter: Any
    state: Any  # the fake's state: posts_by_brand(), script_post(mode), delete(post_id)
    account: AccountSettings
    customer_post: Callable[[str], str]  # text -> id of a new top-level post
    customer_reply: Callable[[str, str], str]  # (parent id, text) -> id of a reply to it
    request_count: Callable[[], int]

    def thread(self) -> tuple[str, str]:
        """A customer's post and the customer's follow-up reply to it."""
        question = self.customer_post("@brand my bill doubled, why?")
        return question, self.customer_reply(question, "still waiting for an answer")


def _x(base: str, state: fake_x.XState) -> Rig:
    alice = state.add_user("alice")
    credentials = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at",
                   "access_token_secret": "ats"}
    return Rig("x", XAdapter(x_client(credentials, base), own_handles=["LumenMobile"],
                             user_auth=True),
               state, AccountSettings(platform="x", handle="LumenMobile"),
               lambda text: state.add_tweet(text, alice),
               lambda parent, text: state.add_tweet(text, alice, reply_to=parent),
               lambda: len(state.requests))


def _reddit(base: str, state: fake_reddit.RedditState) -> Rig:
    reddit, limits = make_reddit({"client_id": "cid", "client_secret": "secret",
                                  "username": "brandbot", "password": "pw"}, base,
                                 "python:earful-tests:0.1 (by /u/brandbot)")
    return Rig("reddit", RedditAdapter(reddit, limits=limits, own_handles=["brandbot"]),
               state, AccountSettings(platform="reddit", handle="brandbot"),
               lambda text: state.add_post("LumenMobile", text, author="ann"),
               lambda parent, text: state.add_comment(parent, text, author="ann"),
               lambda: len(state.requests))


def _mastodon(base: str, state: fake_mastodon.FakeMastodon) -> Rig:
    customer = fake_mastodon.account("77", "ann@other.example")
    return Rig("mastodon",
               MastodonAdapter(Mastodon(access_token=fake_mastodon.TOKEN, api_base_url=base)),
               state, AccountSettings(platform="mastodon", handle=fake_mastodon.BRAND_ACCT),
               lambda text: state.add_status(text, author=customer)["id"],
               lambda parent, text: state.add_status(text, author=customer,
                                                     in_reply_to_id=parent)["id"],
               lambda: len(state.requests))


def _bluesky(base: str, state: fake_bluesky.FakeBluesky) -> Rig:
    customer = fake_bluesky.author("ann.bsky.social")

    def reply(parent: str, text: str) -> str:
        view = next(p for p in state.posts if p["uri"] == parent)
        return str(state.add_post(text, by=customer, reply_to=view)["uri"])

    adapter = BlueskyAdapter(bluesky_client(base), identifier=fake_bluesky.BRAND_HANDLE,
                             password=fake_bluesky.APP_PASSWORD)
    return Rig("bluesky", adapter, state,
               AccountSettings(platform="bluesky", handle=fake_bluesky.BRAND_HANDLE),
               lambda text: str(state.add_post(text, by=customer)["uri"]), reply,
               lambda: len(state.requests))


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """prawcore and praw sleep on their pacing and rate-limit waits: tests never wait."""
    monkeypatch.setattr(time, "sleep", lambda *_: None)


@pytest.fixture(params=PLATFORMS)
def rig(request: pytest.FixtureRequest, clock: FrozenClock, no_sleep: None) -> Iterator[Rig]:
    platform = request.param
    if platform == "x":
        x_state = fake_x.XState()
        with serve_wsgi(fake_x.create_app(x_state)) as base:
            yield _x(base, x_state)
    elif platform == "reddit":
        reddit_state = fake_reddit.RedditState()
        with serve_wsgi(fake_reddit.create_app(reddit_state)) as base:
            yield _reddit(base, reddit_state)
    elif platform == "mastodon":
        masto = fake_mastodon.FakeMastodon()
        with serve_wsgi(masto.app) as base:
            yield _mastodon(base, masto)
    else:
        bsky = fake_bluesky.FakeBluesky()
        with serve_wsgi(bsky.app) as base:
            yield _bluesky(base, bsky)


# -- threading ---------------------------------------------------------------------------------

def test_a_reply_threads_under_the_post_it_answers(rig: Rig) -> None:
    question, follow_up = rig.thread()
    first = rig.adapter.post(rig.account, REPLY, reply_to=question)
    second = rig.adapter.post(rig.account, "Thanks, we are on it.", reply_to=follow_up)
    posted = rig.state.posts_by_brand()
    assert [(p["id"], p["reply_to"]) for p in posted] == [
        (first.external_id, question), (second.external_id, follow_up)]
    assert posted[0]["text"] == REPLY
    assert first.platform == rig.platform and first.external_id != second.external_id


def test_a_reply_is_found_again_and_nothing_else_is(rig: Rig) -> None:
    question, follow_up = rig.thread()
    assert rig.adapter.find_own_post(rig.account, question, REPLY) is None
    ref = rig.adapter.post(rig.account, REPLY, reply_to=question)
    assert rig.adapter.find_own_post(rig.account, question, REPLY) == ref
    assert rig.adapter.find_own_post(rig.account, follow_up, REPLY) is None  # another parent
    assert rig.adapter.find_own_post(rig.account, question, "Another text") is None


def test_bluesky_replies_carry_the_thread_root_and_the_parent(clock: FrozenClock) -> None:
    state = fake_bluesky.FakeBluesky()
    with serve_wsgi(state.app) as base:
        rig = _bluesky(base, state)
        question, follow_up = rig.thread()
        deeper = rig.customer_reply(follow_up, "hello??")
        to_top = rig.adapter.post(rig.account, "On it.", reply_to=question)
        to_reply = rig.adapter.post(rig.account, "Still on it.", reply_to=deeper)
        to_own = rig.adapter.post(rig.account, "Fixed now.", reply_to=to_reply.external_id)
    posted = {p["id"]: p for p in state.posts_by_brand()}
    assert (posted[to_top.external_id]["reply_to"], posted[to_top.external_id]["root"]) == \
        (question, question)
    assert (posted[to_reply.external_id]["reply_to"], posted[to_reply.external_id]["root"]) == \
        (deeper, question)
    assert (posted[to_own.external_id]["reply_to"], posted[to_own.external_id]["root"]) == \
        (to_reply.external_id, question)
    views = {p["uri"]: p for p in state.posts}
    sent = views[to_reply.external_id]["record"]["reply"]
    # Strong refs: the uri and the cid of exactly the version replied to.
    assert (sent["parent"]["uri"], sent["parent"]["cid"]) == (deeper, views[deeper]["cid"])
    assert (sent["root"]["uri"], sent["root"]["cid"]) == (question, views[question]["cid"])


def test_reddit_replies_to_posts_and_to_comments(clock: FrozenClock, no_sleep: None) -> None:
    state = fake_reddit.RedditState()
    with serve_wsgi(fake_reddit.create_app(state)) as base:
        rig = _reddit(base, state)
        post, comment = rig.thread()
        on_post = rig.adapter.post(rig.account, REPLY, reply_to=post)
        on_comment = rig.adapter.post(rig.account, REPLY + " 2", reply_to=comment)
    assert post.startswith("t3_") and comment.startswith("t1_")
    assert state.things[on_post.external_id]["parent_id"] == post
    assert state.things[on_comment.external_id]["parent_id"] == comment
    assert state.things[on_comment.external_id]["link_id"] == post
    assert on_post.url.startswith("https://www.reddit.com/r/LumenMobile/comments/")


def test_mastodon_sends_the_idempotency_key_it_is_given(clock: FrozenClock) -> None:
    state = fake_mastodon.FakeMastodon()
    with serve_wsgi(state.app) as base:
        rig = _mastodon(base, state)
        question, _ = rig.thread()
        ref = rig.adapter.post(rig.account, REPLY, reply_to=question, idempotency_key="outbox-7")
        again = rig.adapter.post(rig.account, REPLY, reply_to=question,
                                 idempotency_key="outbox-7")
    assert state.idempotency == {"outbox-7": ref.external_id}
    assert again == ref and len(state.posts_by_brand()) == 1  # the instance answered the first


# -- uncertain answers: the post may have gone out --------------------------------------------

@pytest.mark.parametrize("mode", ["accept_then_500", "accept_then_drop"])
def test_a_post_whose_answer_was_lost_is_found_again(rig: Rig, mode: str) -> None:
    question, _ = rig.thread()
    rig.state.script_post(mode)
    with pytest.raises(Transient):
        rig.adapter.post(rig.account, REPLY, reply_to=question)
    posted = rig.state.posts_by_brand()
    assert len(posted) == 1  # created once, never re-sent by the client library
    found = rig.adapter.find_own_post(rig.account, question, REPLY)
    assert found is not None and found.external_id == posted[0]["id"]


def test_a_refused_post_is_not_found(rig: Rig) -> None:
    question, _ = rig.thread()
    rig.state.script_post("500")
    with pytest.raises(Transient):
        rig.adapter.post(rig.account, REPLY, reply_to=question)
    assert rig.state.posts_by_brand() == []
    assert rig.adapter.find_own_post(rig.account, question, REPLY) is None


# -- every refusal as its type ----------------------------------------------------------------

@pytest.mark.parametrize(("mode", "expected", "reason"), [
    ("500", Transient, None),
    ("429", RateLimited, None),
    ("duplicate", TextRefused, "duplicate"),
    ("forbidden", NotAllowed, None),
])
def test_each_scripted_refusal_arrives_as_its_type(rig: Rig, clock: FrozenClock, mode: str,
                                                  expected: type[PlatformError],
                                                  reason: str | None) -> None:
    question, _ = rig.thread()
    if mode not in rig.state.POST_MODES:  # the platform has no such refusal: it posts
        rig.state.script_post(mode)
        ref = rig.adapter.post(rig.account, REPLY, reply_to=question)
        assert [p["id"] for p in rig.state.posts_by_brand()] == [ref.external_id]
        return
    rig.state.script_post(mode)
    with pytest.raises(expected) as caught:
        rig.adapter.post(rig.account, REPLY, reply_to=question)
    assert type(caught.value) is expected
    if reason is not None:
        assert isinstance(caught.value, TextRefused) and caught.value.reason == reason
    if isinstance(caught.value, RateLimited):
        assert caught.value.reset_at == clock.now() + timedelta(seconds=60)
    assert rig.state.posts_by_brand() == []
    # Only the next post was scripted: the one after it goes out.
    assert rig.adapter.post(rig.account, REPLY, reply_to=question).external_id == \
        rig.state.posts_by_brand()[0]["id"]


def test_retryable_only_for_transient_and_rate_limits(rig: Rig) -> None:
    question, _ = rig.thread()
    outcomes = {}
    for mode in ("500", "429", "forbidden"):
        rig.state.script_post(mode)
        with pytest.raises(PlatformError) as caught:
            rig.adapter.post(rig.account, REPLY, reply_to=question)
        outcomes[mode] = caught.value.retryable
    assert outcomes == {"500": True, "429": True, "forbidden": False}


def test_replying_to_a_deleted_post_is_target_gone(rig: Rig) -> None:
    question, follow_up = rig.thread()
    rig.state.delete(follow_up)
    assert rig.adapter.get_post(follow_up) is None
    with pytest.raises(TargetGone):
        rig.adapter.post(rig.account, REPLY, reply_to=follow_up)
    assert rig.state.posts_by_brand() == []
    assert rig.adapter.get_post(question) is not None


def test_a_reply_found_after_its_target_was_deleted(rig: Rig) -> None:
    question, _ = rig.thread()
    rig.state.script_post("accept_then_500")
    with pytest.raises(Transient):
        rig.adapter.post(rig.account, REPLY, reply_to=question)
    rig.state.delete(question)
    found = rig.adapter.find_own_post(rig.account, question, REPLY)
    assert found is not None and found.external_id == rig.state.posts_by_brand()[0]["id"]


# -- length -----------------------------------------------------------------------------------

LIMIT_TEXTS = {
    "x": "Ω" * 280,  # Greek weighs 1: exactly the limit
    "reddit": "r" * 10_000,
    "mastodon": "m" * 470 + " https://lumen.example/" + "a" * 200,  # a URL counts 23
    "bluesky": "👩‍💻" * 300,  # 300 graphemes, 1,500 code points
}
OVER_TEXTS = {
    "x": "你" * 141,  # CJK weighs 2: 282 of 280
    "reddit": "r" * 10_001,
    "mastodon": "m" * 478 + " https://lumen.example/x",
    "bluesky": "é" * 301,
}


def test_an_over_long_text_is_refused_without_a_request(rig: Rig) -> None:
    question, _ = rig.thread()
    before = rig.request_count()
    with pytest.raises(TextRefused) as caught:
        rig.adapter.post(rig.account, OVER_TEXTS[rig.platform], reply_to=question)
    assert caught.value.reason == "too_long" and not caught.value.retryable
    assert f"too long for {rig.platform}" in str(caught.value)
    assert rig.request_count() == before
    assert rig.adapter.post(rig.account, LIMIT_TEXTS[rig.platform], reply_to=question)
    assert rig.state.posts_by_brand()[0]["text"] == LIMIT_TEXTS[rig.platform]
