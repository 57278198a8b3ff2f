"""Alert e-mail: queued, sent once through a real SMTP server in the test process, never lost.

The server is aiosmtpd on a free loopback port (port=0 is not supported: the Controller checks
readiness by connecting to its own port), with AUTH LOGIN/PLAIN for one known user. Backoff and
leases move with the FrozenClock; only the SMTP round trip itself takes real time.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from earful.clock import FrozenClock
from earful.db import writing
from earful.models import Alert, AuditLog, MailMessage
from earful.runtime import Runtime
from earful.vocab import AlertKind, MailStatus
from earful.work.errors import WorkflowError
from earful.work.mail import (
    _record_failure,
    build_message,
    claim_due,
    deliver_mail,
    eml_path,
    queue_mail,
    retry_mail,
    run_mail_delivery,
)
from tests.unit.web_console_support import add_user, login, make_app

USER, PASSWORD = "bot", "s3cret"
REFUSED = "nobody@example.com"  # the server answers 550 for this mailbox


@dataclass
class Received:
    mail_from: str
    rcpt: list[str]
    message: email.message.EmailMessage
    auth: Any


@dataclass
class Collector:
    """The server's side: what it accepted, and who logged in."""

    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message,
                                      session.auth_data))
        return "250 Message accepted for delivery"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                   auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
        and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Callable[[int], Collector]]:
    """Start a server on a given port (a test may start it late: "SMTP comes back up")."""
    controllers: list[Controller] = []

    def start(port: int) -> Collector:
        collector = Collector()
        controller = Controller(collector, hostname="127.0.0.1", port=port,
                                authenticator=_authenticator, auth_require_tls=False)
        controller.start()
        controllers.append(controller)
        return collector

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def port() -> int:
    return _free_port()


@pytest.fixture
def smtp_rt(rt: Runtime, port: int) -> Runtime:
    """The runtime pointed at the test server's port (nothing listens there until started)."""
    smtp = rt.settings.smtp
    smtp.host, smtp.port, smtp.timeout_seconds = "127.0.0.1", port, 5
    smtp.sender = "Earful Alerts <alerts@care.example>"
    smtp.retry_base_seconds, smtp.retry_max_seconds = 60, 600
    return rt


def _queue(rt: Runtime, **fields: Any) -> int:
    values: dict[str, Any] = {"kind": AlertKind.SPIKE, "recipients": ["ops@example.com"],
                              "subject": "Spike: 42 negative mentions", "text": "Plain words.",
                              "html": "<p><b>HTML</b> words.</p>"}
    values.update(fields)
    with writing(rt.sessions) as session:
        return queue_mail(session, **values).id


def _row(rt: Runtime, row_id: int) -> MailMessage:
    with rt.sessions() as session:
        row = session.get(MailMessage, row_id)
        assert row is not None
        return row


def test_queued_mail_is_delivered_once_as_multipart(smtp_rt: Runtime, smtp_server: Any,
                                                    port: int, clock: FrozenClock) -> None:
    server = smtp_server(port)
    row_id = _queue(smtp_rt, recipients=["ops@example.com", "pr@example.com"],
                    subject="Spike: 42 negative mentions (Ελληνικά, română)")
    assert deliver_mail(smtp_rt) == {row_id: "sent"}
    assert deliver_mail(smtp_rt) == {}
    assert len(server.received) == 1
    got, row = server.received[0], _row(smtp_rt, row_id)
    assert got.mail_from == "alerts@care.example"
    assert got.rcpt == ["ops@example.com", "pr@example.com"]
    message = got.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == "Earful Alerts <alerts@care.example>"
    assert message["To"] == "ops@example.com, pr@example.com"
    assert message["Subject"] == "Spike: 42 negative mentions (Ελληνικά, română)"
    assert message["Message-ID"] == row.message_id and row.message_id.endswith("@care.example>")
    assert message["Date"] and message["Auto-Submitted"] == "auto-generated"
    assert message.get_body(("plain",)).get_content().strip() == "Plain words."
    assert message.get_body(("html",)).get_content().strip() == "<p><b>HTML</b> words.</p>"
    assert (row.status, row.delivered_to, row.attempts, row.error) == ("sent", "smtp", 1, None)
    assert row.sent_at == clock.now()
    assert got.auth is None  # no username_env: no login


def test_smtp_down_keeps_the_message_and_delivers_it_once_when_back(
        smtp_rt: Runtime, smtp_server: Any, port: int, clock: FrozenClock) -> None:
    row_id = _queue(smtp_rt)
    assert deliver_mail(smtp_rt) == {row_id: "queued"}
    row = _row(smtp_rt, row_id)
    assert row.error == f"cannot reach smtp 127.0.0.1:{port}: connection refused"
    assert row.attempts == 1 and row.next_attempt_at == clock.now() + timedelta(seconds=60)
    clock.advance(30)
    assert deliver_mail(smtp_rt) == {}  # not due yet
    clock.advance(31)
    assert deliver_mail(smtp_rt) == {row_id: "queued"}
    row = _row(smtp_rt, row_id)
    assert row.attempts == 2 and row.next_attempt_at == clock.now() + timedelta(seconds=120)

    server = smtp_server(port)  # the server comes back up
    assert deliver_mail(smtp_rt) == {}
    clock.advance(121)
    assert deliver_mail(smtp_rt) == {row_id: "sent"}
    clock.advance(3600)
    assert deliver_mail(smtp_rt) == {}
    assert len(server.received) == 1
    row = _row(smtp_rt, row_id)
    assert (row.status, row.attempts, row.error) == ("sent", 3, None)


def test_backoff_doubles_up_to_the_maximum(smtp_rt: Runtime, clock: FrozenClock) -> None:
    row_id = _queue(smtp_rt)
    waits = []
    for _ in range(6):
        deliver_mail(smtp_rt)
        row = _row(smtp_rt, row_id)
        assert row.next_attempt_at is not None
        waits.append((row.next_attempt_at - clock.now()).total_seconds())
        clock.set(row.next_attempt_at)
    assert waits == [60, 120, 240, 480, 600, 600]
    assert _row(smtp_rt, row_id).status == "queued"


def test_login_uses_the_credentials_named_in_settings(
        smtp_rt: Runtime, smtp_server: Any, port: int, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server(port)
    smtp_rt.settings.smtp.username_env = "TEST_SMTP_USER"
    smtp_rt.settings.smtp.password_env = "TEST_SMTP_PASSWORD"
    monkeypatch.setenv("TEST_SMTP_USER", USER)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    row_id = _queue(smtp_rt)
    assert deliver_mail(smtp_rt) == {row_id: "queued"}
    assert _row(smtp_rt, row_id).error.startswith(
        f"smtp 127.0.0.1:{port} refused the login: 535")
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    clock.advance(61)
    assert deliver_mail(smtp_rt) == {row_id: "sent"}
    assert [r.auth.login for r in server.received] == [USER.encode()]


def test_starttls_refused_by_the_server_keeps_the_message(
        smtp_rt: Runtime, smtp_server: Any, port: int, clock: FrozenClock) -> None:
    server = smtp_server(port)  # no TLS here: STARTTLS is not offered
    smtp_rt.settings.smtp.starttls = True
    row_id = _queue(smtp_rt)
    assert deliver_mail(smtp_rt) == {row_id: "queued"}
    assert "STARTTLS" in (_row(smtp_rt, row_id).error or "") and server.received == []


def test_refusal_of_every_recipient_fails_and_can_be_sent_again(
        smtp_rt: Runtime, smtp_server: Any, port: int, clock: FrozenClock) -> None:
    server = smtp_server(port)
    row_id = _queue(smtp_rt, recipients=[REFUSED])
    assert deliver_mail(smtp_rt) == {row_id: "failed"}
    row = _row(smtp_rt, row_id)
    assert row.error == (f"smtp 127.0.0.1:{port} refused every recipient: "
                         f"{REFUSED}: 550 5.1.1 No such user here")
    clock.advance(86400)
    assert deliver_mail(smtp_rt) == {}  # failed stays failed (and listed) until someone acts
    with writing(smtp_rt.sessions) as session:
        failed = session.get(MailMessage, row_id)
        assert failed is not None
        retry_mail(session, failed)
        with pytest.raises(WorkflowError):
            retry_mail(session, failed)  # only a failed message
    assert _row(smtp_rt, row_id).status == "queued"
    assert deliver_mail(smtp_rt) == {row_id: "failed"}
    assert server.received == []


def test_one_refused_recipient_does_not_stop_the_others(
        smtp_rt: Runtime, smtp_server: Any, port: int, clock: FrozenClock) -> None:
    server = smtp_server(port)
    row_id = _queue(smtp_rt, recipients=["ops@example.com", REFUSED])
    assert deliver_mail(smtp_rt) == {row_id: "sent"}
    assert [r.rcpt for r in server.received] == [["ops@example.com"]]
    assert f"not accepted for {REFUSED}: 550" in (_row(smtp_rt, row_id).error or "")


def test_without_smtp_the_message_is_written_as_eml(rt: Runtime, clock: FrozenClock) -> None:
    assert rt.settings.smtp.host == ""  # the embedded default
    row_id = _queue(rt, recipients=["ops@example.com"], subject="Spike on x")
    assert deliver_mail(rt) == {row_id: "sent"}
    row = _row(rt, row_id)
    path = eml_path(rt.settings, row)
    assert path.parent == rt.settings.instance_dir / "outbox" and path.suffix == ".eml"
    assert path.name.startswith(f"{row.id}-") and "/" not in path.name[:-4]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    built = build_message(row, rt.settings)
    assert parsed.get_content_type() == "multipart/alternative"
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert parsed[header] == built[header]
    assert parsed.get_body(("plain",)).get_content() == built.get_body(("plain",)).get_content()
    assert parsed.get_body(("html",)).get_content() == built.get_body(("html",)).get_content()
    assert (row.status, row.delivered_to) == ("sent", "file")


def test_subject_injection_creates_no_header(smtp_rt: Runtime, smtp_server: Any, port: int,
                                             clock: FrozenClock) -> None:
    server = smtp_server(port)
    row_id = _queue(smtp_rt, subject="Hi\r\nBcc: x@y.example\nX-Evil: 1")
    assert _row(smtp_rt, row_id).subject == "Hi Bcc: x@y.example X-Evil: 1"
    deliver_mail(smtp_rt)
    message = server.received[0].message
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Hi Bcc: x@y.example X-Evil: 1"
    assert server.received[0].rcpt == ["ops@example.com"]


def test_recipients_are_checked_and_deduplicated(rt: Runtime, clock: FrozenClock) -> None:
    with writing(rt.sessions) as session:
        row = queue_mail(session, AlertKind.CRITICAL,
                         [" ops@example.com", "OPS@example.com", "not an address",
                          "x@y\r\nBcc: z@w", "pr@example.com"],
                         "s" * 400, "text")
        assert row.recipients == ["ops@example.com", "pr@example.com"]
        assert len(row.subject) == 300 and row.status == MailStatus.QUEUED
        other = queue_mail(session, AlertKind.CRITICAL, ["ops@example.com"], "s", "t")
        assert other.message_id != row.message_id
        assert row.message_id.startswith("<") and row.message_id.endswith("@localhost>")
        with pytest.raises(WorkflowError, match="No valid e-mail address"):
            queue_mail(session, AlertKind.SPIKE, ["nope", ""], "s", "t")


def test_a_claim_left_by_a_crash_is_recovered_after_the_lease(
        smtp_rt: Runtime, smtp_server: Any, port: int, clock: FrozenClock) -> None:
    server = smtp_server(port)
    row_id = _queue(smtp_rt)
    lease = timedelta(seconds=smtp_rt.settings.smtp.timeout_seconds * 4)
    with writing(smtp_rt.sessions) as session:  # the job claims it, then dies
        assert [r.id for r in claim_due(session, 20, lease)] == [row_id]
    assert _row(smtp_rt, row_id).status == "sending"
    assert deliver_mail(smtp_rt) == {}  # someone may be talking to the server right now
    clock.advance(lease.total_seconds() - 1)
    assert deliver_mail(smtp_rt) == {}
    clock.advance(2)
    assert deliver_mail(smtp_rt) == {row_id: "sent"}
    assert len(server.received) == 1 and _row(smtp_rt, row_id).attempts == 2


def test_a_late_failure_does_not_overwrite_a_newer_claim(
        smtp_rt: Runtime, port: int, clock: FrozenClock) -> None:
    row_id = _queue(smtp_rt)
    lease = timedelta(seconds=smtp_rt.settings.smtp.timeout_seconds * 4)
    with writing(smtp_rt.sessions) as session:
        claim_due(session, 20, lease)
    clock.advance(lease.total_seconds() + 1)
    with writing(smtp_rt.sessions) as session:  # another job recovers it (and dies too)
        claim_due(session, 20, lease)
    # A failure recorded for the first claim finds the row claimed by someone else.
    first_claim = clock.now() - lease - timedelta(seconds=1)
    assert _record_failure(smtp_rt, row_id, first_claim, "late", permanent=True) == "not ours"
    assert _row(smtp_rt, row_id).status == "sending"


def test_the_job_counts_what_it_sent(rt: Runtime, clock: FrozenClock) -> None:
    with writing(rt.sessions) as session:
        alert = Alert(kind=AlertKind.SPIKE, window_start=clock.now(), window_end=clock.now())
        session.add(alert)
        session.flush()
        alert_id = alert.id
    _queue(rt, alert_id=alert_id)
    _queue(rt)
    assert run_mail_delivery() == 2
    assert run_mail_delivery() == 0
    with rt.sessions() as session:
        assert session.get(Alert, alert_id).emailed_at == clock.now()  # type: ignore[union-attr]
        assert session.scalars(select(AuditLog.action)).all() == ["mail.sent", "mail.sent"]


# The console -----------------------------------------------------------------------------------

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def app(rt: Runtime) -> Flask:
    app = make_app(rt)
    assert "alerts" in app.blueprints
    return app


def _client(app: Flask, rt: Runtime, role: str = "lead") -> FlaskClient:
    with rt.sessions() as session:
        add_user(session, f"user-{role}", role)
    client = app.test_client()
    login(client, f"user-{role}")
    return client


def _alert(rt: Runtime, clock: FrozenClock, **fields: Any) -> int:
    with writing(rt.sessions) as session:
        alert = Alert(kind=fields.pop("kind", AlertKind.SPIKE), scope="overall",
                      window_start=clock.now() - timedelta(minutes=15), window_end=clock.now(),
                      count=42, baseline=3.5, summary=fields.pop("summary", "42 negative"),
                      **fields)
        session.add(alert)
        session.flush()
        return alert.id


DETAILS = {
    "terms": [["outage", 4.25], ["no signal", 3.1], [HOSTILE, 1]],
    "platforms": {"x": 30, "reddit": 12},
    "languages": {"en": 35, "ro": 7},
    "sources": {"x-brand": 30},
    "complaints": 38,
    "top_posts": [{"id": 17, "text": f"Down again {HOSTILE}", "followers": 12000,
                   "platform": "x"}],
    "incident": None,
    "proposed_incident": {"title": "Mobile data outage",
                          "keywords": {"en": ["outage", "no signal"], "ro": ["pana"]}},
    "detector": {"observed": 42.0, "expected": 3.5, "reason": HOSTILE},
    "method_notes": [HOSTILE],
}


def test_console_lists_alerts_and_the_mail_queue(app: Flask, rt: Runtime,
                                                 clock: FrozenClock) -> None:
    alert_id = _alert(rt, clock, summary=f"Spike {HOSTILE}")
    _alert(rt, clock, kind=AlertKind.ALL_CLEAR, summary="quiet again")
    _queue(rt, alert_id=alert_id, subject=f"Spike {HOSTILE}")
    deliver_mail(rt)
    page = _client(app, rt).get("/alerts/").get_data(as_text=True)
    assert HOSTILE not in page and "&lt;script&gt;" in page
    assert f'href="/alerts/{alert_id}"' in page and "all clear" in page
    assert "no message" in page  # the all-clear sent none
    assert ">sent</span>" in page and "ops@example.com" in page and ">file<" in page


def test_console_explains_an_alert(app: Flask, rt: Runtime, clock: FrozenClock) -> None:
    alert_id = _alert(rt, clock, details=DETAILS)
    page = _client(app, rt).get(f"/alerts/{alert_id}").get_data(as_text=True)
    # The term, the post, the detector's reason and the unknown key: all escaped.
    assert HOSTILE not in page and page.count("&lt;script&gt;") == 4
    for shown in ("outage", "4.25", "reddit", "ro", "x-brand", "38", "12000 followers",
                  "Mobile data outage", "pana", "No incident was open", "method_notes",
                  "expected"):
        assert shown in page, shown
    assert 'href="/conversations/17"' in page
    assert f'href="/incidents/new?alert={alert_id}"' in page


def test_console_links_an_open_incident_and_survives_odd_details(
        app: Flask, rt: Runtime, clock: FrozenClock) -> None:
    open_one = _alert(rt, clock, details={"incident": {"id": 5, "title": "Outage"}})
    odd = _alert(rt, clock, details={"terms": "not a list", "top_posts": [1, 2],
                                     "platforms": 3, "incident": {"id": "5; drop"}})
    nothing = _alert(rt, clock, details=None)
    critical = _alert(rt, clock, kind=AlertKind.CRITICAL, details={"mention_ids": [8, 9]})
    digest = _alert(rt, clock, kind=AlertKind.DIGEST, details={"lines": ["Volume: 12", HOSTILE]})
    client = _client(app, rt)
    assert 'href="/incidents/5"' in client.get(f"/alerts/{open_one}").get_data(as_text=True)
    page = client.get(f"/alerts/{odd}").get_data(as_text=True)
    assert "not a list" in page and "/conversations/" not in page and "5; drop" in page
    assert client.get(f"/alerts/{nothing}").status_code == 200
    assert 'href="/conversations/9"' in client.get(f"/alerts/{critical}").get_data(as_text=True)
    page = client.get(f"/alerts/{digest}").get_data(as_text=True)
    assert "Volume: 12\n&lt;script&gt;" in page and HOSTILE not in page
    assert client.get("/alerts/999").status_code == 404


def test_console_shows_a_message_as_sent(app: Flask, rt: Runtime, clock: FrozenClock) -> None:
    row_id = _queue(rt, text=f"Look: {HOSTILE}")
    deliver_mail(rt)
    row = _row(rt, row_id)
    page = _client(app, rt).get(f"/alerts/mail/{row_id}").get_data(as_text=True)
    assert HOSTILE not in page and "Look: &lt;script&gt;" in page
    assert "Message-ID" in page and row.message_id.strip("<>") in page
    assert eml_path(rt.settings, row).name in page


def test_console_sends_a_failed_message_again(app: Flask, rt: Runtime,
                                              clock: FrozenClock) -> None:
    row_id = _queue(rt)
    with writing(rt.sessions) as session:
        row = session.get(MailMessage, row_id)
        assert row is not None
        row.status, row.error = MailStatus.FAILED, "550 no"  # as the job leaves it
    client = _client(app, rt)
    assert "Send again" in client.get("/alerts/").get_data(as_text=True)
    response = client.post(f"/alerts/mail/{row_id}/retry")
    assert response.status_code == 302
    assert _row(rt, row_id).status == "queued"
    again = client.post(f"/alerts/mail/{row_id}/retry", follow_redirects=True)
    assert "Only a failed message can be sent again" in again.get_data(as_text=True)
    with rt.sessions() as session:
        entry = session.scalar(select(AuditLog).where(AuditLog.action == "mail.retry"))
        assert entry is not None and entry.user_id is not None


def test_console_alert_pages_are_for_leads(app: Flask, rt: Runtime, clock: FrozenClock) -> None:
    row_id = _queue(rt)
    agent = _client(app, rt, "agent")
    for url in ("/alerts/", f"/alerts/mail/{row_id}"):
        assert agent.get(url).status_code == 403
    assert agent.post(f"/alerts/mail/{row_id}/retry").status_code == 403
