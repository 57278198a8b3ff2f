"""One assignment rule for every path: an agent takes only what nobody else holds and releases
only their own; a lead assigns anything to anyone (earful.work.assignment)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from earful.models import Mention, User
from earful.work import WorkflowError
from earful.work.assignment import HeldByColleague, assign
from tests.unit.web_console_support import add_mention, add_user, login


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


@pytest.fixture
def staff(session: Session) -> dict[str, User]:
    return {name: add_user(session, name, role) for name, role in
            (("alice", "agent"), ("bob", "agent"), ("lena", "lead"))}


def _holder(session: Session, mention_id: int) -> int | None:
    session.expire_all()
    return session.get(Mention, mention_id).assignee_id


# ---- the rule itself ----

def test_agent_takes_only_free_work_and_releases_only_their_own(
        session: Session, staff: dict[str, User]) -> None:
    alice, bob = staff["alice"].id, staff["bob"].id
    m = add_mention(session, assignee_id=bob)
    with pytest.raises(HeldByColleague):
        assign(session, m, alice, alice, actor_is_lead=False)
    with pytest.raises(HeldByColleague):
        assign(session, m, None, alice, actor_is_lead=False)
    with pytest.raises(WorkflowError):  # handing work to someone else is a lead's call
        assign(session, add_mention(session), bob, alice, actor_is_lead=False)
    free = add_mention(session)
    assert assign(session, free, alice, alice, actor_is_lead=False)
    assert assign(session, free, None, alice, actor_is_lead=False)


def test_lead_and_system_assign_anything(session: Session, staff: dict[str, User]) -> None:
    alice, bob, lena = (staff[n].id for n in ("alice", "bob", "lena"))
    m = add_mention(session, assignee_id=bob)
    assert assign(session, m, alice, lena, actor_is_lead=True)
    assert assign(session, m, None, None, actor_is_lead=False)  # the system (CLI, jobs)


# ---- the conversation page ----

def test_claim_release_and_assign_follow_the_rule(app: Flask, session: Session,
                                                  staff: dict[str, User]) -> None:
    alice, bob = _client(app, "alice"), staff["bob"].id
    held = add_mention(session, assignee_id=bob)
    alice.post(f"/conversations/{held.id}/claim")
    assert _holder(session, held.id) == bob
    alice.post(f"/conversations/{held.id}/release")
    assert _holder(session, held.id) == bob
    assert "Someone else has claimed" in alice.get(f"/conversations/{held.id}").get_data(
        as_text=True)
    lena = _client(app, "lena")
    lena.post(f"/conversations/{held.id}/assign", data={"assignee": str(staff["alice"].id)})
    assert _holder(session, held.id) == staff["alice"].id
    assert alice.post(f"/conversations/{held.id}/assign",
                      data={"assignee": str(bob)}).status_code == 403  # leads only


# ---- the inbox: bulk and the `a` key (the same bulk POST) ----

def test_assign_to_me_skips_a_colleagues_conversations(app: Flask, session: Session,
                                                       staff: dict[str, User]) -> None:
    alice_id, bob = staff["alice"].id, staff["bob"].id
    held, free = add_mention(session, assignee_id=bob), add_mention(session)
    alice = _client(app, "alice")
    alice.post("/inbox/bulk", data={"action": "assign", "assignee": "me",
                                    "ids": [str(held.id), str(free.id)]})
    assert (_holder(session, held.id), _holder(session, free.id)) == (bob, alice_id)
    page = alice.get("/").get_data(as_text=True)
    assert "1 of 2 mentions changed; 1 skipped because a colleague holds them" in page


def test_bulk_unassign_leaves_a_colleagues_conversations(app: Flask, session: Session,
                                                         staff: dict[str, User]) -> None:
    alice_id, bob = staff["alice"].id, staff["bob"].id
    held, mine = add_mention(session, assignee_id=bob), add_mention(session, assignee_id=alice_id)
    _client(app, "alice").post("/inbox/bulk", data={
        "action": "assign", "assignee": "none", "ids": [str(held.id), str(mine.id)]})
    assert (_holder(session, held.id), _holder(session, mine.id)) == (bob, None)


def test_agent_cannot_bulk_assign_to_a_colleague(app: Flask, session: Session,
                                                 staff: dict[str, User]) -> None:
    free = add_mention(session)
    alice = _client(app, "alice")
    alice.post("/inbox/bulk", data={"action": "assign", "assignee": str(staff["bob"].id),
                                    "ids": [str(free.id)]})
    assert _holder(session, free.id) is None
    assert "only a lead" in alice.get("/").get_data(as_text=True)


def test_lead_bulk_reassigns_anything(app: Flask, session: Session,
                                      staff: dict[str, User]) -> None:
    held = add_mention(session, assignee_id=staff["bob"].id)
    _client(app, "lena").post("/inbox/bulk", data={
        "action": "assign", "assignee": "me", "ids": [str(held.id)]})
    assert _holder(session, held.id) == staff["lena"].id
