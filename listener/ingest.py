"""The one ingest path: normalised records in, classified and stored exactly once.

The demo source, `earful import` and every platform adapter's poll call `ingest`. It does not
commit: the caller commits it together with the source's cursor, so a crash between fetching and
committing loses nothing (the cursor did not move) and duplicates nothing (insert-or-ignore on
platform + external id).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from classifier import Labels, Model, TextInput
from earful.clock import now
from earful.models import Author, Mention, OutboxReply
from earful.sla import SlaPolicy, needs_answer
from earful.vocab import URGENCY_RANK, Status
from earful.work.outbox import NOT_AN_ANSWER
from listener.records import InvalidRecord, MentionRecord

log = logging.getLogger(__name__)
REPEAT_WINDOW = timedelta(hours=24)


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (external id, reason)
    stored_ids: list[int] = field(default_factory=list)

    def merge(self, other: IngestResult) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.stored_ids += other.stored_ids


def ingest(session: Session, records: Iterable[MentionRecord], *, model: Model,
           sla: SlaPolicy | None = None, source_id: int | None = None,
           max_text_chars: int = 10000) -> IngestResult:
    """Validate, classify and insert-or-ignore `records`; the caller commits."""
    result = IngestResult()
    valid = _validate(records, max_text_chars, result)
    fresh = _drop_known(session, valid, result)
    if not fresh:
        return result
    author_ids = _upsert_authors(session, fresh)
    contacts = _recent_contacts(session, fresh, author_ids)
    labels = model.predict([
        TextInput(text=r.text, lang=r.lang,
                  author_followers=r.author.followers if r.author else None,
                  recent_contacts=contacts.get(_author_key(r), 0))
        for r in fresh])
    rows = [_row(r, lab, author_ids, source_id, sla, model.version) for r, lab in zip(
        fresh, labels, strict=True)]
    _insert_ignore(session, rows)
    ids = _ids_of(session, fresh)
    result.stored_ids = ids
    result.stored = len(ids)
    result.duplicates += len(fresh) - len(ids)
    _link_threads(session, fresh)
    _mark_answered(session, fresh)
    return result


def _validate(records: Iterable[MentionRecord], limit: int, result: IngestResult
              ) -> list[MentionRecord]:
    seen: set[tuple[str, str]] = set()
    valid = []
    for record in records:
        try:
            clean = record.validated(limit)
        except (InvalidRecord, AttributeError, TypeError, ValueError, OverflowError) as exc:
            ident = str(getattr(record, "external_id", "?"))[:80]
            log.warning("skipping invalid mention %s: %s", ident, exc)
            result.rejected.append((ident, str(exc)))
            continue
        key = (clean.platform, clean.external_id)
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        valid.append(clean)
    return valid


def _drop_known(session: Session, records: list[MentionRecord], result: IngestResult
                ) -> list[MentionRecord]:
    """Skip what is already stored before spending time classifying it."""
    if not records:
        return []
    known = set()
    for chunk in _chunks(records, 400):
        keys = [(r.platform, r.external_id) for r in chunk]
        known |= set(session.execute(
            select(Mention.platform, Mention.external_id)
            .where(tuple_(Mention.platform, Mention.external_id).in_(keys))).all())
    fresh = [r for r in records if (r.platform, r.external_id) not in known]
    result.duplicates += len(records) - len(fresh)
    return fresh


def _author_key(record: MentionRecord) -> tuple[str, str] | None:
    return (record.platform, record.author.external_id) if record.author else None


def _upsert_authors(session: Session, records: list[MentionRecord]) -> dict[tuple[str, str], int]:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        if r.author is None:
            continue
        latest[(r.platform, r.author.external_id)] = {
            "platform": r.platform, "external_id": r.author.external_id,
            "handle": r.author.handle, "display_name": r.author.display_name,
            "followers": r.author.followers, "verified": r.author.verified,
            "language": r.author.language, "updated_at": now()}
    if not latest:
        return {}
    insert = _dialect_insert(session)
    statement = insert(Author.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        set_={name: statement.excluded[name] for name in
              ("handle", "display_name", "followers", "verified", "updated_at")})
    session.execute(statement, list(latest.values()))  # executemany: cheap to compile
    ids: dict[tuple[str, str], int] = {}
    for chunk in _chunks(list(latest), 400):
        for platform, external_id, author_id in session.execute(
                select(Author.platform, Author.external_id, Author.id)
                .where(tuple_(Author.platform, Author.external_id).in_(chunk))):
            ids[(platform, external_id)] = author_id
    return ids


def _recent_contacts(session: Session, records: list[MentionRecord],
                     author_ids: dict[tuple[str, str], int]) -> dict[tuple[str, str] | None, int]:
    """How many earlier unanswered posts each author made in the last 24 hours."""
    if not author_ids:
        return {}
    since = now() - REPEAT_WINDOW
    by_id = {author_id: key for key, author_id in author_ids.items()}
    counts: dict[tuple[str, str] | None, int] = {}
    for chunk in _chunks(list(by_id), 400):
        for author_id, count in session.execute(
                select(Mention.author_id, func.count()).where(
                    Mention.author_id.in_(chunk), Mention.created_at >= since,
                    Mention.first_response_at.is_(None), Mention.status != Status.OWN)
                .group_by(Mention.author_id)):
            counts[by_id[author_id]] = count
    return counts


def _row(record: MentionRecord, labels: Labels, author_ids: dict[tuple[str, str], int],
         source_id: int | None, sla: SlaPolicy | None, version: str) -> dict[str, Any]:
    due = None
    if sla is not None and not record.is_own and needs_answer(labels.complaint, labels.urgency):
        due = sla.first_response_due(record.created_at, labels.urgency)
    key = _author_key(record)
    return {
        "platform": record.platform, "external_id": record.external_id,
        "source_id": source_id, "url": record.url, "text": record.text,
        "lang": labels.lang, "created_at": record.created_at, "fetched_at": now(),
        "author_id": author_ids.get(key) if key else None,
        "conversation_id": record.conversation_id,
        "parent_external_id": record.parent_external_id, "raw": record.raw,
        "sentiment": labels.sentiment, "sentiment_scores": labels.sentiment_scores,
        "complaint": labels.complaint, "complaint_score": labels.complaint_score,
        "urgency": labels.urgency, "urgency_rank": URGENCY_RANK[labels.urgency],
        "urgency_score": labels.urgency_score, "reasons": labels.reasons,
        "reason_codes": labels.reason_codes, "classifier_version": version,
        "status": Status.OWN.value if record.is_own else Status.NEW.value,
        "sla_due_at": due, "deleted": False,
    }


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> None:
    """One executemany: far cheaper to compile than a multi-row VALUES statement."""
    insert = _dialect_insert(session)
    statement = insert(Mention.__table__).on_conflict_do_nothing(
        index_elements=["platform", "external_id"])
    session.execute(statement, rows)


def _ids_of(session: Session, records: list[MentionRecord]) -> list[int]:
    ids: list[int] = []
    for chunk in _chunks(records, 400):
        keys = [(r.platform, r.external_id) for r in chunk]
        ids += session.scalars(select(Mention.id).where(
            tuple_(Mention.platform, Mention.external_id).in_(keys))).all()
    return ids


def _link_threads(session: Session, records: list[MentionRecord]) -> None:
    """Point replies at their parents, whichever of the two arrived first."""
    table = Mention.__table__
    parent = table.alias("parent")
    parent_id = select(parent.c.id).where(
        parent.c.platform == table.c.platform,
        parent.c.external_id == table.c.parent_external_id).scalar_subquery()
    for platform in {r.platform for r in records}:
        batch = [r for r in records if r.platform == platform]
        children = [r.external_id for r in batch if r.parent_external_id]
        for chunk in _chunks(children, 400):  # new replies whose parent may be stored
            session.execute(update(table).where(
                table.c.platform == platform, table.c.external_id.in_(chunk),
                table.c.parent_id.is_(None)).values(parent_id=parent_id))
        for chunk in _chunks([r.external_id for r in batch], 400):  # orphans of new parents
            session.execute(update(table).where(
                table.c.platform == platform, table.c.parent_external_id.in_(chunk),
                table.c.parent_id.is_(None)).values(parent_id=parent_id))


def _mark_answered(session: Session, records: list[MentionRecord]) -> None:
    """Our own reply, however it was posted, stops the first-response clock of what it answers."""
    for record in records:
        if record.is_own and record.parent_external_id:
            # An automatic post we sent (acknowledgement, survey) is not an answer.
            automatic = select(OutboxReply.id).where(
                OutboxReply.platform == record.platform,
                OutboxReply.external_id == record.external_id,
                or_(*(OutboxReply.idempotency_key.startswith(p) for p in NOT_AN_ANSWER)))
            session.execute(update(Mention).where(
                Mention.platform == record.platform,
                Mention.external_id == record.parent_external_id,
                Mention.first_response_at.is_(None), ~automatic.exists())
                .values(first_response_at=record.created_at))


def _dialect_insert(session: Session) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise RuntimeError(f"unsupported database dialect {name!r} (use SQLite or PostgreSQL)")


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
