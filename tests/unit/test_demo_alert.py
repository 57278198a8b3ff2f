"""The issue's "done when", without a browser: the demo's outage, played at speed 1 over the
demo's own back-dated fortnight with the replaceable clock and evaluated at every boundary as
the job does, raises one spike alert within one evaluation interval, explained, with a proposed
incident, written as an .eml under instance/outbox/ and listed in the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from earful.clock import FrozenClock
from earful.models import Alert, MailMessage
from earful.runtime import Runtime
from earful.work.alerting import evaluate_rules
from earful.work.mail import deliver_mail, eml_path
from listener.demo.adapter import beat_record
from listener.demo.runner import prepare_demo
from listener.demo.scenario import SCENARIO
from listener.ingest import ingest
from tests.unit.lead_admin_support import client_as, make_app
from web.alert_rules import seed_alert_rules

STARTED = datetime(2026, 3, 4, 9, 0, 10, tzinfo=UTC)  # a Wednesday morning, as `make run`
OUTAGE_BEGINS = STARTED + timedelta(seconds=90)  # the scenario's first outage post


def test_the_demo_outage_raises_an_explained_alert_written_to_the_outbox(
        rt: Runtime, clock: FrozenClock) -> None:
    clock.set(STARTED)
    assert prepare_demo(rt) > 0  # the back-dated history: [demo] backfill_days
    with rt.sessions.begin() as session:
        assert seed_alert_rules(session, rt.settings) is not None  # as `earful run` does
    records = [beat_record(0, i, STARTED + timedelta(seconds=beat[0]))
               for i, beat in enumerate(SCENARIO)]
    interval = timedelta(seconds=rt.settings.alerts.evaluation_interval_seconds)
    raised: list[Alert] = []
    moment = STARTED
    while moment <= STARTED + timedelta(minutes=30):
        clock.set(moment)
        with rt.sessions.begin() as session:  # the demo poller: what has been posted by now
            ingest(session, [r for r in records if r.created_at <= moment], model=rt.model,
                   sla=rt.sla)
        with rt.sessions.begin() as session:  # the evaluation job
            raised += evaluate_rules(session, rt.settings)
        moment += interval
    with rt.sessions() as session:
        spikes = session.scalars(select(Alert).where(Alert.kind == "spike")).all()
        assert len(spikes) == 1
        alert = spikes[0]
        assert OUTAGE_BEGINS < alert.window_end <= OUTAGE_BEGINS + interval
        assert alert.summary.startswith(f"{alert.count} mentions in")
        terms = " ".join(term for term, _score in alert.details["terms"])
        assert any(word in terms for word in ("down", "signal", "network", "outage"))
        assert alert.details["proposed_incident"]["keywords"]
        message = session.scalars(select(MailMessage).where(
            MailMessage.alert_id == alert.id)).one()
        kinds = [m.kind for m in session.scalars(select(MailMessage).order_by(MailMessage.id))]
    assert kinds == ["spike", "all_clear"]  # the outage subsides within the half hour
    assert deliver_mail(rt)[message.id] == "sent"
    path = eml_path(rt.settings, message)
    assert path.parent == rt.settings.instance_dir / "outbox" and path.exists()
    eml = message_from_bytes(path.read_bytes(), policy=policy.default)
    text = eml.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert eml["Subject"].startswith("[Earful] ") and alert.summary in text
    assert f"/incidents/new?alert={alert.id}" in text and "It looks like an outage" in text
    page = client_as(make_app(rt), rt, "lead").get("/alerts/").get_data(as_text=True)
    assert f"/alerts/{alert.id}" in page
