"""Canned responses: language versions, placeholder validation, audited edits."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.models import AuditLog, CannedResponse
from earful.runtime import Runtime
from earful.work.replies import fill, placeholder_error
from tests.unit.lead_admin_support import client_as, make_app

BODY = "Hi {first_name}, sorry! Follow {incident_url} or write to {contact_url}. {agent_name}"


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


@pytest.mark.parametrize(("body", "problem"), [
    (BODY, None),
    ("Literal {{braces}} are fine, {handle}", None),
    ("Hi {name}", "Unknown placeholder {name}"),
    ("Hi {first_name.__class__}", "Unknown placeholder"),
    ("Hi {}", "Unknown placeholder {}"),
    ("Hi {first_name:>999999}", "without a format"),
    ("Hi {first_name!r}", "without a format"),
    ("Hi {first_name", "Unbalanced braces"),
])
def test_placeholder_validation(body: str, problem: str | None) -> None:
    error = placeholder_error(body)
    assert (error is None) if problem is None else (error is not None and problem in error)


def test_fill_leaves_missing_values_empty() -> None:
    assert fill("Hi {first_name} from {brand}", {"first_name": "Ana"}) == "Hi Ana from "


def test_language_versions_of_one_response(app: Flask, rt: Runtime, session: Session) -> None:
    client = client_as(app, rt, "lead")
    for lang, body in (("en", BODY), ("ES", "Hola {first_name}")):
        response = client.post("/canned/new", data={"name": "Outage", "lang": lang, "body": body})
        assert response.status_code == 302
    rows = session.scalars(select(CannedResponse).order_by(CannedResponse.lang)).all()
    assert [(r.name, r.lang) for r in rows] == [("Outage", "en"), ("Outage", "es")]
    page = client.get("/canned").get_data(as_text=True)
    assert page.count("<h2") == 1 and "Hola {first_name}" in page
    duplicate = client.post("/canned/new", data={"name": "Outage", "lang": "es", "body": "x"})
    assert duplicate.status_code == 400
    assert "Outage already has a es version." in duplicate.get_data(as_text=True)


def test_edit_and_delete_are_audited(app: Flask, rt: Runtime, session: Session) -> None:
    row = CannedResponse(name="Thanks", lang="en", body="Thanks {first_name}")
    session.add(row)
    session.commit()
    client = client_as(app, rt, "lead")
    assert client.post(f"/canned/{row.id}", data={"name": "Thanks", "lang": "en",
                                                  "body": "Thank you, {first_name}!"}
                       ).status_code == 302
    assert client.post(f"/canned/{row.id}/delete").status_code == 302
    entries = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["canned.update", "canned.delete"]
    assert entries[0].details["changes"]["body"] == ["Thanks {first_name}",
                                                     "Thank you, {first_name}!"]


def test_invalid_body_keeps_the_input_escaped(app: Flask, rt: Runtime) -> None:
    client = client_as(app, rt, "lead")
    response = client.post("/canned/new", data={"name": "X", "lang": "en",
                                                "body": "<script>alert(1)</script> {oops}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Unknown placeholder {oops}" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {oops}</textarea>" in page
