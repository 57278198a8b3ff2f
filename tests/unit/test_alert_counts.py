"""Stored mentions counted per bucket in SQL for the spike detector."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from earful.work.alert_counts import align, bucket_counts, stored_series, totals
from tests.unit.web_console_support import add_mention

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_bucket_counts_groups_negative_mentions_by_aligned_bucket(session: Session) -> None:
    add_mention(session, created_at=T0 + timedelta(minutes=1))
    add_mention(session, created_at=T0 + timedelta(minutes=4, seconds=59, microseconds=5))
    add_mention(session, created_at=T0 + timedelta(minutes=7))
    add_mention(session, created_at=T0 + timedelta(minutes=8), sentiment="positive")
    add_mention(session, created_at=T0 + timedelta(minutes=9), status="own")
    add_mention(session, created_at=T0 + timedelta(minutes=9), deleted=True)
    add_mention(session, created_at=T0 + timedelta(minutes=30))  # after `until`
    counts = bucket_counts(session, T0, T0 + timedelta(minutes=15), 5)
    assert counts == {T0: 2, T0 + timedelta(minutes=5): 1, T0 + timedelta(minutes=10): 0}
    assert all(key.tzinfo is not None for key in counts)
    assert totals(session, T0, T0 + timedelta(minutes=15), 5)[T0 + timedelta(minutes=5)] == 2


def test_bucket_counts_filters(session: Session) -> None:
    add_mention(session, created_at=T0, platform="reddit", complaint=False)
    add_mention(session, created_at=T0, platform="x", complaint=True)
    until = T0 + timedelta(minutes=5)
    assert bucket_counts(session, T0, until, 5, platform="reddit") == {T0: 1}
    assert bucket_counts(session, T0, until, 5, complaint=True) == {T0: 1}
    assert bucket_counts(session, T0, until, 5, sentiment=None, complaint=False) == {T0: 1}
    assert bucket_counts(session, T0, until, 5, source_id=99) == {T0: 0}


def test_since_is_aligned_and_the_series_reaches_back_for_its_baseline(session: Session) -> None:
    add_mention(session, created_at=T0 - timedelta(days=1, minutes=-2))
    since = T0 + timedelta(minutes=3)
    assert align(since, 5) == T0
    series = stored_series(session, since, T0 + timedelta(minutes=10), 5, 1)
    assert series[0][0] == T0 - timedelta(days=1) and series[0][1] == 1.0
    assert len(series) == 288 + 2
    assert [t for t, _ in series] == sorted(t for t, _ in series)
