"""The earful command line, run in-process against a temporary instance."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from earful import runtime
from web.cli import cli

ROOT = Path(__file__).resolve().parents[2]

Run = Callable[..., Result]


@pytest.fixture
def earful(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Run:
    """Run `earful ...` with settings.toml copied into a temporary folder, on the test's
    database (SQLite and PostgreSQL), named the way an operator names it: EARFUL_DATABASE_URL."""
    (tmp_path / "settings.toml").write_text((ROOT / "settings.toml").read_text())
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("EARFUL_DATABASE_URL", database_url)
    monkeypatch.delenv("EARFUL_ADMIN_PASSWORD", raising=False)

    def run(*args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
        runtime.install(None)
        return result

    run("db", "upgrade")
    return run


def test_users_create_list_and_set_role(earful: Run) -> None:
    result = earful("users", "create", "maria", "--role", "agent", "--languages", "ro,en",
                    "--password", "correct horse")
    assert result.exit_code == 0, result.output
    assert earful("users", "set-role", "maria", "lead").exit_code == 0
    listing = earful("users", "list").output
    assert "maria" in listing and "lead" in listing and "ro,en" in listing
    duplicate = earful("users", "create", "maria", "--password", "another one")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


def test_first_admin_password_is_generated_and_shown_once(earful: Run) -> None:
    first = earful("users", "ensure-admin")
    assert "password:" in first.output
    assert earful("users", "ensure-admin").output == ""


def test_first_admin_from_the_environment_is_announced_without_the_password(
        earful: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARFUL_ADMIN_PASSWORD", "a-long-secret-9")
    first = earful("users", "ensure-admin").output
    assert "username admin" in first and "a-long-secret-9" not in first
    assert earful("users", "ensure-admin").output == ""


def test_import_reports_bad_lines_and_skips_them(earful: Run, tmp_path: Path) -> None:
    path = tmp_path / "mentions.jsonl"
    good = {"platform": "x", "id": "1", "text": "my bill is wrong",
            "created_at": "2026-01-05T09:00:00Z", "author": {"id": "7", "handle": "ana"}}
    path.write_text("\n".join([
        json.dumps(good),
        "{not json",
        json.dumps({"platform": "x", "id": "2"}),
        "",
        json.dumps({**good, "id": "3", "created_at": "last tuesday"}),
        json.dumps({**good, "id": "4", "text": "Δεν έχω σήμα"}),
    ]) + "\n", encoding="utf-8")
    result = earful("import", str(path))
    assert result.exit_code == 0, result.output
    assert "line 2: not JSON" in result.output
    assert "line 3: missing 'text'" in result.output
    assert "line 5: created_at" in result.output
    assert "stored 2" in result.output
    again = earful("import", str(path))
    assert "stored 0, already known 2" in again.output


def test_demo_instant_and_poll_once(earful: Run) -> None:
    result = earful("demo", "--instant")
    assert result.exit_code == 0, result.output
    assert "demo history:" in result.output and "demo scenario:" in result.output
    polled = earful("poll", "demo", "--once")
    assert polled.exit_code == 0, polled.output
    assert "demo: stored" in polled.output
    assert "demo" in earful("sources").output


def test_unknown_source_is_an_error(earful: Run) -> None:
    result = earful("poll", "nope", "--once")
    assert result.exit_code != 0 and "nope" in result.output


def test_invalid_settings_stop_with_the_key(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.toml").write_text("[server]\nport = 0\n")
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    result = CliRunner().invoke(cli, ["users", "list"])
    assert result.exit_code == 2
    assert "server.port" in result.output


def test_serve_refuses_a_source_without_its_credential(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.toml").write_text(
        '[[sources]]\nname = "x-brand"\nplatform = "x"\n'
        'credentials = { bearer_token = "EARFUL_TEST_UNSET_TOKEN" }\n')
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("EARFUL_TEST_UNSET_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--port", "5999"])
    runtime.install(None)
    assert result.exit_code != 0
    assert "EARFUL_TEST_UNSET_TOKEN" in result.output
    assert "DEMO" not in result.output  # never a silent fall-back to the demo


def test_log_level_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    (tmp_path / "settings.toml").write_text('[app]\nlog_level = "WARNING"\n')
    monkeypatch.setenv("EARFUL_SETTINGS", str(tmp_path / "settings.toml"))
    root = logging.getLogger()
    before = root.level
    try:
        CliRunner().invoke(cli, ["routes"], catch_exceptions=False)
        assert root.level == logging.WARNING
        CliRunner().invoke(cli, ["--verbose", "routes"], catch_exceptions=False)
        assert root.level == logging.DEBUG
    finally:
        root.setLevel(before)
        runtime.install(None)


def test_import_survives_absurd_nesting(earful: Run, tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonl"
    good = {"platform": "x", "id": "1", "text": "ok", "created_at": "2026-01-05T09:00:00Z"}
    path.write_text("[" * 100_000 + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    result = earful("import", str(path))
    assert result.exit_code == 0, result.output
    assert "line 1:" in result.output and "stored 1" in result.output


def test_classifier_commands_through_the_real_cli(earful: Run, tmp_path: Path) -> None:
    """classify, label, evaluate --corrections and train as a user runs them (no injection)."""
    out = earful("classify", input='{"id": "a", "text": "Nu am semnal deloc"}\n\n{"id": 2}\n')
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert lines[0]["id"] == "a" and lines[0]["lang"] == "ro"
    assert lines[1] == {"id": 2, "error": lines[1]["error"]}
    assert earful("demo", "--instant").exit_code == 0
    for mention_id in range(1, 31):
        result = earful("label", str(mention_id), "--sentiment", "negative")
        assert result.exit_code == 0, result.output
    report = earful("evaluate", "--corrections")
    assert report.exit_code == 0, report.output
    assert "sentiment" in report.output
    trained = earful("train")
    assert trained.exit_code == 0, trained.output
    assert (tmp_path / "instance" / "models" / "current").is_dir()
    nothing_before = earful("train", "--rollback")  # the shipped model is not "previous"
    assert nothing_before.exit_code != 0 and nothing_before.output.strip()
    assert earful("train").exit_code == 0
    assert earful("train", "--rollback").exit_code == 0


@contextlib.contextmanager
def _instance_session(url: str) -> Iterator[Any]:
    from earful.db import make_engine, session_factory

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def test_label_from_the_cli_is_the_consoles_correction(earful: Run, database_url: str) -> None:
    """One vocabulary ("true"/"false"), the SLA follows, and the change is audited."""
    from sqlalchemy import select

    from earful.models import AuditLog, LabelCorrection, Mention

    assert earful("demo", "--instant").exit_code == 0
    with _instance_session(database_url) as session:
        target = session.scalars(select(Mention).where(
            Mention.complaint.is_(True), Mention.urgency != "low",
            Mention.status == "new")).first()
        assert target is not None and target.sla_due_at is not None
        mention_id = target.id
    result = earful("label", str(mention_id), "--complaint", "false", "--urgency", "low")
    assert result.exit_code == 0, result.output
    assert earful("label", str(mention_id), "--complaint", "no").exit_code != 0
    assert earful("label", str(2**31), "--complaint", "false").exit_code == 2  # beyond any id
    with _instance_session(database_url) as session:
        correction = session.scalars(select(LabelCorrection).where(
            LabelCorrection.field == "complaint")).one()
        assert (correction.old_value, correction.new_value) == ("true", "false")
        mention = session.get(Mention, mention_id)
        assert mention is not None and mention.complaint is False
        assert mention.sla_due_at is None  # a low-urgency non-complaint is owed no answer
        assert "label.correct" in session.scalars(select(AuditLog.action)).all()


def test_outbox_commands(earful: Run, tmp_path: Path, database_url: str) -> None:
    import uuid

    from sqlalchemy import select

    from earful.models import Mention, OutboxReply, User
    from earful.settings import load_settings
    from earful.work.replies import queue_reply

    assert earful("demo", "--instant").exit_code == 0
    assert "the outbox is empty" in earful("outbox").output
    settings = load_settings(tmp_path / "settings.toml")
    with _instance_session(database_url) as session:
        user = User(username="cli-agent", password_hash="x", role="agent")
        session.add(user)
        session.flush()
        mention = session.scalars(select(Mention).where(Mention.status == "new")).first()
        assert mention is not None
        row = queue_reply(session, mention, "Sorry about that!", str(uuid.uuid4()), user.id,
                          settings)
        session.commit()
        row_id = row.id
    assert f"#{row_id:<6} queued" in earful("outbox", "list").output
    assert earful("outbox", "retry", str(row_id)).exit_code != 0  # only a failed one
    sent = earful("outbox", "send")
    assert sent.exit_code == 0 and f"#{row_id}: sent" in sent.output
    assert "sent" in earful("outbox", "list", "--status", "sent").output
    cancel = earful("outbox", "cancel", str(row_id))
    assert cancel.exit_code != 0 and "cannot be cancelled" in cancel.output
    assert "no outbox row #999" in earful("outbox", "cancel", "999").output
    assert earful("outbox", "cancel", str(2**31)).exit_code == 2  # beyond any id: a usage error
    with _instance_session(database_url) as session:
        assert session.get(OutboxReply, row_id).status == "sent"  # type: ignore[union-attr]
    assert "due time(s) changed" in earful("sla", "recompute").output
