"""The outbox dispatcher's exactly-once rules, against an in-memory platform that can fail in
every way the adapters report (the real clients against fake servers: tests/integration)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import AuditLog, Mention, OutboxReply
from earful.runtime import Runtime
from earful.settings import AccountSettings
from earful.work import outbox
from earful.work.replies import queue_reply
from listener.platforms.base import (
    NotAllowed,
    PostRef,
    RateLimited,
    TargetGone,
    TextRefused,
    Transient,
)
from responder import dispatch as dispatcher
from tests.unit.web_console_support import add_mention, add_user


class Platform:
    """An in-memory platform: posts, deletions, and scripted answers to the next posts."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.deleted: set[str] = set()
        self.script: list[str | Exception] = []  # "accept_then_fail" or an error to raise
        self.lock = threading.Lock()

    def get_post(self, external_id: str) -> Any:
        return None if external_id in self.deleted else object()

    def post(self, account: AccountSettings, text: str, reply_to: str | None = None, *,
             idempotency_key: str | None = None) -> PostRef:
        with self.lock:
            step = self.script.pop(0) if self.script else None
            if isinstance(step, Exception):
                raise step
            ident = f"p{len(self.posts) + 1}"
            self.posts.append({"id": ident, "text": text, "reply_to": reply_to})
        if step == "accept_then_fail":
            raise Transient("x: server error (503)")
        return PostRef("x", ident, f"https://x.example/{ident}")

    def find_own_post(self, account: AccountSettings, reply_to: str | None,
                      text: str) -> PostRef | None:
        for post in self.posts:
            if post["reply_to"] == reply_to and post["text"] == text:
                return PostRef("x", post["id"], f"https://x.example/{post['id']}")
        return None


@pytest.fixture
def platform(rt: Runtime, clock: FrozenClock) -> Iterator[Platform]:
    fake = Platform()
    rt.settings.accounts = [AccountSettings(platform="x", handle="LumenMobile")]
    rt.publishers["x"] = fake
    yield fake


def _queue(rt: Runtime, text: str = "Sorry, we are on it.", **fields: Any) -> tuple[int, int]:
    with rt.sessions() as session:
        agent = add_user(session, f"agent{uuid.uuid4().hex[:6]}")
        mention = add_mention(session, **fields)
        row = queue_reply(session, mention, text, str(uuid.uuid4()), agent.id, rt.settings)
        session.commit()
        return row.id, mention.id


def _row(rt: Runtime, row_id: int) -> OutboxReply:
    with rt.sessions() as session:
        row = session.get(OutboxReply, row_id)
        assert row is not None
        session.expunge(row)
        return row


def _mention(rt: Runtime, mention_id: int) -> Mention:
    with rt.sessions() as session:
        mention = session.get(Mention, mention_id)
        assert mention is not None
        session.expunge(mention)
        return mention


def test_a_reply_is_posted_once_and_the_first_response_counts_from_then(
        rt: Runtime, platform: Platform, clock: FrozenClock) -> None:
    row_id, mention_id = _queue(rt)
    assert _mention(rt, mention_id).first_response_at is None  # queued is not answered
    sent_at = clock.advance(minutes=7)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    row = _row(rt, row_id)
    assert (row.status, row.external_id, row.url, row.sent_at) == \
        ("sent", "p1", "https://x.example/p1", sent_at)
    assert _mention(rt, mention_id).first_response_at == sent_at
    assert dispatcher.dispatch(rt).outcomes == {}  # nothing left to send
    assert [p["reply_to"] for p in platform.posts] == [_mention(rt, mention_id).external_id]


def test_accepted_then_an_error_is_found_not_posted_again(rt: Runtime, platform: Platform,
                                                          clock: FrozenClock) -> None:
    row_id, _ = _queue(rt)
    platform.script = ["accept_then_fail"]
    assert dispatcher.dispatch(rt).outcomes == {row_id: "retry"}
    row = _row(rt, row_id)
    assert row.status == "queued" and row.uncertain and "503" in (row.error or "")
    assert dispatcher.dispatch(rt).outcomes == {}  # backing off: not due yet
    clock.advance(seconds=rt.settings.responder.retry_base_seconds)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert len(platform.posts) == 1 and _row(rt, row_id).external_id == "p1"


def test_a_failure_that_did_not_post_is_posted_after_asking(rt: Runtime, platform: Platform,
                                                            clock: FrozenClock) -> None:
    row_id, _ = _queue(rt)
    platform.script = [Transient("x: network or protocol error: connection reset")]
    dispatcher.dispatch(rt)
    clock.advance(hours=1)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert len(platform.posts) == 1


def test_a_crash_between_posting_and_recording_posts_nothing_twice(
        rt: Runtime, platform: Platform, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    row_id, mention_id = _queue(rt)

    def crash(*_args: Any) -> str:
        raise SystemExit("the process died")  # after the platform accepted, before recording

    monkeypatch.setattr(dispatcher, "record", crash)
    with pytest.raises(SystemExit):
        dispatcher.dispatch(rt)
    monkeypatch.undo()
    assert len(platform.posts) == 1 and _row(rt, row_id).status == "sending"
    assert dispatcher.dispatch(rt).outcomes == {}  # its claim is fresh: maybe still sending
    clock.advance(seconds=rt.settings.responder.claim_lease_seconds + 1)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert len(platform.posts) == 1
    assert _row(rt, row_id).external_id == "p1"
    assert _mention(rt, mention_id).first_response_at is not None


def test_two_dispatchers_at_once_post_each_reply_once(rt: Runtime, platform: Platform) -> None:
    ids = {_queue(rt, text=f"Reply number {i}")[0] for i in range(12)}
    rt.settings.responder.batch_size = 5
    results: list[dict[int, str]] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        for _ in range(4):
            results.append(dispatcher.dispatch(rt).outcomes)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [row_id for outcome in results for row_id, kind in outcome.items() if kind == "sent"]
    assert sorted(sent) == sorted(ids)  # every reply once, by one dispatcher or the other
    assert sorted(p["text"] for p in platform.posts) == sorted(f"Reply number {i}"
                                                                for i in range(12))


def test_rate_limited_waits_for_the_reset(rt: Runtime, platform: Platform,
                                          clock: FrozenClock) -> None:
    row_id, _ = _queue(rt)
    reset = now() + timedelta(minutes=15)
    platform.script = [RateLimited(reset)]
    dispatcher.dispatch(rt)
    row = _row(rt, row_id)
    assert (row.status, row.next_attempt_at, row.uncertain) == ("queued", reset, False)
    clock.advance(minutes=14)
    assert dispatcher.dispatch(rt).outcomes == {}
    clock.advance(minutes=1)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}


def test_a_deleted_target_cancels_the_reply_and_purges_the_mention(
        rt: Runtime, platform: Platform) -> None:
    row_id, mention_id = _queue(rt)
    platform.deleted.add(_mention(rt, mention_id).external_id)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "gone"}
    assert _row(rt, row_id).status == "cancelled" and platform.posts == []
    mention = _mention(rt, mention_id)
    assert mention.deleted and mention.text == ""
    other, _ = _queue(rt)
    platform.script = [TargetGone("x: the post replied to was deleted")]
    assert dispatcher.dispatch(rt).outcomes == {other: "gone"}


def test_refusals_fail_with_the_platforms_words_and_the_draft_can_be_sent_again(
        rt: Runtime, platform: Platform, session: Session) -> None:
    row_id, _ = _queue(rt)
    platform.script = [NotAllowed("x: you cannot reply to this conversation")]
    assert dispatcher.dispatch(rt).outcomes == {row_id: "failed"}
    row = _row(rt, row_id)
    assert row.status == "failed" and row.error == "x: you cannot reply to this conversation"
    assert row.text == "Sorry, we are on it."  # the draft is kept
    outbox.retry(session, session.get(OutboxReply, row_id), None)
    session.commit()
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    actions = session.scalars(select(AuditLog.action).where(
        AuditLog.target_type == "outbox")).all()
    assert actions == ["reply.queue", "reply.failed", "reply.retry", "reply.sent"]


def test_a_duplicate_refusal_is_sent_when_the_post_is_ours(rt: Runtime,
                                                           platform: Platform) -> None:
    row_id, mention_id = _queue(rt)
    external = _mention(rt, mention_id).external_id
    platform.posts.append({"id": "p0", "text": "Sorry, we are on it.", "reply_to": external})
    platform.script = [TextRefused("x: duplicate content", reason="duplicate")]
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
    assert _row(rt, row_id).external_id == "p0" and len(platform.posts) == 1


def test_too_long_fails_before_the_platform_is_called(rt: Runtime, platform: Platform) -> None:
    row_id, _ = _queue(rt, text="é" * 281)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "failed"}
    assert "281 of 280" in (_row(rt, row_id).error or "") and platform.posts == []


def test_giving_up_after_the_last_attempt(rt: Runtime, platform: Platform,
                                          clock: FrozenClock) -> None:
    rt.settings.responder.max_attempts = 2
    row_id, _ = _queue(rt)
    platform.script = [Transient("x: server error (500)"), Transient("x: server error (502)")]
    dispatcher.dispatch(rt)
    clock.advance(hours=1)
    dispatcher.dispatch(rt)
    row = _row(rt, row_id)
    assert row.status == "failed" and row.error == "gave up after 2 attempts: x: server error (502)"
    assert row.uncertain  # a retry asks the platform first


def test_never_replies_to_our_own_post_or_without_an_account(rt: Runtime, platform: Platform,
                                                               session: Session) -> None:
    row_id, mention_id = _queue(rt)
    mention = session.get(Mention, mention_id)
    assert mention is not None
    mention.status = "own"  # e.g. the stored post turned out to be the brand's
    session.commit()
    assert dispatcher.dispatch(rt).outcomes == {row_id: "cancelled"}
    other, _ = _queue(rt)
    rt.settings.accounts = []
    assert dispatcher.dispatch(rt).outcomes == {other: "failed"}
    assert "no brand account" in (_row(rt, other).error or "")
    assert platform.posts == []


def test_the_demo_closes_the_loop(rt: Runtime, clock: FrozenClock, session: Session) -> None:
    agent = add_user(session, "demo-agent")
    mention = add_mention(session, platform="demo", external_id="1-3")
    row = queue_reply(session, mention, "Sorry about that!", str(uuid.uuid4()), agent.id,
                      rt.settings)
    session.commit()
    assert dispatcher.dispatch(rt).outcomes == {row.id: "sent"}
    session.expire_all()
    assert session.get(OutboxReply, row.id).external_id.startswith("reply-")  # type: ignore[union-attr]
    assert isinstance(session.get(Mention, mention.id).first_response_at, datetime)  # type: ignore[union-attr]


def test_an_automatic_post_is_not_a_first_response(rt: Runtime, platform: Platform,
                                                    session: Session) -> None:
    mention = add_mention(session)
    row = OutboxReply(idempotency_key=f"ack:{mention.id}:2026-01-05", mention_id=mention.id,
                      platform="x", account_handle="LumenMobile",
                      in_reply_to=mention.external_id, text="We are away until 09:00.")
    session.add(row)
    session.commit()
    assert dispatcher.dispatch(rt).outcomes == {row.id: "sent"}
    session.expire_all()
    assert session.get(Mention, mention.id).first_response_at is None  # type: ignore[union-attr]


def test_rate_limits_never_use_up_the_attempts(rt: Runtime, platform: Platform,
                                               clock: FrozenClock) -> None:
    rt.settings.responder.max_attempts = 2
    row_id, _ = _queue(rt)
    for _ in range(4):
        platform.script = [RateLimited(now() + timedelta(minutes=1))]
        assert dispatcher.dispatch(rt).outcomes == {row_id: "retry"}
        clock.advance(minutes=1)
    assert dispatcher.dispatch(rt).outcomes == {row_id: "sent"}
