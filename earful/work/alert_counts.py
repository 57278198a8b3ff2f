"""Stored mentions counted per bucket for the spike detector (earful.work.spikes).

Counted in SQL with one GROUP BY on a bucket expression, so a fortnight of history is a few
thousand rows, not every mention. Times are stored as naive UTC on both databases.

Every bucket from `since` (aligned down) to `until` is in the result, zeros included: the detector
takes the earliest key as the start of history, so a quiet morning is silence, not "no data".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, select
from sqlalchemy.orm import Session

from earful.clock import as_utc
from earful.models import Mention
from earful.vocab import Status

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def align(moment: datetime, bucket_minutes: int) -> datetime:
    """The start of the bucket holding `moment` (buckets counted from the Unix epoch)."""
    moment = as_utc(moment)
    size = timedelta(minutes=bucket_minutes)
    return EPOCH + ((moment - EPOCH) // size) * size


def _bucket_index(column: Any, dialect: str, bucket_minutes: int) -> ColumnElement[Any]:
    """The bucket number since the epoch, per dialect (naive UTC timestamps)."""
    seconds = bucket_minutes * 60
    if dialect == "postgresql":
        epoch = func.extract("epoch", column)
        return cast(func.floor(epoch / seconds), Integer)
    return cast(func.strftime("%s", column), Integer) / seconds


def _count(session: Session, since: datetime, until: datetime, bucket_minutes: int,
           *where: ColumnElement[bool]) -> dict[datetime, int]:
    start, end = align(since, bucket_minutes), as_utc(until)
    size = timedelta(minutes=bucket_minutes)
    index = _bucket_index(Mention.created_at, session.get_bind().dialect.name,
                          bucket_minutes).label("bucket")
    query = (select(index, func.count())
             .where(Mention.created_at >= start, Mention.created_at < end,
                    Mention.status != Status.OWN.value, Mention.deleted.is_(False), *where)
             .group_by(index))
    counts: dict[datetime, int] = {}
    moment = start
    while moment < end:
        counts[moment] = 0
        moment += size
    for bucket, count in session.execute(query):
        key = EPOCH + int(bucket) * size
        counts[key] = counts.get(key, 0) + int(count)
    return counts


def bucket_counts(session: Session, since: datetime, until: datetime, bucket_minutes: int, *,
                  sentiment: str | None = "negative", complaint: bool | None = None,
                  platform: str | None = None, source_id: int | None = None
                  ) -> dict[datetime, int]:
    """Mentions per bucket in [since, until) matching the filters (own and deleted excluded)."""
    where: list[ColumnElement[bool]] = []
    if sentiment is not None:
        where.append(Mention.sentiment == sentiment)
    if complaint is not None:
        where.append(Mention.complaint.is_(complaint))
    if platform is not None:
        where.append(Mention.platform == platform)
    if source_id is not None:
        where.append(Mention.source_id == source_id)
    return _count(session, since, until, bucket_minutes, *where)


def totals(session: Session, since: datetime, until: datetime, bucket_minutes: int, *,
           platform: str | None = None, source_id: int | None = None) -> dict[datetime, int]:
    """All mentions per bucket (the denominator of the negative share)."""
    return bucket_counts(session, since, until, bucket_minutes, sentiment=None,
                         platform=platform, source_id=source_id)


def stored_series(session: Session, since: datetime, until: datetime, bucket_minutes: int,
                  baseline_days: int, *, sentiment: str | None = "negative",
                  platform: str | None = None) -> list[tuple[datetime, float]]:
    """The bucket series a backtest replays: from `baseline_days` before `since` (so the first
    evaluations already have their history) up to `until`, in time order."""
    start = align(since, bucket_minutes) - timedelta(days=baseline_days)
    counts = bucket_counts(session, start, until, bucket_minutes, sentiment=sentiment,
                           platform=platform)
    return sorted((moment, float(count)) for moment, count in counts.items())
