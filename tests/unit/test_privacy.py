"""Backups of a live SQLite database, raw-payload retention and forgetting an author (GDPR)."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import FrozenClock, now
from earful.models import (
    AuditLog,
    Author,
    CsatSurvey,
    LabelCorrection,
    Mention,
    Note,
    OutboxReply,
    User,
)
from earful.runtime import Runtime
from earful.work import WorkflowError
from earful.work.backup import backup_sqlite, sqlite_path
from earful.work.privacy import forget_author, prune_raw, run_prune_raw
from earful.work.replies import queue_reply
from listener.ingest import ingest
from tests.factories import record
from web.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def _store(rt: Runtime, session: Session, *records: object) -> list[Mention]:
    ingest(session, list(records), model=rt.model)  # type: ignore[arg-type]
    session.commit()
    return list(session.scalars(select(Mention).order_by(Mention.id)).all())


# --- backup --------------------------------------------------------------------------------

def _live_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE mentions (id INTEGER PRIMARY KEY, text TEXT)")
    db.executemany("INSERT INTO mentions (text) VALUES (?)", [("x" * 200,)] * 5000)
    db.commit()
    return db


def test_backup_while_another_connection_writes(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    _live_db(source).close()
    writer = sqlite3.connect(source, check_same_thread=False, timeout=30)
    stop = threading.Event()
    written = [0]

    def write() -> None:
        while not stop.is_set():
            writer.execute("INSERT INTO mentions (text) VALUES ('during the backup')")
            writer.commit()
            written[0] += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        reports = [backup_sqlite(source, tmp_path / f"copy{i}.db") for i in range(3)]
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert written[0] > 0
    for report in reports:
        copy = sqlite3.connect(report.path)
        try:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
            count = copy.execute("SELECT count(*) FROM mentions").fetchone()[0]
        finally:
            copy.close()
        assert count == report.mentions >= 5000
        assert report.size_bytes == report.path.stat().st_size
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    _live_db(source).close()
    target = tmp_path / "copy.db"
    target.write_text("an older backup")
    with pytest.raises(WorkflowError, match="--force"):
        backup_sqlite(source, target)
    assert target.read_text() == "an older backup"
    assert backup_sqlite(source, target, force=True).mentions == 5000
    with pytest.raises(WorkflowError, match="live database"):
        backup_sqlite(source, source, force=True)


def test_backup_of_postgresql_points_to_pg_dump() -> None:
    with pytest.raises(WorkflowError, match="pg_dump.*docs/deployment.md"):
        sqlite_path("postgresql+psycopg://earful@127.0.0.1/earful")
    assert sqlite_path("sqlite:////srv/earful/earful.db") == Path("/srv/earful/earful.db")


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str,
         input: str | None = None, database_url: str | None = None) -> tuple[int, str]:
    """`earful ...` in-process; on the instance's SQLite file unless a database is given."""
    (tmp_path / "settings.toml").write_text((ROOT / "settings.toml").read_text())
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    if database_url:
        monkeypatch.setenv("EARFUL_DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("EARFUL_DATABASE_URL", raising=False)
    try:
        result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    finally:
        runtime.install(None)
    return result.exit_code, result.output


def test_backup_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _cli(tmp_path, monkeypatch, "db", "upgrade")[0] == 0
    target = tmp_path / "backups" / "earful.db"
    code, output = _cli(tmp_path, monkeypatch, "backup", str(target))
    assert code == 0, output
    assert "bytes" in output and "0 mention(s)" in output and target.is_file()
    code, output = _cli(tmp_path, monkeypatch, "backup", str(target))
    assert code != 0 and "--force" in output
    assert _cli(tmp_path, monkeypatch, "backup", str(target), "--force")[0] == 0
    monkeypatch.setenv("EARFUL_DATABASE_URL", "postgresql+psycopg://earful@127.0.0.1/earful")
    (tmp_path / "settings.toml").write_text((ROOT / "settings.toml").read_text())
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    result = CliRunner().invoke(cli, ["backup", str(tmp_path / "pg.db")])
    runtime.install(None)
    assert result.exit_code != 0 and "pg_dump" in result.output


# --- retention -----------------------------------------------------------------------------

def test_prune_raw_erases_old_payloads_only(rt: Runtime, session: Session,
                                            clock: FrozenClock) -> None:
    old = [record(f"old {i}", raw={"i": i}, created_at=now() - timedelta(days=91))
           for i in range(7)]
    recent = record("recent", raw={"keep": True}, created_at=now() - timedelta(days=89))
    _store(rt, session, *old, recent)
    assert prune_raw(session, 90, now(), batch_size=3) == 7  # three batches, keyset by id
    session.commit()
    session.expire_all()
    rows = session.scalars(select(Mention).order_by(Mention.id)).all()
    assert [m.raw for m in rows[:7]] == [None] * 7
    assert all(m.text.startswith("old") and m.sentiment for m in rows[:7])  # text, labels stay
    assert rows[7].raw == {"keep": True}
    assert prune_raw(session, 0, now()) == 0  # 0 keeps raw forever
    clock.advance(days=2)
    assert prune_raw(session, 90, now(), max_rows=5) == 1
    session.commit()


def test_prune_raw_is_bounded_per_run(rt: Runtime, session: Session,
                                      clock: FrozenClock) -> None:
    _store(rt, session, *[record(f"old {i}", raw={"i": i},
                                 created_at=now() - timedelta(days=100)) for i in range(5)])
    assert prune_raw(session, 90, now(), batch_size=2, max_rows=3) == 3
    assert prune_raw(session, 90, now(), batch_size=2, max_rows=3) == 2


def test_retention_job_uses_the_setting(rt: Runtime, session: Session,
                                        clock: FrozenClock) -> None:
    _store(rt, session, record("old", raw={"a": 1}, created_at=now() - timedelta(days=10)))
    rt.settings.listener.raw_retention_days = 0
    assert run_prune_raw() == 0
    rt.settings.listener.raw_retention_days = 7
    assert run_prune_raw() == 1
    session.expire_all()
    assert session.scalars(select(Mention.raw)).one() is None


# --- forgetting an author ------------------------------------------------------------------

def _author_with_work(rt: Runtime, session: Session) -> tuple[Author, list[Mention], User]:
    mentions = _store(rt, session,
                      record("@LumenMobile my bill is wrong", author="Ana_R", raw={"t": 1},
                             platform="demo", url="https://example.com/Ana_R/1"),
                      record("still waiting", author="Ana_R", raw={"t": 2}, platform="demo"),
                      record("someone else", author="bob", raw={"t": 3}, platform="demo"))
    user = User(username="agent", password_hash="x", role="agent")
    session.add(user)
    session.flush()
    mine = [m for m in mentions if m.author and m.author.handle == "Ana_R"]
    queue_reply(session, mine[0], "Hi @Ana_R, sorry about that!", str(uuid.uuid4()), user.id,
                rt.settings)
    session.add_all([
        LabelCorrection(mention_id=mine[0].id, user_id=user.id, field="urgency",
                        old_value="low", new_value="high"),
        Note(mention_id=mine[0].id, user_id=user.id, body="called billing"),
        CsatSurvey(mention_id=mine[1].id, token="t" * 43, expires_at=now() + timedelta(days=7),
                   score=2, comment="my name is Ana and I am angry")])
    session.commit()
    assert mine[0].author is not None
    return mine[0].author, mine, user


def test_forget_author_purges_pseudonymises_cancels_and_audits(
        rt: Runtime, session: Session, clock: FrozenClock) -> None:
    author, mine, user = _author_with_work(rt, session)
    report = forget_author(session, "Demo", "@ana_r", user.id)  # any case, with or without @
    session.commit()
    session.expire_all()
    assert (report.mentions, report.replies_cancelled, report.corrections_deleted,
            report.notes_kept, report.surveys_cleared) == (2, 1, 1, 1, 1)
    for mention in session.scalars(select(Mention).where(Mention.author_id == author.id)):
        assert mention.deleted and mention.deleted_at == now()
        assert (mention.text, mention.url, mention.raw, mention.reasons) == ("", "", None, None)
    other = session.scalars(select(Mention).where(Mention.author_id != author.id)).one()
    assert other.text == "someone else" and other.raw == {"t": 3}
    forgotten = session.get(Author, author.id)
    assert forgotten is not None
    assert forgotten.handle == forgotten.external_id == f"forgotten-{author.id}"
    assert (forgotten.followers, forgotten.language) == (None, None)
    assert "ana" not in forgotten.display_name.lower()
    reply = session.scalars(select(OutboxReply)).one()
    assert reply.status == "cancelled" and "Ana_R" not in reply.text
    assert session.scalars(select(LabelCorrection)).all() == []
    assert session.scalars(select(Note.body)).all() == ["called billing"]
    survey = session.scalars(select(CsatSurvey)).one()
    assert survey.comment is None and survey.score == 2
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "author.forget")).one()
    assert entry.user_id == user.id and entry.target_id == str(author.id)
    assert entry.details["mentions"] == 2 and entry.details["replies_cancelled"] == 1
    everything = " ".join(f"{e.target_id} {e.details}" for e in session.scalars(select(AuditLog)))
    assert "ana" not in everything.lower()


def test_forgetting_an_unknown_author_is_an_error(rt: Runtime, session: Session) -> None:
    _store(rt, session, record("hello", author="ana"))
    with pytest.raises(WorkflowError):
        forget_author(session, "x", "nobody")
    with pytest.raises(WorkflowError):
        forget_author(session, "reddit", "ana")  # the handle on another platform
    assert session.scalars(select(AuditLog)).all() == []


def test_authors_forget_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 database_url: str) -> None:
    from earful.db import make_engine, session_factory
    from earful.settings import load_settings

    assert _cli(tmp_path, monkeypatch, "db", "upgrade", database_url=database_url)[0] == 0
    settings = load_settings(tmp_path / "settings.toml")
    engine = make_engine(settings.database_url)  # the test's database, as the CLI saw it
    with session_factory(engine)() as session:
        from classifier import load_model

        ingest(session, [record("my bill is wrong", author="ana", raw={"t": 1})],
               model=load_model())
        session.commit()
    code, output = _cli(tmp_path, monkeypatch, "authors", "forget", "x", "nobody", "--yes",
                        database_url=database_url)
    assert code != 0 and "no author" in output
    code, output = _cli(tmp_path, monkeypatch, "authors", "forget", "x", "@ANA", input="n\n",
                        database_url=database_url)
    assert code != 0  # declined: nothing changed
    with session_factory(engine)() as session:
        assert session.scalars(select(Mention.text)).one() == "my bill is wrong"
    code, output = _cli(tmp_path, monkeypatch, "authors", "forget", "x", "@ANA", input="y\n",
                        database_url=database_url)
    assert code == 0, output
    assert "1 mention(s) purged" in output
    with session_factory(engine)() as session:
        assert session.scalars(select(Mention.text)).one() == ""
        assert session.scalars(select(Author.handle)).one().startswith("forgotten-")
    engine.dispose()
