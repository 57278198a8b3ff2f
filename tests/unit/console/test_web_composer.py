"""The reply composer: canned responses, limits, idempotent queueing, approval, collisions,
and auto-assignment."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import AuditLog, CannedResponse, Mention, OutboxReply
from earful.runtime import Runtime
from earful.work.assignment import auto_assign, run_auto_assign
from earful.work.replies import fill
from tests.unit.web_console_support import (
    add_author,
    add_mention,
    add_user,
    login,
)


def client_for(app: Flask, session: Session, username: str, role: str = "agent",
               **fields: object) -> FlaskClient:
    add_user(session, username, role, **fields)
    client = app.test_client()
    login(client, username)
    return client


@pytest.fixture
def agent(app: Flask, session: Session) -> FlaskClient:
    return client_for(app, session, "alice", display_name="Alice Agent")


def form_of(client: FlaskClient, mention_id: int, text: str = "Sorry about that!") -> dict:
    """The composer's hidden fields as rendered, plus a text."""
    html = client.get(f"/conversations/{mention_id}").get_data(as_text=True)
    fields = dict(re.findall(r'name="(idempotency_key|seen_mention_id|seen_outbox_id)" '
                             r'value="([^"]*)"', html))
    return {**fields, "text": text}


def test_fill_replaces_known_placeholders_only() -> None:
    assert fill("Hi {first_name}, {unknown} {0} {handle.__class__}", {"first_name": "Ana"}) == \
        "Hi Ana, {unknown} {0} {handle.__class__}"


def test_canned_picks_the_mention_language_then_english(agent: FlaskClient,
                                                        session: Session) -> None:
    session.add_all([
        CannedResponse(name="Outage", lang="en", body="Hi {first_name}, see {incident_url}"),
        CannedResponse(name="Outage", lang="ro", body="Bună {first_name} ({handle}), {brand}"),
        CannedResponse(name="Thanks", lang="en", body="Thanks! {agent_name}"),
        CannedResponse(name="Thanks", lang="de", body="Danke!"),
    ])
    session.commit()
    author = add_author(session, "mihai_ro", display_name="Mihai Popescu")
    ro = add_mention(session, "nu merge", author=author, lang="ro")
    html = agent.get(f"/conversations/{ro.id}").get_data(as_text=True)
    assert 'data-body="Bună Mihai (@mihai_ro), Lumen Mobile"' in html
    assert 'data-body="Thanks! Alice Agent"' in html  # no Romanian version: English
    assert "Danke" not in html
    assert "Continue in private" in html and "https://example.com/contact" in html
    # Without JavaScript, "Use" reloads the page with the template in the textarea.
    html = agent.get(f"/conversations/{ro.id}?canned=Thanks").get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>Thanks! Alice Agent</textarea>", html)


def test_reply_is_queued_once_and_never_sent_from_the_request(agent: FlaskClient,
                                                              session: Session) -> None:
    m = add_mention(session, external_id="1790")
    form = form_of(agent, m.id)
    first = agent.post(f"/conversations/{m.id}/reply", data=form)
    assert first.status_code == 302
    again = agent.post(f"/conversations/{m.id}/reply", data=form)  # double submit
    assert again.status_code == 302
    rows = session.scalars(select(OutboxReply)).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.platform, row.in_reply_to, row.text, row.idempotency_key) == \
        ("queued", "x", "1790", "Sorry about that!", form["idempotency_key"])
    session.expire_all()
    mention = session.get(Mention, m.id)
    assert mention.first_response_at is None  # the sender sets it once the post is out
    assert mention.status == "open"
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert "already queued" in html and "our reply · queued" in html
    assert session.scalars(select(AuditLog.action)).all().count("reply.queue") == 1


def test_bad_replies_are_refused(agent: FlaskClient, session: Session, rt: Runtime) -> None:
    m = add_mention(session, platform="bluesky")
    form = form_of(agent, m.id, "x" * 301)
    response = agent.post(f"/conversations/{m.id}/reply", data=form)
    assert response.status_code == 400 and "301 of 300" in response.get_data(as_text=True)
    assert agent.post(f"/conversations/{m.id}/reply", data={**form, "text": "  "}
                      ).status_code == 400
    assert agent.post(f"/conversations/{m.id}/reply", data={**form, "idempotency_key": "nope"}
                      ).status_code == 400
    # The team's cap can be lower than the platform's, never higher (the platform would refuse).
    rt.settings.console.reply_limits["bluesky"] = 301
    assert "301 of 300" in agent.post(f"/conversations/{m.id}/reply", data=form
                                      ).get_data(as_text=True)
    rt.settings.console.reply_limits["bluesky"] = 200
    assert "250 of 200" in agent.post(f"/conversations/{m.id}/reply",
                                      data={**form, "text": "y" * 250}).get_data(as_text=True)
    assert agent.post(f"/conversations/{m.id}/reply", data={**form, "text": "y" * 200}
                      ).status_code == 302
    # Counted as X counts: a link is 23 whatever its length, so this long link fits.
    on_x = add_mention(session, platform="x", external_id="77")
    link = "https://example.com/" + "a" * 300
    assert agent.post(f"/conversations/{on_x.id}/reply", data=form_of(
        agent, on_x.id, f"See {link}")).status_code == 302
    own = add_mention(session, status="own")
    assert agent.post(f"/conversations/{own.id}/reply", data=form).status_code == 404


def test_needs_approval_waits_for_a_lead(app: Flask, session: Session) -> None:
    m = add_mention(session)
    trainee = client_for(app, session, "tim", needs_approval=True)
    trainee.post(f"/conversations/{m.id}/reply", data=form_of(trainee, m.id))
    row = session.scalar(select(OutboxReply))
    assert row.status == "needs_approval"
    assert "Approve" not in trainee.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert trainee.post(f"/outbox/{row.id}/approve").status_code == 403
    assert trainee.get("/outbox/pending").status_code == 403
    lead = client_for(app, session, "lena", "lead")
    assert 'Approve</button>' in lead.get(f"/conversations/{m.id}").get_data(as_text=True)
    waiting = lead.get("/outbox/pending").get_data(as_text=True)
    assert "Sorry about that!" in waiting and f"/outbox/{row.id}/approve" in waiting
    lead.post(f"/outbox/{row.id}/approve")
    assert "Nothing is waiting" in lead.get("/outbox/pending").get_data(as_text=True)
    session.expire_all()
    row = session.get(OutboxReply, row.id)
    assert row.status == "queued" and row.approved_by is not None
    lead.post(f"/outbox/{row.id}/reject")  # too late: already approved
    session.expire_all()
    assert session.get(OutboxReply, row.id).status == "queued"
    assert lead.post("/outbox/424242/approve").status_code == 404


def test_a_lead_can_reject(app: Flask, session: Session) -> None:
    m = add_mention(session)
    trainee = client_for(app, session, "tim", needs_approval=True)
    trainee.post(f"/conversations/{m.id}/reply", data=form_of(trainee, m.id))
    admin = client_for(app, session, "ada", "admin")
    row = session.scalar(select(OutboxReply))
    admin.post(f"/outbox/{row.id}/reject")
    session.expire_all()
    assert session.get(OutboxReply, row.id).status == "cancelled"
    assert "reply.reject" in session.scalars(select(AuditLog.action)).all()


def test_a_newer_message_must_be_confirmed(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session, conversation_id="c1")
    form = form_of(agent, m.id, "We are looking into it")
    add_mention(session, "actually it is fixed now", conversation_id="c1", created_at=now())
    response = agent.post(f"/conversations/{m.id}/reply", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Something new arrived" in html and 'name="confirm_newer"' in html
    assert "We are looking into it</textarea>" in html and form["idempotency_key"] in html
    assert session.scalar(select(OutboxReply)) is None
    confirmed = agent.post(f"/conversations/{m.id}/reply", data={**form, "confirm_newer": "1"})
    assert confirmed.status_code == 302
    assert session.scalar(select(OutboxReply)) is not None


def test_a_colleagues_queued_reply_counts_as_newer(app: Flask, agent: FlaskClient,
                                                   session: Session) -> None:
    m = add_mention(session)
    mine = form_of(agent, m.id, "mine")
    bob = client_for(app, session, "bob")
    bob.post(f"/conversations/{m.id}/reply", data=form_of(bob, m.id, "bob's"))
    assert agent.post(f"/conversations/{m.id}/reply", data=mine).status_code == 409
    fresh = form_of(agent, m.id, "mine, after reading bob's")
    assert agent.post(f"/conversations/{m.id}/reply", data=fresh).status_code == 302


def test_account_comes_from_the_source_or_platform(app: Flask, agent: FlaskClient,
                                                   session: Session, rt: Runtime) -> None:
    from earful.settings import AccountSettings

    rt.settings.accounts = [AccountSettings(platform="mastodon", handle="lumen@m.example")]
    m = add_mention(session, platform="mastodon")
    agent.post(f"/conversations/{m.id}/reply", data=form_of(agent, m.id))
    assert session.scalar(select(OutboxReply)).account_handle == "lumen@m.example"


def test_auto_assign_by_language_and_workload(session: Session, clock: FrozenClock,
                                              rt: Runtime) -> None:
    ro1 = add_user(session, "ioana", languages="ro, en")
    ro2 = add_user(session, "vlad", languages="ro")
    add_user(session, "greta", languages="de", active=False)
    add_user(session, "boss", "admin", languages="ro")
    busy = add_mention(session, lang="ro", status="open", assignee_id=ro1.id)
    new = [add_mention(session, lang="ro", due_in=timedelta(minutes=i + 1)) for i in range(3)]
    german = add_mention(session, lang="de")
    calm = add_mention(session, lang="ro", complaint=False)
    assert run_auto_assign() == 0  # off by default
    assert auto_assign(session) == 3
    session.commit()
    owners = [session.get(Mention, m.id).assignee_id for m in new]
    assert owners == [ro2.id, ro1.id, ro2.id]  # least loaded first (ioana already had one)
    assert session.get(Mention, german.id).assignee_id is None
    assert session.get(Mention, calm.id).assignee_id is None
    assert session.get(Mention, busy.id).assignee_id == ro1.id
    rt.settings.console.auto_assign = True
    assert run_auto_assign() == 0  # nothing new left


def test_reply_form_key_is_a_uuid(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session)
    key = form_of(agent, m.id)["idempotency_key"]
    assert str(uuid.UUID(key)) == key
    assert form_of(agent, m.id)["idempotency_key"] != key  # each render is a new draft


def test_no_reply_to_a_post_its_author_deleted(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session, deleted=True, text="")
    response = agent.post(f"/conversations/{m.id}/reply", data=form_of(agent, m.id))
    assert response.status_code == 400
    assert "deleted this post" in response.get_data(as_text=True)
    assert session.scalars(select(OutboxReply)).all() == []


def test_unanswerable_languages_do_not_starve_auto_assign(session: Session,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import earful.work.assignment as routing

    monkeypatch.setattr(routing, "BATCH", 3)
    agent = add_user(session, "ana", languages="es")
    for _ in range(5):  # more than a batch that nobody can answer, and more urgent
        add_mention(session, lang="und", urgency="critical")
    spanish = add_mention(session, lang="es", urgency="low", due_in=None)
    assert auto_assign(session) == 1
    session.commit()
    assert session.get(Mention, spanish.id).assignee_id == agent.id


def test_a_reply_with_no_account_to_send_it_says_so(agent: FlaskClient, session: Session,
                                                     rt: Runtime) -> None:
    rt.settings.accounts = [a for a in rt.settings.accounts if a.platform != "mastodon"]
    m = add_mention(session, platform="mastodon", external_id="m1")
    assert "No brand account is configured to post on mastodon" in agent.get(
        f"/conversations/{m.id}").get_data(as_text=True)
    response = agent.post(f"/conversations/{m.id}/reply", data=form_of(agent, m.id, "Hi"))
    assert response.status_code == 400
    assert "No brand account is configured to post on mastodon" in response.get_data(
        as_text=True)
    assert session.scalars(select(OutboxReply)).all() == []


def test_a_refused_reply_shows_why_and_can_be_edited_or_sent_again(
        agent: FlaskClient, session: Session) -> None:
    m = add_mention(session, external_id="555")
    agent.post(f"/conversations/{m.id}/reply", data=form_of(agent, m.id, "First try"))
    row = session.scalars(select(OutboxReply)).one()
    row.status, row.error = "failed", "x: you cannot reply to this conversation"
    session.commit()
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert "Not sent: x: you cannot reply to this conversation" in html
    # Edit and send: the composer starts from the refused text; sending replaces the old row.
    html = agent.get(f"/conversations/{m.id}?edit={row.id}").get_data(as_text=True)
    assert re.search(r"<textarea[^>]*>First try</textarea>", html)
    form = form_of(agent, m.id, "Second try")
    form["replaces"] = str(row.id)
    assert agent.post(f"/conversations/{m.id}/reply", data=form).status_code == 302
    session.expire_all()
    rows = session.scalars(select(OutboxReply).order_by(OutboxReply.id)).all()
    assert [(r.status, r.text) for r in rows] == [("cancelled", "First try"),
                                                   ("queued", "Second try")]
    # Cancel the new one, then "send again" is refused for it (only failed replies retry).
    assert agent.post(f"/outbox/{rows[1].id}/cancel").status_code == 302
    response = agent.post(f"/outbox/{rows[1].id}/retry", follow_redirects=True)
    assert "Only a failed reply can be retried" in response.get_data(as_text=True)
    assert agent.post("/outbox/99999/retry").status_code == 404


def test_a_sent_reply_links_to_the_platform(agent: FlaskClient, session: Session) -> None:
    m = add_mention(session, external_id="556", url="https://x.com/ana/status/556")
    agent.post(f"/conversations/{m.id}/reply", data=form_of(agent, m.id))
    row = session.scalars(select(OutboxReply)).one()
    row.status, row.sent_at, row.url = "sent", now(), "https://x.com/LumenMobile/status/9"
    session.commit()
    html = agent.get(f"/conversations/{m.id}").get_data(as_text=True)
    assert 'href="https://x.com/LumenMobile/status/9"' in html  # our reply on the platform
    assert 'href="https://x.com/ana/status/556"' in html  # the original post
    assert "our reply · sent" in html
