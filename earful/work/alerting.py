"""Evaluating the spike rules, mailing critical mentions at once, and the daily digest.

`evaluate_rules` runs every `[alerts] evaluation_interval_seconds` (a job), at the last bucket
boundary: for each enabled rule, overall and for each source (the rule's platform only, when it
names one), it counts the rule's mentions (negative by default) per bucket over the baseline
days, asks the detector (`earful.work.spikes`) whether the window spiked, keeps the detector's
state per scope on the rule, and for a spike stores an explained `Alert` and queues its e-mail
(`earful.work.mail`); the all-clear is stored and mailed too.

Critical mentions (urgency critical: safety, account security, fraud) are mailed to the on-call
recipients at once: `mail_critical` runs every 30 s and sends, in one message, every critical
mention fetched since the last one, once the oldest of them is `critical_batch_seconds` old.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful import runtime
from earful.calendar import BusinessCalendar
from earful.clock import now
from earful.db import writing
from earful.models import Alert, AlertRule, Mention, Source
from earful.settings import Settings
from earful.vocab import AlertKind, Status, Urgency
from earful.work import measures
from earful.work.alert_counts import bucket_counts, totals
from earful.work.alert_explain import explain
from earful.work.csat import csat_summary
from earful.work.mail import clean_recipients, queue_mail
from earful.work.spikes import Event, RuleConfig, ScopeState, evaluate

OVERALL = "overall"
CRITICAL_MAX = 50  # mentions listed in one critical message


def bucket_boundary(at: datetime, bucket_minutes: int) -> datetime:
    """The last bucket boundary at or before `at` (UTC)."""
    at = at.astimezone(UTC)
    minutes = (at.hour * 60 + at.minute) // bucket_minutes * bucket_minutes
    return at.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)


LOCAL_TEAM = "care-team@localhost"  # who .eml files are addressed to when no one is configured


def recipients_of(rule: AlertRule, settings: Settings) -> list[str]:
    """The rule's addresses, else [alerts] recipients; with neither and no SMTP server (the
    embedded default), the team's local mailbox, so the alert still lands as an .eml file."""
    found = [a.strip() for a in rule.recipients.split(",") if a.strip()]
    found = found or list(settings.alerts.recipients)
    return found or ([LOCAL_TEAM] if not settings.smtp.host else [])


def _scopes(session: Session, rule: AlertRule) -> list[tuple[str, int | None]]:
    """(scope name, source id): overall, and every source the rule's platform allows."""
    query = select(Source.name, Source.id).order_by(Source.name)
    if rule.platform:
        query = query.where(Source.platform == rule.platform)
    sources = [(str(name), int(ident)) for name, ident in session.execute(query)]
    # One source is the whole series: its own scope would only repeat every alert.
    return [(OVERALL, None), *(sources if len(sources) > 1 else [])]


def evaluate_rules(session: Session, settings: Settings, at: datetime | None = None
                   ) -> list[Alert]:
    """Evaluate every enabled rule at the last bucket boundary; return the alerts raised."""
    bucket = settings.alerts.bucket_minutes
    boundary = bucket_boundary(at or now(), bucket)
    raised = []
    for rule in session.scalars(select(AlertRule).where(AlertRule.enabled.is_(True))
                                .order_by(AlertRule.id)):
        raised += _evaluate_rule(session, settings, rule, boundary, bucket)
    return raised


def _evaluate_rule(session: Session, settings: Settings, rule: AlertRule, at: datetime,
                   bucket: int) -> list[Alert]:
    config = RuleConfig.from_rule(rule, bucket)
    window = timedelta(minutes=config.window_minutes)
    since = at - timedelta(days=config.baseline_days) - window
    states = dict(rule.scopes or {})
    raised = []
    for scope, source_id in _scopes(session, rule):
        sentiment = rule.sentiment or None
        counts = bucket_counts(session, since, at, bucket, sentiment=sentiment,
                               platform=rule.platform, source_id=source_id)
        share, usual = _shares(session, counts, since, at - window, at, bucket, rule,
                               source_id) if sentiment else (None, None)
        state, event = evaluate(counts, at, config, ScopeState.from_json(states.get(scope)),
                                share, scope, usual)
        states[scope] = state.to_json()
        if event is not None:
            raised.append(_raise(session, settings, rule, event, at - window, at, source_id))
    rule.scopes = states
    rule.state = ScopeState.from_json(states.get(OVERALL)).state
    rule.last_evaluated_at = at
    return raised


def _shares(session: Session, counts: dict[datetime, int], since: datetime, start: datetime,
            at: datetime, bucket: int, rule: AlertRule, source_id: int | None
            ) -> tuple[tuple[float, float], float | None]:
    """(the rule's mentions, all mentions) in the window [start, at), and the rule's usual
    share of all mentions over the baseline days before it (None without any mention)."""
    every = totals(session, since, at, bucket, platform=rule.platform, source_id=source_id)
    window = (float(sum(n for t, n in counts.items() if t >= start)),
              float(sum(n for t, n in every.items() if t >= start)))
    before = sum(n for t, n in every.items() if t < start)
    usual = sum(n for t, n in counts.items() if t < start) / before if before else None
    return window, usual


def _raise(session: Session, settings: Settings, rule: AlertRule, event: Event,
           start: datetime, end: datetime, source_id: int | None) -> Alert:
    details = explain(session, start, end, sentiment=rule.sentiment or None,
                      platform=rule.platform, source_id=source_id) \
        if event.kind == AlertKind.SPIKE else {}
    details["detector"] = event.as_json()
    alert = Alert(rule_id=rule.id, kind=event.kind, scope=event.scope, fired_at=now(),
                  window_start=start, window_end=end, count=int(event.observed),
                  baseline=float(event.expected), summary=event.reason, details=details)
    session.add(alert)
    session.flush()
    to = clean_recipients(recipients_of(rule, settings))
    if to:
        subject, text, body = compose_alert(alert, rule, settings)
        queue_mail(session, alert.kind, to, subject, text, body, alert_id=alert.id)
    return alert


def compose_alert(alert: Alert, rule: AlertRule, settings: Settings) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an alert's e-mail (every value escaped in the HTML)."""
    base = settings.app.public_url.rstrip("/")
    where = "" if alert.scope == OVERALL else f" on {alert.scope}"
    if alert.kind == AlertKind.ALL_CLEAR:
        subject = f"[Earful] All clear: {rule.name}{where}"
        lines = [f"The spike{where} has subsided: {alert.summary}", "",
                 f"{base}/alerts/{alert.id}"]
        return subject, "\n".join(lines), _html(lines)
    details = alert.details or {}
    subject = (f"[Earful] {rule.name}{where}: {alert.count} in "
               f"{rule.window_minutes} min (usually {alert.baseline:.1f})")
    lines = [alert.summary, ""]
    if details.get("terms"):
        lines.append("What people say: " + ", ".join(t for t, _ in details["terms"]))
    for key, label in (("platforms", "Platforms"), ("languages", "Languages"),
                       ("sources", "Sources")):
        if details.get(key):
            lines.append(f"{label}: " + ", ".join(f"{k} {n}" for k, n in sorted(
                details[key].items(), key=lambda kv: -kv[1])))
    lines.append(f"Complaints: {details.get('complaints', 0)}")
    for post in details.get("top_posts", []):
        lines.append(f"- {post['text'][:140]} ({post['followers']} followers) "
                     f"{base}/conversations/{post['id']}")
    if details.get("incident"):
        lines.append(f"Open incident #{details['incident']['id']}: "
                     f"{details['incident']['title']} {base}/incidents/{details['incident']['id']}")
    elif details.get("proposed_incident"):
        lines.append(f"It looks like an outage: open an incident {base}/incidents/new?alert="
                     f"{alert.id}")
    lines += ["", f"{base}/alerts/{alert.id}"]
    return subject, "\n".join(lines), _html(lines)


def _html(lines: list[str]) -> str:
    """The text as simple HTML: one paragraph a line, everything escaped."""
    body = "".join(f"<p>{html.escape(line)}</p>" if line else "" for line in lines)
    return f"<!doctype html><html><body>{body}</body></html>"


def mail_critical(session: Session, settings: Settings, at: datetime | None = None) -> Alert | None:
    """Mail the critical mentions fetched since the last such message, once the oldest has
    waited `critical_batch_seconds` (so several arriving together go in one message)."""
    at = at or now()
    last = session.scalar(select(func.max(Alert.window_end)).where(
        Alert.kind == AlertKind.CRITICAL))
    since = last or at - timedelta(minutes=10)  # a first start does not mail the archive
    pending = session.scalars(select(Mention).where(
        Mention.urgency == Urgency.CRITICAL, Mention.fetched_at > since,
        Mention.fetched_at <= at, Mention.status != Status.OWN, Mention.deleted.is_(False))
        .order_by(Mention.fetched_at, Mention.id).limit(CRITICAL_MAX)).all()
    batch = timedelta(seconds=settings.alerts.critical_batch_seconds)
    if not pending or pending[0].fetched_at > at - batch:
        return None
    end = max(m.fetched_at for m in pending)
    alert = Alert(kind=AlertKind.CRITICAL, scope=OVERALL, fired_at=at, window_start=since,
                  window_end=end, count=len(pending), baseline=0.0,
                  summary=f"{len(pending)} critical mention(s)",
                  details={"mention_ids": [m.id for m in pending]})
    session.add(alert)
    session.flush()
    to = clean_recipients(list(settings.alerts.critical_recipients)
                          or _all_rule_recipients(session, settings))
    if to:
        base = settings.app.public_url.rstrip("/")
        lines = [f"{len(pending)} critical mention(s) need an answer now:", ""]
        lines += [f"- [{m.platform}, {m.lang}] {' '.join((m.text or '').split())[:200]} "
                  f"({'; '.join(m.reasons or [])}) {base}/conversations/{m.id}" for m in pending]
        queue_mail(session, AlertKind.CRITICAL, to,
                   f"[Earful] {len(pending)} critical mention(s)", "\n".join(lines),
                   _html(lines), alert_id=alert.id)
    return alert


def _all_rule_recipients(session: Session, settings: Settings) -> list[str]:
    found: list[str] = []
    for rule in session.scalars(select(AlertRule).where(AlertRule.enabled.is_(True))):
        found += [r for r in recipients_of(rule, settings) if r not in found]
    return found


def send_digest(session: Session, settings: Settings, calendar: BusinessCalendar,
                at: datetime | None = None) -> Alert | None:
    """Yesterday's measures, once a day at `[alerts] digest_hour` local time (when enabled)."""
    at = at or now()
    zone = calendar.zone
    local = at.astimezone(zone)
    if not settings.alerts.digest or local.hour < settings.alerts.digest_hour:
        return None
    day = local.date() - timedelta(days=1)
    rng = measures.DateRange(day, day, zone)
    if session.scalar(select(Alert.id).where(Alert.kind == AlertKind.DIGEST,
                                             Alert.window_start == rng.start)):
        return None
    lines = _digest_lines(session, settings, calendar, rng, day)
    alert = Alert(kind=AlertKind.DIGEST, scope=OVERALL, fired_at=at, window_start=rng.start,
                  window_end=rng.end, summary=f"Digest for {day.isoformat()}",
                  details={"lines": lines})
    session.add(alert)
    session.flush()
    to = clean_recipients(_all_rule_recipients(session, settings))
    if to:
        queue_mail(session, AlertKind.DIGEST, to, f"[Earful] Digest for {day.isoformat()}",
                   "\n".join(lines), _html(lines), alert_id=alert.id)
    return alert


def _digest_lines(session: Session, settings: Settings, calendar: BusinessCalendar,
                  rng: measures.DateRange, day: date) -> list[str]:
    """The dashboard's own measures (the same core functions), as lines of text."""
    lines = [f"{settings.brand.name}: {day.isoformat()}", ""]
    for name in ("volume", "sentiment", "complaints", "first_response", "sla"):
        table = measures.compute(name, session, rng, calendar)
        lines.append(table.title)
        lines += ["  " + " | ".join("" if v is None else str(v) for v in row)
                  for row in [table.columns, *table.rows]]
        lines.append("")
    summary = csat_summary(session, rng.start, rng.end)
    if settings.csat.enabled:
        lines.append(f"CSAT: {summary['average'] or 'n/a'} average from {summary['answered']} "
                     f"answer(s)")
    return lines


def run_alerts() -> int:
    """The scheduled job: evaluate the rules and send the digest when it is due."""
    rt = runtime.current()
    with writing(rt.sessions) as session:
        raised = evaluate_rules(session, rt.settings)
        send_digest(session, rt.settings, rt.sla.calendar)
    return len(raised)


def run_critical() -> int:
    """The scheduled job for critical mentions (every 30 s)."""
    rt = runtime.current()
    with writing(rt.sessions) as session:
        alert = mail_critical(session, rt.settings)
    return alert.count if alert is not None else 0
