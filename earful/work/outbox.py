"""An outbox row's life: queued -> sending -> sent | failed (or cancelled), exactly once.

The dispatcher (responder/dispatch.py) claims due rows in a short write transaction, talks to
the platform with no transaction open, then records the outcome in another. A row is marked
"sending" (with a claim token and time) *before* the platform is called, so after a crash the
row says a post may have gone out; `uncertain` says the same after a timeout or a 5xx. Such a
row is never posted again before the platform has been asked whether the post exists
(`find_own_post`). Claims use `FOR UPDATE SKIP LOCKED` (PostgreSQL: several dispatchers share
the work; SQLite: the write lock serialises them), and every outcome is written only while the
claim is still ours.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Mention, OutboxReply
from earful.vocab import OutboxStatus
from earful.work.audit import audit
from earful.work.errors import WorkflowError
from earful.work.status import start_work

ERROR_LENGTH = 500
# Automatic posts that are not an answer to the customer: the first-response clock keeps running
# (out-of-hours acknowledgements, satisfaction follow-ups). Their idempotency keys start so.
NOT_AN_ANSWER = ("ack:", "csat:")


def is_answer(idempotency_key: str) -> bool:
    """Does sending this row answer the customer (and so stop the first-response clock)?"""
    return not idempotency_key.startswith(NOT_AN_ANSWER)


def new_claim_token() -> str:
    return secrets.token_hex(8)


def claim_due(session: Session, token: str, limit: int, lease: timedelta) -> list[OutboxReply]:
    """Claim up to `limit` rows to send: queued rows that are due, and "sending" rows whose
    claim is older than `lease` (their dispatcher died). Oldest first."""
    at = now()
    due = or_(
        (OutboxReply.status == OutboxStatus.QUEUED)
        & (OutboxReply.next_attempt_at.is_(None) | (OutboxReply.next_attempt_at <= at)),
        (OutboxReply.status == OutboxStatus.SENDING) & (OutboxReply.claimed_at < at - lease))
    rows = list(session.scalars(
        select(OutboxReply).where(due).order_by(OutboxReply.id).limit(limit)
        .with_for_update(skip_locked=True)))
    for row in rows:
        if row.status == OutboxStatus.SENDING:
            row.uncertain = True  # a dispatcher died holding it: it may have been posted
        row.status = OutboxStatus.SENDING
        row.claim_token, row.claimed_at = token, at
        row.attempts += 1
    return rows


def still_ours(session: Session, row_id: int, token: str) -> OutboxReply | None:
    """The row, locked, if our claim still holds (another dispatcher may have recovered it)."""
    row = session.scalar(select(OutboxReply).where(OutboxReply.id == row_id)
                         .with_for_update())
    if row is None or row.status != OutboxStatus.SENDING or row.claim_token != token:
        return None
    return row


def mark_sent(session: Session, row: OutboxReply, external_id: str, url: str,
              sent_at: datetime | None = None) -> None:
    """Posted: record the platform's id and link; the first response is measured from now."""
    row.status = OutboxStatus.SENT
    row.external_id, row.url = external_id, url
    row.sent_at = sent_at or now()
    row.error, row.uncertain, row.next_attempt_at = None, False, None
    if row.mention_id is not None and is_answer(row.idempotency_key):
        mention = session.get(Mention, row.mention_id)
        if mention is not None and (mention.first_response_at is None
                                    or mention.first_response_at > row.sent_at):
            mention.first_response_at = row.sent_at
    audit(session, None, "reply.sent", "outbox", row.id, mention=row.mention_id,
          external_id=external_id)


def mark_failed(session: Session, row: OutboxReply, error: str) -> None:
    """The platform refused it for good (or we gave up): the draft stays for an edit or retry."""
    row.status = OutboxStatus.FAILED
    row.error = error[:ERROR_LENGTH]
    row.next_attempt_at = None
    audit(session, None, "reply.failed", "outbox", row.id, mention=row.mention_id,
          error=row.error)


def mark_cancelled(session: Session, row: OutboxReply, why: str, user_id: int | None = None
                   ) -> None:
    row.status = OutboxStatus.CANCELLED
    row.error = why[:ERROR_LENGTH]
    row.next_attempt_at = None
    audit(session, user_id, "reply.cancel", "outbox", row.id, mention=row.mention_id, why=why)


def reschedule(row: OutboxReply, at: datetime, error: str, *, uncertain: bool) -> None:
    """Try again at `at`; `uncertain` when the post may have gone out (ask before re-posting)."""
    row.status = OutboxStatus.QUEUED
    row.next_attempt_at = at
    row.error = error[:ERROR_LENGTH]
    row.uncertain = row.uncertain or uncertain
    row.claim_token = None


def defer(row: OutboxReply, at: datetime) -> None:
    """Put a claimed row back for `at` without counting an attempt: it was not tried (an
    incident update waiting for the first post of its thread)."""
    row.status = OutboxStatus.QUEUED
    row.next_attempt_at = at
    row.claim_token = None
    row.attempts = max(0, row.attempts - 1)


def backoff(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """Exponential: base, 2*base, 4*base ... capped."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def retry(session: Session, row: OutboxReply, user_id: int | None) -> None:
    """Send a failed reply again (still asking the platform first if it may have gone out)."""
    if row.status != OutboxStatus.FAILED:
        raise WorkflowError(f"Only a failed reply can be retried (this one is {row.status}).")
    row.status = OutboxStatus.QUEUED
    row.next_attempt_at = None
    row.attempts = 0
    audit(session, user_id, "reply.retry", "outbox", row.id, mention=row.mention_id)


def cancel(session: Session, row: OutboxReply, user_id: int | None) -> None:
    """Withdraw a reply that has not gone out. One being sent right now cannot be stopped."""
    if row.status not in (OutboxStatus.QUEUED, OutboxStatus.FAILED,
                          OutboxStatus.NEEDS_APPROVAL):
        raise WorkflowError(f"A reply that is {row.status} cannot be cancelled.")
    if row.uncertain:
        raise WorkflowError("This reply may already be on the platform (the last attempt did "
                            "not get an answer); let the dispatcher check before cancelling.")
    mark_cancelled(session, row, "cancelled by staff", user_id)


def requeue_edited(session: Session, row: OutboxReply, text: str, key: str,
                   user_id: int) -> OutboxReply:
    """A failed reply, edited: a new queued row (the old one stays as history, cancelled)."""
    if row.status != OutboxStatus.FAILED or row.uncertain:
        raise WorkflowError("Only a failed reply that never reached the platform can be edited.")
    if not text.strip():
        raise WorkflowError("Write a reply first.")
    new = OutboxReply(idempotency_key=key, mention_id=row.mention_id, platform=row.platform,
                      account_handle=row.account_handle, in_reply_to=row.in_reply_to,
                      text=text, status=OutboxStatus.QUEUED, created_by=user_id)
    session.add(new)
    session.flush()
    mark_cancelled(session, row, f"replaced by edited reply #{new.id}", user_id)
    audit(session, user_id, "reply.queue", "outbox", new.id, mention=row.mention_id,
          replaces=row.id)
    mention = session.get(Mention, row.mention_id) if row.mention_id else None
    if mention is not None:
        start_work(session, mention, user_id, "reply queued")
    return new


def listing(session: Session, statuses: Sequence[str] = (), limit: int = 100
            ) -> list[OutboxReply]:
    """The newest outbox rows, optionally in some states (for the CLI and the console)."""
    query = select(OutboxReply).order_by(OutboxReply.id.desc()).limit(limit)
    if statuses:
        query = query.where(OutboxReply.status.in_(list(statuses)))
    return list(session.scalars(query))
