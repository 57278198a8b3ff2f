"""Sign-in, throttling, safe redirects, security headers, escaping of hostile mentions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from earful.clock import FrozenClock
from earful.models import Mention
from earful.runtime import Runtime
from listener.ingest import ingest
from tests.factories import record
from web import create_app
from web.users import create_user

PASSWORD = "correct horse battery"


@pytest.fixture
def app(rt: Runtime) -> Iterator[Flask]:
    with rt.sessions.begin() as session:
        create_user(session, "agent1", PASSWORD, role="agent")
    yield create_app(rt=rt, config={"TESTING": True})


def login(client: FlaskClient, username: str = "agent1", password: str = PASSWORD,
          next_url: str = "") -> object:
    client.get("/login")
    token = _csrf(client)
    return client.post("/login", data={"username": username, "password": password,
                                       "next": next_url, "csrf_token": token})


def _csrf(client: FlaskClient) -> str:
    page = client.get("/login").get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]


def test_anonymous_is_sent_to_sign_in(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_in_with_csrf(app: Flask) -> None:
    client = app.test_client()
    response = login(client)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/").status_code == 200


def test_post_without_csrf_token_is_refused(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/login", data={"username": "agent1", "password": PASSWORD})
    assert response.status_code == 400


def test_wrong_password_then_lockout(app: Flask, clock: FrozenClock) -> None:
    client = app.test_client()
    for _ in range(5):
        assert login(client, password="wrong").status_code == 401  # type: ignore[attr-defined]
    assert login(client).status_code == 401  # type: ignore[attr-defined]  # even the right one
    clock.advance(minutes=16)
    assert login(client).status_code == 302  # type: ignore[attr-defined]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_no_open_redirect_after_sign_in(app: Flask, target: str) -> None:
    response = login(app.test_client(), next_url=target)
    assert response.headers["Location"] == "/"  # type: ignore[attr-defined]


def test_local_next_is_kept(app: Flask) -> None:
    response = login(app.test_client(), next_url="/?page=2")
    assert response.headers["Location"] == "/?page=2"  # type: ignore[attr-defined]


def test_security_headers(app: Flask) -> None:
    response = app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hostile_mention_is_escaped(app: Flask, rt: Runtime) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with rt.sessions.begin() as session:
        ingest(session, [record(payload, author="evil")], model=rt.model)
        session.execute(update(Mention).values(complaint=True))  # in the default inbox view
    client = app.test_client()
    login(client)
    page = client.get("/").get_data(as_text=True)
    assert payload not in page
    assert "&lt;script&gt;" in page
