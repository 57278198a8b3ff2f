"""Personal data: raw payloads kept only as long as the retention setting says, and forgetting
an author on request (GDPR erasure).

Both keep the rows. A purged mention stays in its thread, its labels and work state stay for the
dashboard's figures and the audit trail; what the author wrote, the link to it and the platform's
payload go. This is what `listener.deletions.mark_deleted` does for a post deleted on the
platform (repeated here: the core imports nothing of the listener).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import now
from earful.db import writing
from earful.models import Author, CsatSurvey, LabelCorrection, Mention, Note, OutboxReply
from earful.vocab import OutboxStatus
from earful.work.audit import audit
from earful.work.errors import WorkflowError
from earful.work.outbox import mark_cancelled

PRUNE_BATCH = 500
PRUNE_MAX_PER_RUN = 20_000  # a backlog (a first run, a lowered setting) drains over a few runs
# Replies not yet on the platform: withdrawn. One being sent cannot be stopped; one sent stays.
WITHDRAWABLE = (OutboxStatus.QUEUED, OutboxStatus.NEEDS_APPROVAL, OutboxStatus.FAILED)


# --- Retention of raw payloads -------------------------------------------------------------

def prune_batch(session: Session, cutoff: datetime, after_id: int = 0,
                size: int = PRUNE_BATCH) -> tuple[int, int | None]:
    """Erase the raw payload of up to `size` mentions posted before `cutoff`, taken by id after
    `after_id`; return (rows changed, last id seen, or None when nothing is left)."""
    ids = session.scalars(
        select(Mention.id)
        .where(Mention.id > after_id, Mention.created_at < cutoff, Mention.raw.is_not(None))
        .order_by(Mention.id).limit(size)).all()
    if not ids:
        return 0, None
    session.execute(update(Mention).where(Mention.id.in_(ids)).values(raw=None),
                    execution_options={"synchronize_session": False})
    return len(ids), ids[-1]


def prune_raw(session: Session, days: int, at: datetime | None = None, *,
              batch_size: int = PRUNE_BATCH, max_rows: int = PRUNE_MAX_PER_RUN) -> int:
    """Set `Mention.raw` to NULL for mentions posted more than `days` days before `at` (keyset
    by id, at most `max_rows`); text and labels stay. `days` 0 keeps everything. Returns the
    number of mentions changed."""
    if days <= 0:
        return 0
    cutoff = (at or now()) - timedelta(days=days)
    total, after = 0, 0
    while total < max_rows:
        changed, last = prune_batch(session, cutoff, after, min(batch_size, max_rows - total))
        total += changed
        if last is None or changed < batch_size:
            break
        after = last
    return total


def run_prune_raw() -> int:
    """The scheduled job: prune in short transactions, one per batch (never a long write lock)."""
    rt = runtime.current()
    days = rt.settings.listener.raw_retention_days
    if days <= 0:
        return 0
    cutoff = now() - timedelta(days=days)
    total, after = 0, 0
    while total < PRUNE_MAX_PER_RUN:
        with writing(rt.sessions) as session:
            changed, last = prune_batch(session, cutoff, after)
        total += changed
        if last is None or changed < PRUNE_BATCH:
            break
        after = last
    return total


# --- Forgetting an author ------------------------------------------------------------------

@dataclass
class ForgetReport:
    """What `forget_author` did (counts only: the report may be logged or shown)."""

    author_ids: list[int] = field(default_factory=list)
    mentions: int = 0
    corrections_deleted: int = 0
    notes_kept: int = 0
    replies_cancelled: int = 0
    surveys_cleared: int = 0


def normalise_handle(handle: str) -> str:
    """"@Ana", "ana" and " ANA " are one handle."""
    return handle.strip().lstrip("@").strip().casefold()


def find_authors(session: Session, platform: str, handle: str) -> list[Author]:
    """Every author row with this handle on this platform (case-insensitive, @ optional)."""
    wanted = normalise_handle(handle)
    if not wanted:
        return []
    candidates = session.scalars(select(Author).where(
        Author.platform == platform.strip().lower(),
        func.lower(func.ltrim(Author.handle, "@")) == wanted.lower())).all()
    # SQL lower() folds ASCII only on SQLite: confirm in Python for non-ASCII handles.
    return [a for a in candidates if normalise_handle(a.handle) == wanted]


def forget_author(session: Session, platform: str, handle: str,
                  user_id: int | None = None) -> ForgetReport:
    """Erase an author's mentions and personal data, keeping the rows pseudonymised; audited
    with the author's id and the counts, never the handle. Raises WorkflowError when no author
    has that handle."""
    authors = find_authors(session, platform, handle)
    if not authors:
        raise WorkflowError(f"No author with that handle on {platform!r}.")
    report = ForgetReport()
    for author in authors:
        one = _forget_one(session, author, user_id)
        report.author_ids.append(author.id)
        report.mentions += one.mentions
        report.corrections_deleted += one.corrections_deleted
        report.notes_kept += one.notes_kept
        report.replies_cancelled += one.replies_cancelled
        report.surveys_cleared += one.surveys_cleared
    return report


def _forget_one(session: Session, author: Author, user_id: int | None) -> ForgetReport:
    report = ForgetReport(author_ids=[author.id])
    names = [n for n in (author.handle.lstrip("@"), author.display_name) if len(n) >= 2]
    placeholder = f"forgotten-{author.id}"
    mentions = session.scalars(select(Mention).where(Mention.author_id == author.id)).all()
    ids = [m.id for m in mentions]
    for mention in mentions:
        _purge_mention(mention)
    report.mentions = len(ids)
    if ids:
        report.corrections_deleted = _delete_corrections(session, ids)
        report.notes_kept = session.scalar(
            select(func.count()).select_from(Note).where(Note.mention_id.in_(ids))) or 0
        report.replies_cancelled = _withdraw_replies(session, ids, names, placeholder, user_id)
        report.surveys_cleared = _clear_surveys(session, ids)
    _pseudonymise(author, placeholder)
    session.flush()
    audit(session, user_id, "author.forget", "author", author.id, platform=author.platform,
          mentions=report.mentions, corrections_deleted=report.corrections_deleted,
          notes_kept=report.notes_kept, replies_cancelled=report.replies_cancelled,
          surveys_cleared=report.surveys_cleared)
    return report


def _purge_mention(mention: Mention) -> None:
    """Keep the row (threads, figures, audit), drop what the author wrote and where."""
    mention.deleted = True
    mention.deleted_at = mention.deleted_at or now()
    mention.text = ""
    mention.url = ""
    mention.raw = None
    mention.reasons = None  # phrases quoted from the text


def _delete_corrections(session: Session, mention_ids: list[int]) -> int:
    """Label corrections are training data built on the erased text: with the text gone they
    would train on empty strings, and keeping them would keep a derivative of it."""
    result = session.execute(delete(LabelCorrection)
                             .where(LabelCorrection.mention_id.in_(mention_ids)),
                             execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def _withdraw_replies(session: Session, mention_ids: list[int], names: list[str],
                      placeholder: str, user_id: int | None) -> int:
    """Cancel replies to the author not yet on the platform, and take the author's name out of
    every reply's text (a filled placeholder such as "Hi @ana")."""
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)),
                         re.IGNORECASE) if names else None
    cancelled = 0
    for row in session.scalars(select(OutboxReply)
                               .where(OutboxReply.mention_id.in_(mention_ids))).all():
        if row.status in WITHDRAWABLE:
            mark_cancelled(session, row, "the author asked to be forgotten", user_id)
            cancelled += 1
        if pattern is not None:
            row.text = pattern.sub(placeholder, row.text)
    return cancelled


def _clear_surveys(session: Session, mention_ids: list[int]) -> int:
    """A satisfaction comment is the author's own words; the score stays for the figures."""
    surveys = session.scalars(select(CsatSurvey).where(CsatSurvey.mention_id.in_(mention_ids),
                                                       CsatSurvey.comment.is_not(None))).all()
    for survey in surveys:
        survey.comment = None
    return len(surveys)


def _pseudonymise(author: Author, placeholder: str) -> None:
    author.external_id = placeholder
    author.handle = placeholder
    author.display_name = placeholder
    author.followers = None
    author.verified = False
    author.language = None
    author.updated_at = now()
