"""The outbox dispatcher: a scheduled job that posts queued replies exactly once.

Each run claims due rows in one short write transaction (earful.work.outbox.claim_due), then,
per row and with no transaction open (a platform call can take 30 s, and SQLite's write lock
would stall every poller and agent meanwhile), checks and posts it, and records the outcome in
its own short transaction. What to do after a failure is decided from the adapter's error type
(listener.platforms.base), never from its message:

| error | meaning | the row |
| --- | --- | --- |
| TargetGone | the post replied to is deleted | cancelled; the mention marked deleted |
| TextRefused, NotAllowed, AuthError | refused for good | failed: the draft stays, editable |
| TextRefused("duplicate") | it may be ours already | sent if find_own_post finds it |
| RateLimited | not posted | queued again at the reset time |
| Transient, anything else | may have been posted | queued with backoff, `uncertain` |

An `uncertain` row (after a timeout or 5xx, or claimed again after its dispatcher died) is only
posted after `find_own_post` says the platform does not have it.

An incident update is queued without a parent (`in_reply_to` NULL, `incident_update_id` set):
its thread is resolved when it is claimed (`thread_incident_update`). The incident's first row
on the same account posts top-level; a later one replies to the first one's post once that is
sent (the parent is written to the row in the claim's transaction, so a retry asks the platform
about the same reply), waits a few seconds without counting an attempt while the first is still
queued or sending, and posts top-level when the first failed or was cancelled. A row that may
already have gone out (`uncertain`) keeps the parent it was tried with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import now
from earful.db import writing
from earful.models import IncidentUpdate, Mention, OutboxReply
from earful.runtime import Runtime
from earful.vocab import OutboxStatus, Status
from earful.work import outbox
from earful.work.replies import account_settings
from listener.deletions import mark_deleted
from listener.platforms import get_adapter_class, lengths
from listener.platforms.base import (
    AuthError,
    NotAllowed,
    PlatformError,
    PostRef,
    RateLimited,
    TargetGone,
    TextRefused,
    describe_error,
)

log = logging.getLogger(__name__)
REMOVED_TEXTS = ("[removed]", "[deleted]")  # what Reddit leaves of a post it took down
THREAD_WAIT = timedelta(seconds=5)  # an incident update waiting for its thread's first post


@dataclass(frozen=True)
class Claim:
    """What the dispatcher needs of a claimed row, read before the transaction ends."""

    id: int
    platform: str
    account_handle: str
    in_reply_to: str | None
    text: str
    key: str
    uncertain: bool
    attempts: int
    target_own: bool = False
    target_removed: bool = False

    @classmethod
    def of(cls, session: Session, row: OutboxReply) -> Claim:
        mention = session.get(Mention, row.mention_id) if row.mention_id else None
        return cls(row.id, row.platform, row.account_handle, row.in_reply_to, row.text,
                   row.idempotency_key, row.uncertain, row.attempts,
                   target_own=mention is not None and mention.status == Status.OWN,
                   target_removed=mention is not None
                   and mention.text.strip() in REMOVED_TEXTS)


@dataclass(frozen=True)
class Outcome:
    kind: str  # sent | failed | cancelled | gone | retry
    message: str = ""
    ref: PostRef | None = None
    retry_at: datetime | None = None
    uncertain: bool = False


@dataclass
class DispatchReport:
    outcomes: dict[int, str] = field(default_factory=dict)  # outbox id -> outcome kind

    def count(self, kind: str) -> int:
        return sum(1 for k in self.outcomes.values() if k == kind)


def dispatch_outbox() -> DispatchReport:
    """The scheduled job: send what is due on the installed runtime."""
    return dispatch(runtime.current())


def dispatch(rt: Runtime) -> DispatchReport:
    """Claim due rows, post each outside any transaction, record each outcome."""
    config = rt.settings.responder
    token = outbox.new_claim_token()
    with writing(rt.sessions) as session:
        rows = outbox.claim_due(session, token, config.batch_size,
                                timedelta(seconds=config.claim_lease_seconds))
        claims = [Claim.of(session, row) for row in rows if thread_incident_update(session, row)]
    report = DispatchReport()
    for claim in claims:
        result = attempt(rt, claim)
        try:
            with writing(rt.sessions) as session:
                report.outcomes[claim.id] = record(session, rt, claim, result, token)
        except SQLAlchemyError as exc:
            # Locked past the busy timeout, or the disk is full. The row stays `sending`: after
            # the claim's lease it is claimed again as uncertain and asked about on the platform
            # before any new post. Posting the rest now would only leave more such rows.
            log.error("outbox %s: %s on the platform, but the database could not record it "
                      "(%s); this run stops, the row is checked again after the claim's lease",
                      claim.id, result.kind, describe_error(exc))
            raise
    return report


def thread_incident_update(session: Session, row: OutboxReply) -> bool:
    """Place a claimed incident update in its thread (see the module docstring); False when it
    was put back to wait for the thread's first post."""
    if row.incident_update_id is None or row.in_reply_to is not None or row.uncertain:
        return True
    incident_id = session.scalar(select(IncidentUpdate.incident_id).where(
        IncidentUpdate.id == row.incident_update_id))
    first = session.scalar(
        select(OutboxReply).join(IncidentUpdate, OutboxReply.incident_update_id
                                 == IncidentUpdate.id)
        .where(IncidentUpdate.incident_id == incident_id,
               OutboxReply.platform == row.platform,
               OutboxReply.account_handle == row.account_handle)
        .order_by(OutboxReply.id).limit(1))
    if first is None or first.id == row.id:
        return True
    if first.status == OutboxStatus.SENT:
        row.in_reply_to = first.external_id or None
        return True
    if first.status in (OutboxStatus.FAILED, OutboxStatus.CANCELLED):
        return True  # no thread to join: this update starts its own
    outbox.defer(row, now() + THREAD_WAIT)
    return False


def attempt(rt: Runtime, claim: Claim) -> Outcome:
    """Check and post one reply; talks to the platform only (no database work here)."""
    account = account_settings(rt.settings, claim.platform, claim.account_handle)
    if account is None:
        return Outcome("failed", f"no brand account is configured to post on {claim.platform} "
                                 f"as {claim.account_handle or '(none)'}")
    if claim.target_own:
        return Outcome("cancelled", "never replies to the brand's own post")
    if claim.target_removed:
        return Outcome("cancelled", "the post was removed on the platform")
    too_long = lengths.too_long(claim.platform, claim.text)
    if too_long:
        return Outcome("failed", too_long)
    try:
        publisher = publisher_for(rt, claim.platform, account)
        return _post(publisher, account, claim)
    except TargetGone as exc:
        return Outcome("gone", str(exc))
    except (NotAllowed, AuthError) as exc:
        return Outcome("failed", str(exc))
    except TextRefused as exc:
        return Outcome("failed", str(exc))
    except RateLimited as exc:
        return Outcome("retry", str(exc), retry_at=exc.reset_at)
    except PlatformError as exc:
        # A refusal that is neither of the above: definite when not retryable; a retryable one
        # (Transient: 5xx, timeout, dropped connection) may have reached the platform.
        if not exc.retryable:
            return Outcome("failed", str(exc))
        return Outcome("retry", str(exc), uncertain=True)
    except Exception as exc:  # a library bug or an unexpected answer: assume it may have posted
        log.exception("outbox %s: unexpected error while posting", claim.id)
        return Outcome("retry", f"unexpected error: {exc}", uncertain=True)


def _post(publisher: Any, account: Any, claim: Claim) -> Outcome:
    if claim.uncertain:  # the last attempt may have gone out: never post blindly
        found = publisher.find_own_post(account, claim.in_reply_to, claim.text)
        if found is not None:
            return Outcome("sent", "found on the platform after an uncertain attempt", ref=found)
    if claim.in_reply_to and publisher.get_post(claim.in_reply_to) is None:
        return Outcome("gone", "the post was deleted on the platform")
    try:
        ref = publisher.post(account, claim.text, claim.in_reply_to,
                             idempotency_key=claim.key)
    except TextRefused as exc:
        if exc.reason != "duplicate":
            raise
        found = publisher.find_own_post(account, claim.in_reply_to, claim.text)
        if found is None:
            raise
        return Outcome("sent", "the platform already had it", ref=found)
    return Outcome("sent", ref=ref)


_publishers: dict[tuple[str, str], Any] = {}


def publisher_for(rt: Runtime, platform: str, account: Any) -> Any:
    """The adapter that posts as `account`: an injected one (tests), else built once per
    process from settings (a login is reused: Bluesky limits them)."""
    injected = rt.publishers.get(platform)
    if injected is not None:
        return injected
    key = (platform, account.handle)
    if key not in _publishers:
        _publishers[key] = get_adapter_class(platform).from_account(account, rt.settings)
    return _publishers[key]


def record(session: Session, rt: Runtime, claim: Claim, result: Outcome, token: str) -> str:
    """Write the outcome, if the claim is still ours; returns the outcome recorded."""
    row = outbox.still_ours(session, claim.id, token)
    if row is None:
        log.warning("outbox %s: claim lost before recording %s", claim.id, result.kind)
        return "lost"
    config = rt.settings.responder
    if result.kind == "sent" and result.ref is not None:
        outbox.mark_sent(session, row, result.ref.external_id, result.ref.url)
    elif result.kind == "gone":
        mention = session.get(Mention, row.mention_id) if row.mention_id else None
        if mention is not None and not mention.deleted:
            mark_deleted(mention)
        outbox.mark_cancelled(session, row, "the post being replied to was deleted on the "
                                            "platform")
    elif result.kind == "cancelled":
        outbox.mark_cancelled(session, row, result.message)
    elif result.kind == "failed":
        outbox.mark_failed(session, row, result.message)
    elif row.attempts >= config.max_attempts and result.retry_at is None:
        # (A rate limit is not a failed attempt: nothing was sent, the platform said when.)
        row.uncertain = row.uncertain or result.uncertain
        outbox.mark_failed(session, row, f"gave up after {row.attempts} attempts: "
                                         f"{result.message}")
    else:
        retry_at = result.retry_at or now() + outbox.backoff(
            row.attempts, config.retry_base_seconds, config.retry_max_seconds)
        outbox.reschedule(row, retry_at, result.message, uncertain=result.uncertain)
    if result.kind != "retry":
        log.info("outbox %s: %s %s", claim.id, result.kind, result.message)
    return result.kind
