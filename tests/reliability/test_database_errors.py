"""SQLite "database is locked" and "database or disk is full" during a poll and a dispatch.

A lock is another connection holding the write lock past the busy timeout (made short here,
50 ms, so nothing waits long); a full disk is `PRAGMA max_page_count` capping the file a few
pages above its size. Neither may drop anything silently: the poll's cursor stays where it was,
the error shows in the source's health when the database can still record it and in the job's
log always, and the next poll stores every item once; a reply the platform accepted but the
database could not record is found again (not posted twice) once the claim's lease runs out.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError

from earful import runtime
from earful.clock import FrozenClock
from earful.db import make_engine, session_factory, writing
from earful.models import Mention, OutboxReply, Source, User
from earful.runtime import Runtime
from earful.vocab import OutboxStatus
from earful.work.audit import audit
from earful.work.replies import queue_reply
from listener.jobs import poll
from responder.dispatch import dispatch
from tests.integration.fakes.fake_x import XState, create_app
from tests.integration.fakes.serve import serve_wsgi
from tests.reliability.driver import SOURCE, x_account, x_adapter, x_source

BUSY_MS = 50
UNLIMITED_PAGES = 1_073_741_823
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@dataclass
class Database:
    """The test's SQLite file, a page cap for new connections, and a rival writer."""

    path: Path
    engine: Engine | None = None
    max_pages: int | None = None
    rival: sqlite3.Connection | None = None

    def lock(self) -> None:
        """Another process's transaction holds the write lock (until `unlock`)."""
        self.rival = sqlite3.connect(self.path, isolation_level=None)
        self.rival.execute("BEGIN IMMEDIATE")

    def unlock(self) -> None:
        if self.rival is not None:
            self.rival.rollback()
            self.rival.close()
            self.rival = None

    def fill_up(self, spare_pages: int = 1) -> None:
        """The disk is full a page or so above the file's size (for connections made now)."""
        with sqlite3.connect(self.path) as probe:
            (pages,) = probe.execute("PRAGMA page_count").fetchone()
        self.max_pages = pages + spare_pages
        assert self.engine is not None
        self.engine.dispose()

    def fill_to_the_brim(self, rt: Runtime) -> None:
        """Full, the audit log's last pages too: the next audit entry finds no room."""
        self.fill_up(spare_pages=0)
        for _ in range(5000):
            try:
                with writing(rt.sessions) as session:
                    audit(session, None, "test.filler", "test", 0, pad="x" * 40)
            except OperationalError:
                return
        raise AssertionError("the page cap never filled up")

    def free(self) -> None:
        self.max_pages = None
        assert self.engine is not None
        self.engine.dispose()


@pytest.fixture
def db(rt: Runtime) -> Iterator[Database]:
    """The SQLite file of `rt`, reopened with a 50 ms busy timeout and a page cap to set."""
    database = Database(Path(str(rt.engine.url.database)))
    engine = make_engine(f"sqlite:///{database.path}", busy_timeout_ms=BUSY_MS)

    @event.listens_for(engine, "connect")
    def cap(dbapi_connection: Any, _record: Any) -> None:
        pages = UNLIMITED_PAGES if database.max_pages is None else database.max_pages
        dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages)}")

    database.engine = engine
    rt.engine, rt.sessions = engine, session_factory(engine)
    runtime.install(rt)
    yield database
    database.unlock()
    engine.dispose()


@pytest.fixture
def fake(clock: FrozenClock) -> Iterator[tuple[XState, str]]:
    state = XState()
    with serve_wsgi(create_app(state)) as base:
        yield state, base


class AfterFetch:
    """The real adapter, with `then()` run once a fetch returned (the database fails then)."""

    def __init__(self, adapter: Any, then: Callable[[], None]) -> None:
        self.adapter, self.then = adapter, then

    def fetch_mentions(self, source: Any, cursor: Any) -> Any:
        fetched = self.adapter.fetch_mentions(source, cursor)
        self.then()
        return fetched


class AfterPost:
    """The real adapter, with `then()` run after its first post was accepted."""

    def __init__(self, adapter: Any, then: Callable[[], None]) -> None:
        self.adapter, self.then, self.posts = adapter, then, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.adapter, name)

    def post(self, *args: Any, **kwargs: Any) -> Any:
        ref = self.adapter.post(*args, **kwargs)
        self.posts += 1
        if self.posts == 1:
            self.then()
        return ref


def _source_row(rt: Runtime) -> Source:
    with rt.sessions() as session:
        row = session.scalars(select(Source).where(Source.name == SOURCE)).one()
        session.expunge(row)
        return row


def _stored(rt: Runtime) -> list[str]:
    with rt.sessions() as session:
        return list(session.scalars(select(Mention.external_id).where(Mention.platform == "x")))


def _seed_poll(rt: Runtime, state: XState) -> set[str]:
    alice = state.add_user("alice")
    rt.settings.sources = [x_source()]
    return {state.add_tweet(f"lumen roaming broken, day {i}", alice) for i in range(30)}


@SQLITE_ONLY
def test_a_poll_that_finds_the_database_locked_stores_everything_next_time(
        rt: Runtime, db: Database, fake: tuple[XState, str],
        caplog: pytest.LogCaptureFixture) -> None:
    state, base = fake
    tweets = _seed_poll(rt, state)
    rt.readers = {SOURCE: AfterFetch(x_adapter(base), db.lock)}
    with pytest.raises(OperationalError, match="database is locked"):
        poll(SOURCE, force=True)
    assert any("could not store" in r.getMessage() and "database is locked" in r.getMessage()
               for r in caplog.records)
    db.unlock()
    assert _stored(rt) == [] and _source_row(rt).cursor is None  # nothing half-written

    rt.readers = {SOURCE: x_adapter(base)}
    outcome = poll(SOURCE, force=True)
    assert outcome.status == "stored" and outcome.result is not None
    assert outcome.result.stored == len(tweets) and sorted(_stored(rt)) == sorted(tweets)
    assert _source_row(rt).last_error is None


@SQLITE_ONLY
def test_a_poll_on_a_full_disk_shows_in_health_and_stores_everything_next_time(
        rt: Runtime, db: Database, fake: tuple[XState, str],
        caplog: pytest.LogCaptureFixture) -> None:
    state, base = fake
    tweets = _seed_poll(rt, state)
    rt.readers = {SOURCE: AfterFetch(x_adapter(base), db.fill_up)}
    with pytest.raises(OperationalError, match="full"):
        poll(SOURCE, force=True)
    row = _source_row(rt)
    assert row.cursor is None and _stored(rt) == []
    assert row.last_error is not None and "database or disk is full" in row.last_error
    assert "\n" not in row.last_error and len(row.last_error) < 300  # one line, not the SQL
    assert row.consecutive_failures == 1
    assert any("database or disk is full" in r.getMessage() for r in caplog.records)

    db.free()
    rt.readers = {SOURCE: x_adapter(base)}
    outcome = poll(SOURCE, force=True)
    assert outcome.status == "stored" and outcome.result is not None
    assert outcome.result.stored == len(tweets) and sorted(_stored(rt)) == sorted(tweets)
    row = _source_row(rt)
    assert row.last_error is None and row.consecutive_failures == 0


@SQLITE_ONLY
def test_a_poll_that_cannot_even_start_leaves_the_source_as_it_was(
        rt: Runtime, db: Database, fake: tuple[XState, str]) -> None:
    state, base = fake
    tweets = _seed_poll(rt, state)
    rt.readers = {SOURCE: x_adapter(base)}
    db.lock()
    with pytest.raises(OperationalError, match="database is locked"):
        poll(SOURCE, force=True)
    assert state.requests == []  # it failed before asking the platform: nothing fetched
    db.unlock()
    assert poll(SOURCE, force=True).status == "stored"
    assert sorted(_stored(rt)) == sorted(tweets)


def _queue(rt: Runtime, state: XState, count: int) -> list[int]:
    rt.settings.accounts = [x_account()]
    bob = state.add_user("bob")
    ids = []
    with rt.sessions() as session:
        user = User(username="agent", password_hash="-", role="agent")
        session.add(user)
        session.flush()
        for i in range(count):
            target = state.add_tweet(f"@LumenMobile my line {i} is dead", bob)
            mention = Mention(platform="x", external_id=target, text=f"line {i} is dead",
                              created_at=FrozenClock().now(), complaint=True)
            session.add(mention)
            session.flush()
            ids.append(queue_reply(session, mention, f"Sorry about line {i}, checking now.",
                                   str(uuid.uuid4()), user.id, rt.settings).id)
        session.commit()
    return ids


def _rows(rt: Runtime) -> dict[int, OutboxReply]:
    with rt.sessions() as session:
        rows = session.scalars(select(OutboxReply)).all()
        session.expunge_all()
        return {row.id: row for row in rows}


@SQLITE_ONLY
@pytest.mark.parametrize("trouble", ["locked", "full"])
def test_a_reply_posted_but_not_recorded_is_found_again_not_posted_twice(
        rt: Runtime, db: Database, fake: tuple[XState, str], clock: FrozenClock,
        caplog: pytest.LogCaptureFixture, trouble: str) -> None:
    state, base = fake
    ids = _queue(rt, state, 2)
    rt.publishers["x"] = AfterPost(x_adapter(base), db.lock if trouble == "locked"
                                   else lambda: db.fill_to_the_brim(rt))
    with pytest.raises(OperationalError):
        dispatch(rt)
    assert len(state.posts_by_brand()) == 1  # the first went out; the run stopped there
    assert any("could not record" in r.getMessage() for r in caplog.records)
    db.unlock()
    db.free()
    assert {row.status for row in _rows(rt).values()} == {OutboxStatus.SENDING}

    rt.publishers["x"] = x_adapter(base)
    assert dispatch(rt).outcomes == {}  # still within the claim's lease: left alone
    clock.advance(seconds=rt.settings.responder.claim_lease_seconds + 1)
    assert dispatch(rt).outcomes == dict.fromkeys(ids, "sent")
    posted = state.posts_by_brand()
    rows = _rows(rt)
    assert len(posted) == 2 and {rows[i].external_id for i in ids} == {p["id"] for p in posted}


@SQLITE_ONLY
def test_a_dispatch_that_cannot_claim_posts_nothing_and_sends_later(
        rt: Runtime, db: Database, fake: tuple[XState, str]) -> None:
    state, base = fake
    ids = _queue(rt, state, 1)
    rt.publishers["x"] = x_adapter(base)
    db.lock()
    with pytest.raises(OperationalError, match="database is locked"):
        dispatch(rt)
    db.unlock()
    assert state.posts_by_brand() == [] and _rows(rt)[ids[0]].status == OutboxStatus.QUEUED
    assert dispatch(rt).outcomes == {ids[0]: "sent"}
    assert len(state.posts_by_brand()) == 1
