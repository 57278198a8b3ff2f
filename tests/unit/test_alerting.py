"""Alert rules evaluated over stored mentions, replayed with the replaceable clock: a steady
fortnight stays quiet, an outage burst raises one explained alert within one interval and an
all-clear after it, critical mentions are mailed at once (batched), and the digest goes daily."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import Alert, AlertRule, MailMessage, Mention
from earful.runtime import Runtime
from earful.work.alerting import bucket_boundary, evaluate_rules, mail_critical, send_digest

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday
BURST = START + timedelta(days=14, hours=10, minutes=2)
OUTAGE_TEXTS = [("en", "@LumenMobile network down, no signal at all"),
                ("ro", "@LumenMobile nu am semnal deloc, rețeaua e căzută"),
                ("ru", "@LumenMobile связь не работает, нет сигнала")]
CHATTER = [("en", "my bill is higher than last month"), ("en", "slow support chat today"),
           ("es", "la factura llegó tarde otra vez"), ("de", "Rechnung schon wieder falsch")]


def _rate(moment: datetime) -> float:
    """Negative mentions per 5 minutes: a daily curve, quieter at weekends."""
    hour = moment.hour + moment.minute / 60
    daily = 0.15 + max(0.0, math.sin(math.pi * (hour - 7) / 14))
    return 1.2 * daily * (0.6 if moment.weekday() >= 5 else 1.0)


def _history(session: Session, until: datetime) -> None:
    """A fortnight (and more) of ordinary complaints, inserted in bulk."""
    rng = np.random.default_rng(11)
    rows: list[dict[str, Any]] = []
    moment = START
    while moment < until:
        for i in range(int(rng.poisson(_rate(moment)))):
            lang, text = CHATTER[(len(rows) + i) % len(CHATTER)]
            rows.append(_row(moment + timedelta(seconds=int(rng.integers(0, 300))), text, lang))
        moment += timedelta(minutes=5)
    session.execute(insert(Mention), rows)
    session.commit()


def _row(created: datetime, text: str, lang: str, **extra: Any) -> dict[str, Any]:
    _row.n = getattr(_row, "n", 0) + 1  # type: ignore[attr-defined]
    return {"platform": "x", "external_id": f"h{_row.n}", "text": text,  # type: ignore[attr-defined]
            "lang": lang, "created_at": created, "fetched_at": created, "sentiment": "negative",
            "complaint": True, "urgency": "normal", "urgency_rank": 2, "status": "new",
            **extra}


@pytest.fixture
def rule(session: Session, rt: Runtime) -> AlertRule:
    rt.settings.alerts.bucket_minutes = 5
    found = AlertRule(name="Negative spike", recipients="care@example.com", window_minutes=15,
                      baseline_days=14, min_count=10, factor=3.0, cooldown_minutes=60)
    session.add(found)
    session.commit()
    return found


def _replay(session: Session, rt: Runtime, clock: FrozenClock, start: datetime,
            end: datetime) -> list[Alert]:
    raised = []
    moment = start
    while moment <= end:
        clock.set(moment + timedelta(seconds=5))
        raised += evaluate_rules(session, rt.settings)
        session.commit()
        moment += timedelta(minutes=5)
    return raised


def test_a_steady_fortnight_raises_nothing(session: Session, rt: Runtime, clock: FrozenClock,
                                           rule: AlertRule) -> None:
    _history(session, START + timedelta(days=15))
    raised = _replay(session, rt, clock, START + timedelta(days=14),
                     START + timedelta(days=15))
    assert raised == []
    assert session.scalars(select(MailMessage)).all() == []
    assert session.get(AlertRule, rule.id).state == "clear"  # type: ignore[union-attr]


def test_an_outage_burst_raises_one_explained_alert_then_the_all_clear(
        session: Session, rt: Runtime, clock: FrozenClock, rule: AlertRule) -> None:
    _history(session, BURST)
    burst = [_row(BURST + timedelta(seconds=20 * i), OUTAGE_TEXTS[i % 3][1], OUTAGE_TEXTS[i % 3][0],
                  urgency="critical", urgency_rank=0, reason_codes=["outage"])
             for i in range(40)]
    session.execute(insert(Mention), burst)
    session.commit()
    raised = _replay(session, rt, clock, BURST - timedelta(minutes=30),
                     BURST + timedelta(hours=2))
    spikes = [a for a in raised if a.kind == "spike"]
    clears = [a for a in raised if a.kind == "all_clear"]
    assert len(spikes) == 1 and len(clears) == 1
    spike = spikes[0]
    interval = timedelta(seconds=rt.settings.alerts.evaluation_interval_seconds)
    assert spike.window_end - BURST <= interval  # caught at the first boundary after it began
    terms = " ".join(term for term, _score in spike.details["terms"])
    assert "semnal" in terms or "signal" in terms  # diacritics folded: "semnal", "retea"
    assert spike.details["languages"].keys() >= {"en", "ro", "ru"}
    assert spike.details["proposed_incident"]["keywords"]["ro"]
    assert spike.details["top_posts"]
    mails = session.scalars(select(MailMessage).order_by(MailMessage.id)).all()
    assert [m.kind for m in mails] == ["spike", "all_clear"]
    assert mails[0].recipients == ["care@example.com"]
    assert f"/incidents/new?alert={spike.id}" in mails[0].text_body
    assert "&lt;" not in mails[0].text_body and "<p>" in mails[0].html_body


def test_critical_mentions_are_mailed_at_once_in_batches(session: Session, rt: Runtime,
                                                         clock: FrozenClock) -> None:
    rt.settings.alerts.critical_recipients = ["oncall@example.com"]
    at = clock.now()
    session.execute(insert(Mention), [
        _row(at, "someone took over my account and changed the password", "en",
             urgency="critical", urgency_rank=0, reasons=["account security"]),
        _row(at + timedelta(seconds=20), "the charger is smoking, smells of burning", "en",
             urgency="critical", urgency_rank=0, reasons=["safety"])])
    session.commit()
    clock.advance(seconds=30)
    assert mail_critical(session, rt.settings) is None  # the first one has waited 30 s only
    clock.advance(seconds=31)
    alert = mail_critical(session, rt.settings)
    assert alert is not None and alert.count == 2
    session.commit()
    (mail,) = session.scalars(select(MailMessage)).all()
    assert mail.recipients == ["oncall@example.com"] and "account security" in mail.text_body
    clock.advance(minutes=5)
    assert mail_critical(session, rt.settings) is None  # nothing new: nothing twice


def test_the_digest_goes_once_a_day(session: Session, rt: Runtime, clock: FrozenClock,
                                    rule: AlertRule) -> None:
    rt.settings.alerts.digest = True
    zone = rt.sla.calendar.zone
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=zone).astimezone(UTC))
    assert send_digest(session, rt.settings, rt.sla.calendar) is None  # before digest_hour
    clock.set(datetime(2026, 3, 3, 8, 5, tzinfo=zone).astimezone(UTC))
    assert send_digest(session, rt.settings, rt.sla.calendar) is not None
    session.commit()
    assert send_digest(session, rt.settings, rt.sla.calendar) is None
    (mail,) = session.scalars(select(MailMessage)).all()
    assert mail.subject == "[Earful] Digest for 2026-03-02" and "Sentiment" in mail.text_body


def test_bucket_boundary() -> None:
    at = datetime(2026, 3, 2, 10, 7, 31, tzinfo=UTC)
    assert bucket_boundary(at, 5) == datetime(2026, 3, 2, 10, 5, tzinfo=UTC)


def test_sources_are_scopes_only_when_there_are_several(session: Session,
                                                        rule: AlertRule) -> None:
    from earful.models import Source
    from earful.work.alerting import _scopes

    session.add(Source(name="x-brand", platform="x"))
    session.commit()
    assert _scopes(session, rule) == [("overall", None)]  # one source is the whole series
    session.add(Source(name="masto", platform="mastodon"))
    session.commit()
    assert [name for name, _ in _scopes(session, rule)] == ["overall", "masto", "x-brand"]
    rule.platform = "x"
    assert [name for name, _ in _scopes(session, rule)] == ["overall"]
