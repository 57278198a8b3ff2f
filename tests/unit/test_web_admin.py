"""Admin pages: creating and editing staff (audited), guard rails, sources pause/resume."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import AuditLog, Source, User
from earful.runtime import Runtime
from tests.unit.lead_admin_support import client_as, make_app
from web.admin import parse_languages
from web.users import create_user, verify_password

PASSWORD = "correct horse battery"


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


def _csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_create_user_through_the_form_with_csrf(rt: Runtime) -> None:
    app = make_app(rt, csrf=True)
    with rt.sessions.begin() as session:
        create_user(session, "boss", PASSWORD, role="admin")
    client = app.test_client()
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
    form = {"username": "ana", "password": "s3cret-enough", "display_name": "Ana",
            "role": "agent", "languages": "EN, es", "needs_approval": "on", "active": "on"}
    assert client.post("/admin/users", data=form).status_code == 400  # no token
    token = _csrf_token(client.get("/admin/users").get_data(as_text=True))
    response = client.post("/admin/users", data={**form, "csrf_token": token})
    assert response.status_code == 302
    with rt.sessions() as session:
        ana = session.scalar(select(User).where(User.username == "ana"))
        assert ana is not None and ana.languages == "en,es" and ana.needs_approval
        assert verify_password(ana, "s3cret-enough")
        entry = session.scalar(select(AuditLog).where(AuditLog.action == "user.create"))
        assert entry is not None and entry.target_id == str(ana.id)
        assert entry.details["needs_approval"] is True and "password" not in entry.details


def test_invalid_user_form_keeps_the_input(app: Flask, rt: Runtime) -> None:
    client = client_as(app, rt, "admin")
    response = client.post("/admin/users", data={
        "username": "<b>zed</b>", "password": "short", "languages": "en, english!",
        "display_name": "Zed Z", "role": "lead"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Passwords need at least 8 characters." in page
    assert "is not a language code" in page
    assert 'value="&lt;b&gt;zed&lt;/b&gt;"' in page and 'value="Zed Z"' in page
    assert 'value="lead" selected' in page and "short" not in page


def _edit(client: FlaskClient, user_id: int, **form: str) -> int:
    return client.post(f"/admin/users/{user_id}", data=form).status_code


def test_edit_role_languages_flag_and_active_is_audited(app: Flask, rt: Runtime,
                                                         session: Session) -> None:
    target = create_user(session, "bo", PASSWORD, languages="en")
    session.commit()
    client = client_as(app, rt, "admin")
    assert _edit(client, target.id, display_name="Bo", role="lead", languages="de,fr",
                 needs_approval="on", password="a-new-password") == 302
    session.expire_all()
    assert (target.role, target.languages, target.needs_approval, target.active) == \
        ("lead", "de,fr", True, False)
    assert verify_password(target, "a-new-password")
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "user.update"))
    assert entry is not None
    changes = entry.details["changes"]
    assert changes["role"] == ["agent", "lead"] and changes["active"] == [True, False]
    assert changes["password"] == ["", "reset"] and "a-new-password" not in str(entry.details)


def test_admin_cannot_lock_themselves_out(app: Flask, rt: Runtime, session: Session) -> None:
    client = client_as(app, rt, "admin")
    me = session.scalar(select(User).where(User.role == "admin"))
    assert me is not None
    response = client.post(f"/admin/users/{me.id}", data={"role": "agent", "active": "on"})
    assert response.status_code == 400
    assert "cannot demote or deactivate your own account" in response.get_data(as_text=True)


def test_parse_languages() -> None:
    assert parse_languages(" EN, pt-BR  es,en ") == ("en,pt-br,es", None)
    assert parse_languages("") == ("", None)
    assert parse_languages("en; <x>")[1] is not None


def test_pause_and_resume_persist_and_are_audited(app: Flask, rt: Runtime,
                                                   session: Session) -> None:
    client = client_as(app, rt, "admin")
    page = client.get("/admin/sources").get_data(as_text=True)
    assert "demo" in page and "not polled yet" in page
    assert client.post("/admin/sources/demo/pause").status_code == 302
    source = session.scalar(select(Source).where(Source.name == "demo"))
    assert source is not None and source.paused
    assert "paused" in client.get("/admin/sources").get_data(as_text=True)
    assert client.post("/admin/sources/demo/resume").status_code == 302
    session.expire_all()
    assert not source.paused
    actions = session.scalars(select(AuditLog.action).where(AuditLog.target_type == "source")
                              .order_by(AuditLog.id)).all()
    assert actions == ["source.pause", "source.resume"]
    assert client.post("/admin/sources/nope/pause").status_code == 404


def test_model_page_says_evaluation_is_pending(app: Flask, rt: Runtime) -> None:
    page = client_as(app, rt, "lead").get("/admin/model").get_data(as_text=True)
    assert "Label corrections (0)" in page
