"""The outbox dispatcher through the real client libraries against the fake platforms.

Counted on the fake: a crash after the platform accepted a reply (connection dropped, 5xx, or
the process dying before the database recorded it) never leads to a second post; two dispatchers
on one outbox post each reply once; 429, a deleted target, a refusal and an over-long reply end
as they should; replies thread under the right post.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from earful.clock import FrozenClock
from earful.models import Mention, OutboxReply, User
from earful.runtime import Runtime
from earful.work.replies import queue_reply
from responder import dispatch as dispatcher
from tests.integration.test_posting import Rig, no_sleep, rig  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.usefixtures("no_sleep")


@pytest.fixture
def wired(rt: Runtime, rig: Rig) -> Rig:  # noqa: F811
    """The runtime posts through the rig's adapter as the rig's brand account."""
    rt.settings.accounts = [rig.account]
    rt.publishers[rig.platform] = rig.adapter
    return rig


def _queue(rt: Runtime, on: Rig, target: str, text: str = "Sorry! We are on it.") -> int:
    with rt.sessions() as session:
        user = session.scalar(select(User).where(User.username == "agent"))
        if user is None:
            user = User(username="agent", password_hash="-", role="agent")
            session.add(user)
            session.flush()
        mention = session.scalar(select(Mention).where(Mention.platform == on.platform,
                                                       Mention.external_id == target))
        if mention is None:
            mention = Mention(platform=on.platform, external_id=target, text="help?",
                              created_at=FrozenClock().now(), complaint=True)
            session.add(mention)
            session.flush()
        row = queue_reply(session, mention, text, str(uuid.uuid4()), user.id, rt.settings)
        session.commit()
        return row.id


def _row(rt: Runtime, row_id: int) -> OutboxReply:
    with rt.sessions() as session:
        row = session.get(OutboxReply, row_id)
        assert row is not None
        session.expunge(row)
        return row


@pytest.mark.parametrize("mode", ["accept_then_drop", "accept_then_500"])
def test_accepted_but_unanswered_is_recorded_not_reposted(rt: Runtime, wired: Rig,
                                                          clock: FrozenClock, mode: str) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question)
    wired.state.script_post(mode)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "retry"}
    assert _row(rt, row_id).uncertain
    clock.advance(seconds=rt.settings.responder.retry_base_seconds)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    posted = wired.state.posts_by_brand()
    assert len(posted) == 1 and _row(rt, row_id).external_id == posted[0]["id"]


def test_a_process_dying_after_the_post_posts_nothing_twice(
        rt: Runtime, wired: Rig, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question)

    def die(*_args: Any) -> str:
        raise SystemExit("killed between the platform's answer and the database write")

    monkeypatch.setattr(dispatcher, "record", die)
    with pytest.raises(SystemExit):
        dispatcher.dispatch(rt)
    monkeypatch.undo()
    assert len(wired.state.posts_by_brand()) == 1
    clock.advance(seconds=rt.settings.responder.claim_lease_seconds + 1)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert len(wired.state.posts_by_brand()) == 1
    assert _row(rt, row_id).external_id == wired.state.posts_by_brand()[0]["id"]


def test_two_dispatchers_post_each_reply_once(rt: Runtime, wired: Rig) -> None:
    targets = [wired.customer_post(f"problem number {i}") for i in range(6)]
    ids = {_queue(rt, wired, target, f"Reply to problem {i}") for i, target in
           enumerate(targets)}
    rt.settings.responder.batch_size = 2
    outcomes: list[dict[int, str]] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        for _ in range(4):
            outcomes.append(dispatcher.dispatch(rt).outcomes)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = sorted(i for outcome in outcomes for i, kind in outcome.items() if kind == "sent")
    assert sent == sorted(ids)
    posted = wired.state.posts_by_brand()
    assert sorted(p["text"] for p in posted) == sorted(f"Reply to problem {i}" for i in range(6))
    assert {p["reply_to"] for p in posted} == set(targets)


def test_rate_limited_then_sent_after_the_reset(rt: Runtime, wired: Rig,
                                                clock: FrozenClock) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question)
    wired.state.script_post("429")
    assert dispatcher.dispatch(rt).outcomes == {row_id: "retry"}
    row = _row(rt, row_id)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60) and not row.uncertain
    assert wired.state.posts_by_brand() == []
    clock.advance(seconds=60)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert len(wired.state.posts_by_brand()) == 1


def test_a_server_error_before_posting_is_retried_once_asked(rt: Runtime, wired: Rig,
                                                             clock: FrozenClock) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question)
    wired.state.script_post("500")
    dispatcher.dispatch(rt)
    clock.advance(hours=1)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert len(wired.state.posts_by_brand()) == 1


def test_a_deleted_target_cancels_the_reply(rt: Runtime, wired: Rig) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question)
    wired.state.delete(question)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "gone"}
    assert _row(rt, row_id).status == "cancelled" and wired.state.posts_by_brand() == []
    with rt.sessions() as session:
        mention = session.scalar(select(Mention).where(Mention.external_id == question))
        assert mention is not None and mention.deleted


def test_a_refusal_fails_with_the_platforms_words(rt: Runtime, wired: Rig) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question)
    wired.state.script_post("forbidden")
    assert dispatcher.dispatch(rt).outcomes == {row_id: "failed"}
    row = _row(rt, row_id)
    assert row.status == "failed" and row.error and wired.platform in row.error.lower()


def test_an_over_long_reply_never_reaches_the_platform(rt: Runtime, wired: Rig) -> None:
    question, _ = wired.thread()
    row_id = _queue(rt, wired, question, "é" * 10_001)
    before = wired.request_count()
    assert dispatcher.dispatch(rt).outcomes == {row_id: "failed"}
    assert "too long" in (_row(rt, row_id).error or "")
    assert wired.request_count() == before


def test_replies_thread_under_the_message_they_answer(rt: Runtime, wired: Rig) -> None:
    question, follow_up = wired.thread()
    first = _queue(rt, wired, question, "Answer to the question")
    second = _queue(rt, wired, follow_up, "Answer to the follow-up")
    assert dispatcher.dispatch(rt).outcomes == {first: "sent", second: "sent"}
    posted = {p["text"]: p for p in wired.state.posts_by_brand()}
    assert posted["Answer to the question"]["reply_to"] == question
    assert posted["Answer to the follow-up"]["reply_to"] == follow_up
    if wired.platform == "bluesky":  # the thread's root, not just the parent
        assert posted["Answer to the follow-up"]["root"] == question
