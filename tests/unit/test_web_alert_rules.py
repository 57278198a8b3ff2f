"""Alert rules: seeding from settings [alerts], editing by leads (validated, audited)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import Alert, AlertRule, AuditLog
from earful.runtime import Runtime
from earful.settings import Settings
from tests.unit.lead_admin_support import client_as, make_app
from web.alert_rules import DEFAULT_RULE_NAME, seed_alert_rules

GOOD = {"name": "Outage spike", "enabled": "on", "sentiment": "negative", "platform": "x",
        "window_minutes": "10", "baseline_days": "7", "min_count": "5", "factor": "2.5",
        "cooldown_minutes": "30", "recipients": "ops@example.com, lead@example.com"}


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


def test_seed_creates_the_default_rule_once(session: Session, settings: Settings) -> None:
    settings.alerts.recipients = ["care@example.com"]
    settings.alerts.min_count = 7
    rule = seed_alert_rules(session, settings)
    assert rule is not None and rule.name == DEFAULT_RULE_NAME
    assert (rule.min_count, rule.factor, rule.window_minutes, rule.recipients) == \
        (7, settings.alerts.factor, settings.alerts.window_minutes, "care@example.com")
    assert seed_alert_rules(session, settings) is None
    assert session.scalar(select(func.count()).select_from(AlertRule)) == 1
    assert session.scalar(select(AuditLog.action)) == "alert_rule.seed"


def test_lead_creates_and_edits_a_rule(app: Flask, rt: Runtime, session: Session) -> None:
    client = client_as(app, rt, "lead")
    assert client.post("/alert-rules/new", data=GOOD).status_code == 302
    rule = session.scalar(select(AlertRule))
    assert rule is not None and rule.platform == "x" and rule.factor == 2.5
    assert rule.recipients == "ops@example.com,lead@example.com"
    assert client.post(f"/alert-rules/{rule.id}",
                       data={**GOOD, "enabled": "", "platform": ""}).status_code == 302
    session.expire_all()
    assert not rule.enabled and rule.platform is None
    update = session.scalar(select(AuditLog).where(AuditLog.action == "alert_rule.update"))
    assert update is not None and update.details["changes"]["enabled"] == [True, False]
    assert "Outage spike" in client.get("/alert-rules").get_data(as_text=True)


def test_invalid_rule_rerenders_with_messages_and_input(app: Flask, rt: Runtime) -> None:
    client = client_as(app, rt, "lead")
    response = client.post("/alert-rules/new", data={
        **GOOD, "window_minutes": "ten", "factor": "0.5", "recipients": "ops@example.com, nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a number." in page and "Enter a number from 1 to 100." in page
    assert "Not an e-mail address: nope" in page
    assert 'value="ten"' in page and 'value="ops@example.com, nope"' in page


def test_duplicate_names_are_refused(app: Flask, rt: Runtime) -> None:
    client = client_as(app, rt, "lead")
    client.post("/alert-rules/new", data=GOOD)
    response = client.post("/alert-rules/new", data=GOOD)
    assert response.status_code == 400 and "Another rule has this name." in \
        response.get_data(as_text=True)


def test_a_rule_that_fired_is_disabled_not_deleted(app: Flask, rt: Runtime, session: Session,
                                                    clock: FrozenClock) -> None:
    fired, quiet = AlertRule(name="fired"), AlertRule(name="quiet")
    session.add_all([fired, quiet])
    session.flush()
    session.add(Alert(rule_id=fired.id, window_start=clock.now(), window_end=clock.now()))
    session.commit()
    client = client_as(app, rt, "lead")
    client.post(f"/alert-rules/{fired.id}/delete")
    client.post(f"/alert-rules/{quiet.id}/delete")
    session.expire_all()
    assert session.scalars(select(AlertRule.name)).all() == ["fired"]
    assert session.scalar(select(AuditLog.action)) == "alert_rule.delete"


def test_preview_charts_the_form_values_on_history_and_lists_the_alerts(
        app: Flask, rt: Runtime, session: Session, clock: FrozenClock) -> None:
    from datetime import timedelta

    from tests.unit.web_console_support import add_mention

    now = clock.now()
    for day in range(1, 5):
        for minute in (5, 25, 45):
            add_mention(session, created_at=now - timedelta(days=day, minutes=minute))
    for second in range(0, 600, 15):  # 40 negative mentions in the last 10 minutes
        add_mention(session, created_at=now - timedelta(seconds=600 - second))
    rule = AlertRule(name="Outage spike", min_count=10)
    session.add(rule)
    session.commit()
    client = client_as(app, rt, "lead")
    editing = client.get(f"/alert-rules/{rule.id}").get_data(as_text=True)
    assert 'formmethod="get"' in editing and "Preview on the last 7 days" in editing
    response = client.get(f"/alert-rules/{rule.id}",
                          query_string={**GOOD, "min_count": "8", "preview": "1",
                                        "preview_days": "3"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview on the last 3 days (not saved)" in page
    assert '<svg class="chart" id="alert-preview"' in page and 'class="mark spike' in page
    assert f"{now:%Y-%m-%d} 08:5" in page and "1 alert would have been sent" in page
    assert 'value="8"' in page  # the unsaved value stays in the form
    session.expire_all()
    assert session.get(AlertRule, rule.id).min_count == 10  # nothing saved


def test_preview_is_bounded_and_refuses_bad_numbers(app: Flask, rt: Runtime,
                                                    clock: FrozenClock) -> None:
    client = client_as(app, rt, "lead")
    page = client.get("/alert-rules/new", query_string={
        **GOOD, "preview": "1", "preview_days": "365"}).get_data(as_text=True)
    assert "Preview on the last 30 days (not saved)" in page and "No alerts in these" in page
    bad = client.get("/alert-rules/new", query_string={**GOOD, "factor": "x", "preview": "1"})
    assert "Enter a number." in bad.get_data(as_text=True)
    assert "(not saved)" not in bad.get_data(as_text=True)
