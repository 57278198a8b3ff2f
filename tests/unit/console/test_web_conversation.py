"""The conversation page: thread, author card, corrections, status, assignment, notes, tags,
presence; every route for every role."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import AuditLog, Incident, LabelCorrection, Mention, Note, OutboxReply, Tag
from earful.runtime import Runtime
from tests.unit.web_console_support import (
    add_author,
    add_mention,
    add_user,
    login,
    make_app,
)


def client_for(app: Flask, session: Session, username: str, role: str = "agent") -> FlaskClient:
    add_user(session, username, role)
    client = app.test_client()
    login(client, username)
    return client


@pytest.fixture
def agent(app: Flask, session: Session) -> FlaskClient:
    return client_for(app, session, "alice")


POSTS = ["correct", "status", "claim", "release", "notes", "tags", "tags/1/remove", "incident",
         "reply", "presence"]


def test_anonymous_is_sent_to_login_everywhere(app: Flask, session: Session) -> None:
    m = add_mention(session)
    client = app.test_client()
    for path in ("", "/presence"):
        response = client.get(f"/conversations/{m.id}{path}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for path in [*POSTS, "assign"]:
        response = client.post(f"/conversations/{m.id}/{path}")
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    for decision in ("approve", "reject"):
        assert client.post(f"/outbox/1/{decision}").status_code == 302


@pytest.mark.parametrize("role", ["agent", "lead", "admin"])
def test_every_role_reads_a_conversation(app: Flask, session: Session, role: str) -> None:
    m = add_mention(session)
    client = client_for(app, session, f"u-{role}", role)
    assert client.get(f"/conversations/{m.id}").status_code == 200
    assert client.get("/conversations/999999").status_code == 404
    assert client.get(f"/conversations/{m.id}/presence").status_code == 200


def test_assigning_others_is_for_leads_only(app: Flask, agent: FlaskClient,
                                            session: Session) -> None:
    m = add_mention(session)
    bob = add_user(session, "bob")
    assert agent.post(f"/conversations/{m.id}/assign", data={"assignee": bob.id}).status_code \
        == 403
    lead = client_for(app, session, "lena", "lead")
    lead.post(f"/conversations/{m.id}/assign", data={"assignee": bob.id})
    session.expire_all()
    assert session.get(Mention, m.id).assignee_id == bob.id
    lead.post(f"/conversations/{m.id}/assign", data={"assignee": "none"})
    session.expire_all()
    assert session.get(Mention, m.id).assignee_id is None


def test_thread_in_order_with_our_replies(agent: FlaskClient, session: Session) -> None:
    t = now()
    ana = add_author(session, "ana", display_name="Ana Maria", followers=1234, language="ro")
    root = add_mention(session, "first: my phone has no signal", author=ana,
                       created_at=t - timedelta(hours=2), conversation_id="c1")
    ours = add_mention(session, "so sorry, DM us", status="own", parent_id=root.id,
                       created_at=t - timedelta(hours=1), conversation_id="c1", complaint=False)
    child = add_mention(session, "third: still nothing", author=ana, parent_id=ours.id,
                        created_at=t - timedelta(minutes=30))  # no conversation id: via parent
    session.add(OutboxReply(idempotency_key="k1", mention_id=child.id, platform="x",
                            text="fourth: we are on it", status="queued", created_at=t))
    earlier = add_mention(session, "an old question about roaming", author=ana,
                          created_at=t - timedelta(days=30), status="resolved")
    html = agent.get(f"/conversations/{child.id}").get_data(as_text=True)
    positions = [html.index(s) for s in ("first: my phone", "so sorry, DM us",
                                         "third: still nothing", "fourth: we are on it")]
    assert positions == sorted(positions)
    assert html.count("our reply") == 2
    assert "1234" in html and "Ana Maria" in html
    assert f"/conversations/{earlier.id}" in html and "an old question" in html
    assert 'dir="auto"' in html


def test_deleted_message_shows_a_marker_not_its_text(agent: FlaskClient,
                                                     session: Session) -> None:
    m = add_mention(session, "words that were deleted", deleted=True)
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert "deleted on the platform" in html and "words that were deleted" not in html


def test_hostile_fields_are_escaped(agent: FlaskClient, session: Session) -> None:
    author = add_author(session, "<b>h</b>", display_name="<script>alert(1)</script>")
    m = add_mention(session, "<img src=x onerror=alert(1)>", author=author,
                    reasons=["<i>reason</i>"])
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    for raw in ("<img src=x", "<script>alert", "<b>h</b>", "<i>reason</i>"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_one_click_corrections(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session, urgency="normal", sentiment="negative")
    for field, value in (("sentiment", "neutral"), ("urgency", "critical"),
                         ("complaint", "false")):
        response = agent.post(f"/conversations/{m.id}/correct",
                              data={"field": field, "value": value})
        assert response.status_code == 302
    session.expire_all()
    mention = session.get(Mention, m.id)
    assert (mention.sentiment, mention.urgency, mention.urgency_rank, mention.complaint) == \
        ("neutral", "critical", 0, False)
    corrections = session.scalars(select(LabelCorrection).order_by(LabelCorrection.id)).all()
    assert [(c.field, c.old_value, c.new_value) for c in corrections] == [
        ("sentiment", "negative", "neutral"), ("urgency", "normal", "critical"),
        ("complaint", "true", "false")]
    assert session.scalars(select(AuditLog.action)).all().count("label.correct") == 3
    # Critical is owed an answer even when it is not a complaint: 30 business minutes.
    assert mention.sla_due_at is not None
    agent.post(f"/conversations/{m.id}/correct", data={"field": "urgency", "value": "low"})
    session.expire_all()
    assert session.get(Mention, m.id).sla_due_at is None  # low, no complaint: nothing owed
    agent.post(f"/conversations/{m.id}/correct", data={"field": "urgency", "value": "bogus"})
    assert "cannot set urgency" in agent.get(f"/conversations/{m.id}").get_data(as_text=True)


def test_status_changes_are_audited(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session)
    for status in ("waiting", "resolved"):
        agent.post(f"/conversations/{m.id}/status", data={"status": status})
        session.expire_all()
        assert session.get(Mention, m.id).status == status
    assert session.get(Mention, m.id).resolved_at is not None
    agent.post(f"/conversations/{m.id}/status", data={"status": "open"})
    session.expire_all()
    assert session.get(Mention, m.id).resolved_at is None
    agent.post(f"/conversations/{m.id}/status", data={"status": "own"})
    session.expire_all()
    assert session.get(Mention, m.id).status == "open"
    audits = session.scalars(select(AuditLog).where(AuditLog.action == "mention.status")).all()
    assert [a.details["new"] for a in audits] == ["waiting", "resolved", "open"]


def test_claim_and_release(app: Flask, agent: FlaskClient, session: Session) -> None:
    m = add_mention(session)
    agent.post(f"/conversations/{m.id}/claim")
    session.expire_all()
    alice = session.get(Mention, m.id).assignee_id
    assert alice is not None and session.get(Mention, m.id).status == "open"
    bob = client_for(app, session, "bob")
    bob.post(f"/conversations/{m.id}/claim")
    assert "Someone else has claimed" in bob.get(f"/conversations/{m.id}").get_data(as_text=True)
    bob.post(f"/conversations/{m.id}/release")  # not theirs: refused, explained
    session.expire_all()
    assert session.get(Mention, m.id).assignee_id == alice
    agent.post(f"/conversations/{m.id}/release")
    session.expire_all()
    assert session.get(Mention, m.id).assignee_id is None
    actions = session.scalars(select(AuditLog.action)).all()
    assert actions.count("mention.assign") == 2


def test_notes_and_tags(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session)
    agent.post(f"/conversations/{m.id}/notes", data={"body": "called them <b>back</b>"})
    agent.post(f"/conversations/{m.id}/notes", data={"body": "   "})
    agent.post(f"/conversations/{m.id}/tags", data={"tag": "billing"})
    agent.post(f"/conversations/{m.id}/tags", data={"tag": "billing"})
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert "called them &lt;b&gt;back&lt;/b&gt;" in html and "Alice" in html
    assert len(session.scalars(select(Note)).all()) == 1
    tag = session.scalar(select(Tag).where(Tag.name == "billing"))
    assert tag is not None
    agent.post(f"/conversations/{m.id}/tags/{tag.id}/remove")
    session.expire_all()
    assert session.get(Mention, m.id).tags == []
    agent.post(f"/conversations/{m.id}/tags", data={"tag": " "})
    assert "a tag needs a name" in agent.get(f"/conversations/{m.id}").get_data(as_text=True)


def test_link_to_incident(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session)
    incident = Incident(title="Outage in <Leeds>", started_at=now())
    session.add(incident)
    session.commit()
    assert "Outage in &lt;Leeds&gt;" in agent.get(f"/conversations/{m.id}").get_data(
        as_text=True)
    agent.post(f"/conversations/{m.id}/incident", data={"incident": incident.id})
    session.expire_all()
    assert session.get(Mention, m.id).incident_id == incident.id
    agent.post(f"/conversations/{m.id}/incident", data={"incident": "424242"})
    assert "no such incident" in agent.get(f"/conversations/{m.id}").get_data(as_text=True)


def test_presence_shows_colleagues_and_expires(app: Flask, agent: FlaskClient,
                                               session: Session, clock: FrozenClock) -> None:
    root = add_mention(session, conversation_id="c9")
    reply = add_mention(session, conversation_id="c9", created_at=now())
    bob = client_for(app, session, "bob")
    answer = bob.post(f"/conversations/{reply.id}/presence", json={"state": "typing"})
    assert answer.status_code == 200 and answer.get_json()["others"] == []
    seen = agent.get(f"/conversations/{root.id}/presence").get_json()
    assert seen == {"others": [{"name": "Bob", "state": "typing"}],
                    "newest_mention_id": reply.id, "newest_outbox_id": 0}
    assert "Bob is typing" in agent.get(f"/conversations/{root.id}").get_data(as_text=True)
    clock.advance(seconds=31)
    assert agent.get(f"/conversations/{root.id}/presence").get_json()["others"] == []
    assert bob.post(f"/conversations/{root.id}/presence",
                    json={"state": "dancing"}).status_code == 400
    assert bob.post("/conversations/999999/presence", json={"state": "viewing"}).status_code \
        == 404


def test_presence_ping_needs_the_csrf_header(rt: Runtime, session: Session,
                                             clock: FrozenClock) -> None:
    app = make_app(rt, csrf=True)
    add_user(session, "dora")
    m = add_mention(session)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "dora", "password": "correct horse battery",
                                "csrf_token": token})
    page = client.get(f"/conversations/{m.id}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    url = f"/conversations/{m.id}/presence"
    assert client.post(url, json={"state": "viewing"}).status_code == 400
    ok = client.post(url, data=json.dumps({"state": "viewing"}),
                     headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert ok.status_code == 200


class _Reader:
    """A platform that has deleted everything (or, with `alive`, still has it)."""

    def __init__(self, alive: bool) -> None:
        self.alive = alive

    def get_post(self, external_id: str) -> object | None:
        return object() if self.alive else None


def test_check_on_platform_purges_a_deleted_mention(rt: Runtime, agent: FlaskClient,
                                                   session: Session) -> None:
    from earful.models import Source
    from earful.settings import SourceSettings

    rt.settings.sources = [SourceSettings(name="x-brand", platform="x")]
    source = Source(name="x-brand", platform="x", watch={})
    session.add(source)
    session.commit()
    kept = add_mention(session, "still here", source_id=source.id)
    gone = add_mention(session, "my address is 1 Secret St", source_id=source.id)
    rt.readers = {"x-brand": _Reader(alive=True)}
    page = agent.post(f"/conversations/{kept.id}/refresh", follow_redirects=True)
    assert "Still there" in page.get_data(as_text=True)
    rt.readers = {"x-brand": _Reader(alive=False)}
    page = agent.post(f"/conversations/{gone.id}/refresh", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Secret St" not in html and "deleted on the platform" in html
    session.expire_all()
    purged = session.get(Mention, gone.id)
    assert purged is not None and purged.deleted and purged.text == ""
    assert session.scalar(select(AuditLog).where(
        AuditLog.action == "mention.deleted_on_platform")) is not None
    assert not session.get(Mention, kept.id).deleted  # type: ignore[union-attr]


def test_both_sla_clocks_and_the_first_stops_when_answered(agent: FlaskClient, session: Session,
                                                          clock: FrozenClock) -> None:
    m = add_mention(session, urgency="high", created_at=clock.now(),
                    due_in=timedelta(minutes=60))
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert "first response: 1h 00m left" in html
    assert "resolution: 8h 00m left" in html  # high: 480 business minutes by default
    m.first_response_at = clock.now()
    session.commit()
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert "first response:" not in html and "resolution:" in html
