"""What the engine factory promises on both databases (earful/db.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text, tuple_
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from earful.db import make_engine, session_factory, writing
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


def test_one_writer_at_a_time_on_either_engine(database_url: str) -> None:
    """A write transaction waits for the one in progress (at most the busy timeout, then a
    clear error), on PostgreSQL as on SQLite: the rules read, then write, as the only writer."""
    first_engine = make_engine(database_url)
    impatient = make_engine(database_url, busy_timeout_ms=200)
    try:
        with writing(session_factory(first_engine)) as holder:
            holder.add(Tag(name="first"))
            holder.flush()
            with pytest.raises(OperationalError), writing(session_factory(impatient)) as late:
                late.add(Tag(name="second"))
        with writing(session_factory(impatient)) as after:  # free once the first committed
            after.add(Tag(name="second"))
        with session_factory(first_engine)() as reader:
            assert reader.scalars(select(Tag.name).order_by(Tag.id)).all() == ["first", "second"]
    finally:
        first_engine.dispose()
        impatient.dispose()
