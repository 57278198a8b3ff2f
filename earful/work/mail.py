"""Alert e-mail: queued as a `MailMessage` row, sent once by a job, never lost.

A message's life: queued -> sending -> sent | failed (and back to queued for a retry). The job
(`run_mail_delivery`, every 30 s) claims due rows in a short write transaction, marking them
`sending` *before* any SMTP conversation; it talks to the server with no transaction open and
writes each outcome in its own transaction, the very next one after the server's answer:

- accepted by the server: `sent` (a success is always recorded: it is what happened);
- the server is down, slow or answers 4xx: `queued` again with exponential backoff
  (`[smtp] retry_base_seconds` doubling up to `retry_max_seconds`), the error in plain words;
- a permanent 5xx refusal (every recipient, the sender or the content): `failed` with the
  server's words; the row stays listed and `retry_mail` queues it again.

A failure is written only while the claim is still ours (`claimed_at` unchanged). A job that
dies holding a claim leaves the row `sending`; after the lease (`timeout_seconds * 4`, longer
than any SMTP conversation) the next run claims it again.

The one window SMTP cannot close: a crash (or a dropped connection) after the server accepted
DATA and before the `sent` commit. The row is still `sending`, so after the lease the message is
sent again and the recipients get it twice. SMTP has no way to ask a server "did you get this
one?" (nothing like a platform's `find_own_post`), so the window is kept as small as it can be:
one commit, with nothing else done between the server's "250" and that commit. Receivers can
still tell the copies apart: both carry the same Message-ID.

With no SMTP server configured (`[smtp] host = ""`) the message is written as
`instance/outbox/<id>-<message id>.eml` (a temporary file, then an atomic rename: rewriting it
after a crash gives the same file), so the window does not exist there.
"""

from __future__ import annotations

import email.policy
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from earful import runtime
from earful.clock import now
from earful.db import writing
from earful.models import Alert, MailMessage
from earful.runtime import Runtime
from earful.settings import Settings, SmtpSettings
from earful.vocab import MailStatus
from earful.work.audit import audit
from earful.work.errors import WorkflowError

log = logging.getLogger(__name__)

SUBJECT_LENGTH = 300
ERROR_LENGTH = 500
LEASE_FACTOR = 4  # a claim older than timeout_seconds * 4 belongs to a job that died
# A plain addr-spec: dot-atom local part, a dotted domain (no quoted strings, no IP literals).
ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                     r"@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*"
                     r"[A-Za-z0-9])?)*$")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


class _Refused(Exception):
    """The server refused the message for good (5xx): do not retry on our own."""


def is_address(address: str) -> bool:
    """A plain e-mail address this module will send to (the alert-rule form checks with it)."""
    return len(address) <= 254 and ADDRESS.match(address) is not None


def clean_recipients(recipients: Sequence[str]) -> list[str]:
    """Valid addresses in their first spelling, duplicates (any case) dropped."""
    seen: set[str] = set()
    kept = []
    for raw in recipients:
        address = str(raw).strip()
        if not is_address(address):
            if address:
                log.warning("mail: dropped an invalid recipient %r", address[:80])
            continue
        if address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return kept


def clean_subject(subject: str) -> str:
    """One line: CR, LF and other controls become spaces (no header can be injected)."""
    return " ".join(CONTROL.sub(" ", subject).split())[:SUBJECT_LENGTH]


def _sender_domain(sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2]
    return re.sub(r"[^A-Za-z0-9.-]", "", domain) or "localhost"


def queue_mail(session: Session, kind: str, recipients: Sequence[str], subject: str, text: str,
               html: str = "", alert_id: int | None = None) -> MailMessage:
    """Queue an e-mail for the delivery job (the caller commits)."""
    addresses = clean_recipients(recipients)
    if not addresses:
        raise WorkflowError("No valid e-mail address to send this message to.")
    sender = runtime.current().settings.smtp.sender if _has_runtime() else SmtpSettings().sender
    row = MailMessage(message_id=make_msgid(domain=_sender_domain(sender)),
                      kind=str(kind)[:16], alert_id=alert_id, recipients=addresses,
                      subject=clean_subject(subject), text_body=text, html_body=html or "",
                      status=MailStatus.QUEUED, attempts=0, created_at=now())
    session.add(row)
    session.flush()
    return row


def _has_runtime() -> bool:
    try:
        runtime.current()
    except RuntimeError:
        return False
    return True


def build_message(row: MailMessage, settings: Settings) -> EmailMessage:
    """The message as it goes out: text, plus an HTML alternative when there is one."""
    message = EmailMessage(policy=email.policy.SMTP)  # refuses CR/LF in any header value
    message["From"] = settings.smtp.sender
    message["To"] = ", ".join(clean_recipients(row.recipients or []))
    message["Subject"] = clean_subject(row.subject)
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    # RFC 3834: an automatic message; out-of-office robots should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body or "")
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    return message


def eml_path(settings: Settings, row: MailMessage) -> Path:
    """Where a message goes when no SMTP server is configured."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", row.message_id.strip("<>"))[:120]
    return settings.instance_dir / "outbox" / f"{row.id}-{safe}.eml"


def _lease(smtp: SmtpSettings) -> timedelta:
    return timedelta(seconds=smtp.timeout_seconds * LEASE_FACTOR)


def claim_due(session: Session, limit: int, lease: timedelta) -> list[MailMessage]:
    """Mark up to `limit` due rows `sending` (queued and due, or a dead job's after the lease)."""
    at = now()
    due = or_(
        (MailMessage.status == MailStatus.QUEUED)
        & (MailMessage.next_attempt_at.is_(None) | (MailMessage.next_attempt_at <= at)),
        (MailMessage.status == MailStatus.SENDING) & (MailMessage.claimed_at < at - lease))
    rows = list(session.scalars(select(MailMessage).where(due).order_by(MailMessage.id)
                                .limit(limit).with_for_update(skip_locked=True)))
    for row in rows:
        if row.status == MailStatus.SENDING:
            log.warning("mail %s: recovered after its lease; it may have gone out already",
                        row.id)
        row.status = MailStatus.SENDING
        row.claimed_at = at
        row.attempts += 1
    return rows


def deliver_mail(rt: Runtime, limit: int = 20) -> dict[int, str]:
    """Claim due messages, send each with no transaction open, record each outcome."""
    with writing(rt.sessions) as session:
        claimed = [(row, row.claimed_at) for row in claim_due(session, limit,
                                                              _lease(rt.settings.smtp))]
    outcomes: dict[int, str] = {}
    for row, claimed_at in claimed:
        outcomes[row.id] = _deliver_one(rt, row, claimed_at)
    return outcomes


def _deliver_one(rt: Runtime, row: MailMessage, claimed_at: datetime | None) -> str:
    settings = rt.settings
    try:
        message = build_message(row, settings)
    except ValueError as error:  # nothing a retry could change: a lead must look at it
        return _record_failure(rt, row.id, claimed_at,
                               f"the message cannot be built: {error}", permanent=True)
    if not settings.smtp.host:
        return _deliver_to_file(rt, row, claimed_at, message)
    try:
        refused = _send_smtp(message, row, settings.smtp)
    except _Refused as refusal:
        return _record_failure(rt, row.id, claimed_at, str(refusal), permanent=True)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        return _record_failure(rt, row.id, claimed_at, _plain_words(error, settings.smtp),
                               permanent=False)
    note = "; ".join(f"{a}: {_said(code, text)}" for a, (code, text) in refused.items())
    return _record_sent(rt, row.id, "smtp", f"not accepted for {note}" if note else None)


def _deliver_to_file(rt: Runtime, row: MailMessage, claimed_at: datetime | None,
                     message: EmailMessage) -> str:
    path = eml_path(rt.settings, row)
    try:
        _write_eml(path, message)
    except OSError as error:
        return _record_failure(rt, row.id, claimed_at,
                               f"cannot write {path}: {error.strerror or error}", permanent=False)
    return _record_sent(rt, row.id, "file", None)


def _write_eml(path: Path, message: EmailMessage) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    # Line ends as the system's text files have them; mail programs open either kind.
    temporary.write_bytes(message.as_bytes(policy=email.policy.default))
    os.replace(temporary, path)


def _send_smtp(message: EmailMessage, row: MailMessage, smtp: SmtpSettings
               ) -> dict[str, tuple[int, bytes]]:
    """One SMTP conversation; returns the recipients refused while others were accepted."""
    context = ssl.create_default_context()
    client = (smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_seconds,
                               context=context) if smtp.ssl
              else smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds))
    try:
        if smtp.starttls:
            client.starttls(context=context)
        username = os.environ.get(smtp.username_env) if smtp.username_env else None
        if username:
            password = os.environ.get(smtp.password_env, "") if smtp.password_env else ""
            client.login(username, password)
        sender = parseaddr(smtp.sender)[1] or smtp.sender
        return _send(client, message, sender, list(row.recipients), smtp)
    finally:
        _close(client)


def _send(client: smtplib.SMTP, message: EmailMessage, sender: str, to: list[str],
          smtp: SmtpSettings) -> dict[str, tuple[int, bytes]]:
    try:
        return client.send_message(message, from_addr=sender, to_addrs=to)
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _text in error.recipients.values()):
            said = "; ".join(f"{a}: {_said(c, t)}" for a, (c, t) in error.recipients.items())
            raise _Refused(f"smtp {smtp.host}:{smtp.port} refused every recipient: {said}"
                           ) from error
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        if error.smtp_code >= 500:
            raise _Refused(f"smtp {smtp.host}:{smtp.port} refused the message: "
                           f"{_said(error.smtp_code, error.smtp_error)}") from error
        raise


def _close(client: smtplib.SMTP) -> None:
    """QUIT, ignoring its errors: once DATA is accepted, the message has gone."""
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def _plain_words(error: Exception, smtp: SmtpSettings) -> str:
    """The error as an operator would say it, naming the server."""
    where = f"smtp {smtp.host}:{smtp.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"{where} refused the login: {_said(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        said = "; ".join(f"{a}: {_said(c, t)}" for a, (c, t) in error.recipients.items())
        return f"{where} refused the recipients for now: {said}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{where} answered {_said(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection: {error}"
    if isinstance(error, smtplib.SMTPException):  # an OSError too: must come before it
        return f"{where}: {error}"
    if isinstance(error, ssl.SSLError):
        return f"TLS with {where} failed: {error.reason or error}"
    if isinstance(error, TimeoutError):
        return f"cannot reach {where}: timed out after {smtp.timeout_seconds} s"
    if isinstance(error, OSError):
        return f"cannot reach {where}: {(error.strerror or str(error)).lower()}"
    return f"{where}: {error}"


def _record_sent(rt: Runtime, row_id: int, delivered_to: str, note: str | None) -> str:
    """Always written: the server has the message (or the file is there)."""
    with writing(rt.sessions) as session:
        row = session.scalar(select(MailMessage).where(MailMessage.id == row_id)
                             .with_for_update())
        if row is None:
            return "gone"
        if row.status == MailStatus.SENT:
            log.warning("mail %s: sent again after another job had sent it", row_id)
            return str(MailStatus.SENT)
        row.status = MailStatus.SENT
        row.delivered_to, row.sent_at = delivered_to, now()
        row.error, row.next_attempt_at = (note[:ERROR_LENGTH] if note else None), None
        alert = session.get(Alert, row.alert_id) if row.alert_id else None
        if alert is not None and alert.emailed_at is None:
            alert.emailed_at = row.sent_at
        audit(session, None, "mail.sent", "mail", row.id, delivered_to=delivered_to)
    return str(MailStatus.SENT)


def _record_failure(rt: Runtime, row_id: int, claimed_at: datetime | None, error: str, *,
                    permanent: bool) -> str:
    """Failed for good, or queued again after the backoff; only while the claim is ours."""
    with writing(rt.sessions) as session:
        row = session.scalar(select(MailMessage).where(MailMessage.id == row_id)
                             .with_for_update())
        if row is None or row.status != MailStatus.SENDING or row.claimed_at != claimed_at:
            return "not ours"
        row.error = error[:ERROR_LENGTH]
        if permanent:
            row.status, row.next_attempt_at = MailStatus.FAILED, None
            audit(session, None, "mail.failed", "mail", row.id, error=row.error)
        else:
            smtp = rt.settings.smtp
            row.status = MailStatus.QUEUED
            row.next_attempt_at = now() + backoff(row.attempts, smtp.retry_base_seconds,
                                                  smtp.retry_max_seconds)
        log.warning("mail %s: %s", row_id, row.error)
        return str(row.status)


def backoff(attempts: int, base_seconds: float, max_seconds: float) -> timedelta:
    """base, 2*base, 4*base ... capped at max_seconds."""
    return timedelta(seconds=min(max_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def run_mail_delivery() -> int:
    """The scheduled job: deliver what is due; returns how many were sent."""
    outcomes = deliver_mail(runtime.current())
    return sum(1 for outcome in outcomes.values() if outcome == MailStatus.SENT)


def retry_mail(session: Session, row: MailMessage, user_id: int | None = None) -> None:
    """Queue a failed message again (the caller commits)."""
    if row.status != MailStatus.FAILED:
        raise WorkflowError(f"Only a failed message can be sent again (this one is {row.status}).")
    row.status = MailStatus.QUEUED
    row.next_attempt_at = None
    row.attempts = 0
    audit(session, user_id, "mail.retry", "mail", row.id)
