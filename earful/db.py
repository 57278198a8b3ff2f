"""Engine and session factory. SQLite (WAL, busy timeout) by default, PostgreSQL when configured."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from earful.settings import Settings


def make_engine(url: str, busy_timeout_ms: int = 5000, echo: bool = False) -> Engine:
    """Create an engine; for SQLite, create the folder and switch on WAL and foreign keys."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo,
                               connect_args={"timeout": busy_timeout_ms / 1000,
                                             "check_same_thread": False})
        _sqlite_pragmas(engine, busy_timeout_ms)
    else:
        # Times are stored as naive UTC (earful.types.UTCDateTime). An aware datetime bound
        # outside that type (a row-value cursor, a coalesce) arrives as timestamptz and is
        # compared in the session's zone: the server's own unless the session says UTC.
        given = make_url(url).query.get("options", "")  # an operator's own, kept
        options = " ".join([*([given] if isinstance(given, str) else given), "-c timezone=UTC"])
        engine = create_engine(url, echo=echo, pool_pre_ping=True,
                               connect_args={"options": options.strip()},
                               execution_options={"busy_timeout_ms": busy_timeout_ms})
    event.listen(engine, "before_cursor_execute", _no_nul_characters, retval=True)
    return engine


def _no_nul(value: Any) -> Any:
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _has_nul(values: Any) -> bool:
    return any(isinstance(v, str) and "\x00" in v for v in values)


def _no_nul_characters(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                       _executemany: bool) -> tuple[str, Any]:
    """Store U+0000 as U+FFFD, on every engine: PostgreSQL's text cannot hold it (the statement
    fails, even a SELECT), and a stranger's post or a form field may carry one. The listener
    already strips control characters; this is the one rule for every other path."""
    # One row (a dict, or a tuple of values) or several; "insertmanyvalues" sends one flat row
    # even when the event says executemany, so the shape decides.
    many = isinstance(parameters, list | tuple) and bool(parameters) and all(
        isinstance(row, dict | list | tuple) for row in parameters)
    rows = parameters if many else [parameters]
    if not any(_has_nul(row.values() if isinstance(row, dict) else row) for row in rows if row):
        return statement, parameters
    cleaned = [({k: _no_nul(v) for k, v in row.items()} if isinstance(row, dict)
                else type(row)(_no_nul(v) for v in row)) if row else row for row in rows]
    return statement, type(parameters)(cleaned) if many else cleaned[0]


def _sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def engine_from_settings(settings: Settings) -> Engine:
    return make_engine(settings.database_url, settings.database.sqlite_busy_timeout_ms,
                       settings.database.echo)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextlib.contextmanager
def writing(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A write transaction: commits at the end of the block or not at all."""
    with factory() as session, session.begin():
        take_write_lock(session)
        yield session


# One writer at a time on PostgreSQL too: the key of a transaction-scoped advisory lock ("EARW";
# the scheduler's lock in earful/leadership.py is another key).
WRITE_LOCK_KEY = 0x45415257


def take_write_lock(session: Session) -> None:
    """Make this transaction the only writer until it ends, on either engine.

    The rules of the work read, then write (a status move checks the current status, a follow-up
    reads when the last one went, a sign-in failure counts the earlier ones), and they are
    written for one writer at a time. SQLite gives that with BEGIN IMMEDIATE; the sqlite3 module
    otherwise begins lazily at the first INSERT/UPDATE, and a transaction that read, then writes
    after another writer committed, would fail at once with SQLITE_BUSY instead of waiting out
    the busy timeout. PostgreSQL gets the same order from a transaction-scoped advisory lock,
    waited for at most the same timeout (then an OperationalError, like SQLite's "database is
    locked"). Readers need nothing on either: they never block.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        timeout_ms = int(connection.get_execution_options().get("busy_timeout_ms", 5000))
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout_ms}")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
        return
    if dialect != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def write_lock_busy(error: DBAPIError) -> bool:
    """The write lock was not free within the busy timeout: SQLite's "database is locked",
    PostgreSQL's lock_timeout (SQLSTATE 55P03) from `take_write_lock`."""
    return (getattr(error.orig, "sqlstate", None) == "55P03"
            or "database is locked" in str(error.orig))
