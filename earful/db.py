"""Engine and session factory. SQLite (WAL, busy timeout) by default, PostgreSQL when configured."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
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
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


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


def take_write_lock(session: Session) -> None:
    """On SQLite, start the transaction with the write lock (BEGIN IMMEDIATE).

    The sqlite3 module otherwise begins lazily at the first INSERT/UPDATE; a transaction that
    read, then writes after another writer committed, would fail at once with SQLITE_BUSY
    instead of waiting out the busy timeout. Readers need nothing: in WAL mode they never block.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")
