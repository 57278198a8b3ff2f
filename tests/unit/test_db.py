"""What the engine factory promises on both databases (earful/db.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text, tuple_
from sqlalchemy.orm import Session

from earful.models import Mention, Tag
from earful.runtime import Runtime


def test_nul_is_stored_as_the_replacement_character(rt: Runtime, session: Session) -> None:
    """PostgreSQL's text cannot hold U+0000; both engines store U+FFFD instead, and a lookup
    by the same value (a hostile form field) finds the row instead of failing."""
    session.add(Tag(name="bill\x00ing"))
    session.commit()
    session.execute(insert(Tag), [{"name": "one\x00"}, {"name": "two"}])  # executemany
    session.execute(text("INSERT INTO tags (name) VALUES (:name)"), {"name": "\x00three"})
    session.commit()
    names = session.scalars(select(Tag.name).order_by(Tag.id)).all()
    assert names == ["bill\ufffding", "one\ufffd", "two", "\ufffdthree"]
    assert session.scalar(select(Tag.id).where(Tag.name == "bill\x00ing")) is not None


def test_aware_times_outside_the_column_type_compare_in_utc(rt: Runtime, session: Session) -> None:
    """A row-value comparison binds plain datetimes (not the naive-UTC column type): on
    PostgreSQL they arrive as timestamptz, which the session must read in UTC, whatever the
    server's zone (the test cluster runs in Pacific/Chatham)."""
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    mention = Mention(platform="x", external_id="1", text="hi", created_at=at)
    session.add(mention)
    session.commit()
    chatham = timedelta(hours=13, minutes=45)
    for moment, expected in ((at - timedelta(seconds=1), 1), (at, 0), (at - chatham, 1),
                             (at + timedelta(hours=1), 0)):
        found = session.scalars(select(Mention.id).where(
            tuple_(Mention.created_at, Mention.id) > tuple_(moment, mention.id))).all()
        assert len(found) == expected, moment
