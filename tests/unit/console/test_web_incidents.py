"""The incident pages: open (also from a mention), post updates, link, follow up, in the console."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import CannedResponse, Incident, Mention, OutboxReply
from tests.unit.web_console_support import add_mention, add_user, login


def _client(app: Flask, session: Session, username: str, role: str) -> FlaskClient:
    add_user(session, username, role)
    client = app.test_client()
    login(client, username)
    return client


@pytest.fixture
def lead(app: Flask, session: Session) -> FlaskClient:
    return _client(app, session, "lena", "lead")


def _form(**extra: Any) -> dict[str, Any]:
    return {"title": "Mobile data down in Bucharest", "impact": "major",
            "components": ["Mobile data"], "keywords_en": "no signal, data down",
            "keywords_ro": "fără semnal", "message_en": "We are investigating a data outage.",
            "message_ro": "Investigăm o problemă cu datele mobile.", "public": "on",
            "targets": ["x:LumenMobile"], **extra}


def test_a_lead_opens_an_incident_and_posts_it(lead: FlaskClient, session: Session) -> None:
    response = lead.post("/incidents/new", data=_form())
    assert response.status_code == 302
    incident = session.scalars(select(Incident)).one()
    assert (incident.title, incident.impact, incident.components) == \
        ("Mobile data down in Bucharest", "major", ["Mobile data"])
    assert incident.keywords == {"en": ["no signal", "data down"], "ro": ["fără semnal"]}
    posts = session.scalars(select(OutboxReply)).all()
    assert [(p.platform, p.account_handle, p.status) for p in posts] == \
        [("x", "LumenMobile", "queued")]
    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "We are investigating a data outage." in page
    assert "Investigăm o problemă cu datele mobile." in page
    assert "x as LumenMobile: queued" in page
    assert "Mobile data down in Bucharest" in lead.get("/incidents/").get_data(as_text=True)


def test_opening_from_a_mention_prefills_and_links_it(lead: FlaskClient,
                                                      session: Session) -> None:
    mention = add_mention(session, "Lumen internet down everywhere since morning", lang="en")
    conversation = lead.get(f"/conversations/{mention.id}").get_data(as_text=True)
    assert f"/incidents/new?mention={mention.id}" in conversation
    form = lead.get(f"/incidents/new?mention={mention.id}").get_data(as_text=True)
    assert "Reports of problems: Lumen internet down everywhere" in form
    assert f'name="from_mention" value="{mention.id}"' in form
    assert lead.post("/incidents/new", data=_form(from_mention=str(mention.id),
                                                  targets=[])).status_code == 302
    session.expire_all()
    assert session.get(Mention, mention.id).incident_id is not None  # type: ignore[union-attr]


def test_a_refused_incident_keeps_what_was_typed(lead: FlaskClient, session: Session) -> None:
    response = lead.post("/incidents/new", data=_form(message_en="x" * 300))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "of 280" in page
    assert "Mobile data down in Bucharest" in page  # the form comes back filled in
    assert session.scalars(select(Incident)).all() == []
    assert session.scalars(select(OutboxReply)).all() == []
    assert lead.post("/incidents/new", data=_form(message_en="")).status_code == 400


def test_updates_move_forward_and_resolve(lead: FlaskClient, session: Session) -> None:
    lead.post("/incidents/new", data=_form(targets=[]))
    incident = session.scalars(select(Incident)).one()
    url = f"/incidents/{incident.id}"
    lead.post(f"{url}/updates", data={"status": "identified",
                                      "message_en": "A fibre cut near Ploiești."})
    page = lead.post(f"{url}/updates", data={"status": "investigating", "message_en": "Back?"},
                     follow_redirects=True).get_data(as_text=True)
    assert "identified" in page and "A fibre cut near Ploiești." in page
    session.expire_all()
    assert session.get(Incident, incident.id).status == "identified"  # type: ignore[union-attr]
    lead.post(f"{url}/updates", data={"status": "resolved", "message_en": "Fixed."})
    session.expire_all()
    assert session.get(Incident, incident.id).resolved_at is not None  # type: ignore[union-attr]
    assert 'id="update-form"' not in lead.get(url).get_data(as_text=True)


def test_link_unlink_and_follow_up(lead: FlaskClient, session: Session) -> None:
    lead.post("/incidents/new", data=_form(targets=[]))
    incident = session.scalars(select(Incident)).one()
    url = f"/incidents/{incident.id}"
    ro = add_mention(session, "nu merge nimic", lang="ro", external_id="r1")
    es = add_mention(session, "no funciona nada", lang="es", external_id="e1")
    lead.post(f"{url}/links", data={"action": "link", "more_ids": f"{ro.id}, {es.id}"})
    page = lead.get(url).get_data(as_text=True)
    assert "Linked mentions: 2" in page and "nu merge nimic" in page
    session.add_all([CannedResponse(name="Outage", lang="en", body="Sorry: {incident_url}"),
                     CannedResponse(name="Outage", lang="ro", body="Ne pare rău: {incident_url}")])
    session.commit()
    plan = lead.get(f"{url}?canned=Outage").get_data(as_text=True)
    assert "2 complainer(s) to answer: 1 in their own language, 1 with no version" in plan
    lead.post(f"{url}/follow-up", data={"canned": "Outage"})
    rows = session.scalars(select(OutboxReply)).all()
    assert [(r.mention_id, r.text) for r in rows] == [
        (ro.id, f"Ne pare rău: http://127.0.0.1:5000/status/incidents/{incident.id}")]
    lead.post(f"{url}/follow-up", data={"canned": "Outage", "include_fallback": "on"})
    assert len(session.scalars(select(OutboxReply)).all()) == 2
    lead.post(f"{url}/links", data={"action": "unlink", "ids": [str(es.id)]})
    session.expire_all()
    assert session.get(Mention, es.id).incident_id is None  # type: ignore[union-attr]


def test_agents_see_incidents_but_only_leads_run_them(app: Flask, lead: FlaskClient,
                                                      session: Session) -> None:
    lead.post("/incidents/new", data=_form(targets=[], title='<script>alert(1)</script>'))
    agent = _client(app, session, "alice", "agent")
    page = agent.get("/incidents/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert agent.get("/incidents/new").status_code == 403
    incident = session.scalars(select(Incident)).one()
    assert agent.post(f"/incidents/{incident.id}/updates",
                      data={"status": "resolved", "message_en": "x"}).status_code == 403
    assert agent.get("/incidents/99999999999999999999999").status_code == 404
