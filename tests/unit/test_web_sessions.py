"""Sessions end everywhere; sign-in is throttled per address; one answer for every refusal;
failures, lockouts and account changes are audited and shown readably."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from earful.clock import FrozenClock
from earful.models import AuditLog, User
from earful.runtime import Runtime
from earful.settings import Settings
from tests.unit.web_console_support import (
    PASSWORD,
    add_mention,
    add_user,
    console_runtime,
    login,
    make_app,
)
from web.auth import REFUSED


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    settings.console.signin_failures_per_address = 8
    with console_runtime(settings, database_url) as current:
        with current.sessions() as session:
            add_user(session, "boss", "admin")
            add_user(session, "lena", "agent", display_name="Lena")
            for n in range(3):
                add_user(session, f"user{n}", "agent")
        yield current


@pytest.fixture
def app(rt: Runtime, clock: FrozenClock) -> Flask:
    return make_app(rt)


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _copy(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value)
    return thief


def _signed_out(client: FlaskClient) -> bool:
    response = client.get("/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def _attempt(client: FlaskClient, username: str, password: str = "wrong password") -> int:
    return client.post("/login", data={"username": username, "password": password}).status_code


def test_a_copied_session_cookie_stops_working_after_sign_out(app: Flask) -> None:
    lena = _signed_in(app, "lena")
    copy = _copy(lena, app)
    other_device = _signed_in(app, "lena")
    assert not _signed_out(copy)
    lena.post("/logout")
    assert _signed_out(copy) and _signed_out(lena) and _signed_out(other_device)
    assert not _signed_out(_signed_in(app, "lena"))  # signing in again works


@pytest.mark.parametrize("change", [{"password": "a brand new password"}, {"role": "lead"},
                                    {"active": ""}])
def test_password_role_or_deactivation_ends_every_session(app: Flask, session: Session,
                                                          change: dict[str, str]) -> None:
    lena = _signed_in(app, "lena")
    user = session.scalar(select(User).where(User.username == "lena"))
    form = {"display_name": "Lena", "role": "agent", "languages": "", "active": "on",
            "password": "", **change}
    _signed_in(app, "boss").post(f"/admin/users/{user.id}", data=form)
    assert _signed_out(lena)


def test_an_unrelated_edit_keeps_sessions(app: Flask, session: Session) -> None:
    lena = _signed_in(app, "lena")
    user = session.scalar(select(User).where(User.username == "lena"))
    _signed_in(app, "boss").post(f"/admin/users/{user.id}", data={
        "display_name": "Lena L.", "role": "agent", "languages": "en", "active": "on"})
    assert not _signed_out(lena)


def test_old_style_or_forged_user_ids_are_not_signed_in(app: Flask, session: Session) -> None:
    client = app.test_client()
    user_id = session.scalar(select(User.id).where(User.username == "lena"))
    for forged in (str(user_id), f"{user_id}:x", f"{user_id}:99", "²:0", "1" * 30 + ":0"):
        with client.session_transaction() as cookie:
            cookie["_user_id"] = forged
            cookie["_fresh"] = True
        assert _signed_out(client), forged


def test_a_locked_account_gets_the_same_answer_as_a_wrong_password(
        app: Flask, clock: FrozenClock) -> None:
    client = app.test_client()
    answers = set()
    for _ in range(5):
        response = client.post("/login", data={"username": "lena", "password": "nope nope"})
        answers.add((response.status_code, REFUSED in response.get_data(as_text=True)))
    locked = client.post("/login", data={"username": "lena", "password": PASSWORD})
    unknown = client.post("/login", data={"username": "nobody", "password": "nope nope"})
    for response in (locked, unknown):
        answers.add((response.status_code, REFUSED in response.get_data(as_text=True)))
    assert answers == {(401, True)}
    clock.advance(minutes=16)
    assert _attempt(client, "lena", PASSWORD) == 302


def test_sign_in_is_throttled_per_address(app: Flask, clock: FrozenClock,
                                          session: Session) -> None:
    client = app.test_client()
    for n in range(8):  # spread over accounts: no single account reaches its lockout
        assert _attempt(client, f"user{n % 3}") == 401
    assert _attempt(client, "lena", PASSWORD) == 401  # the right password, the same answer
    elsewhere = app.test_client()
    assert elsewhere.post("/login", data={"username": "lena", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302
    clock.advance(minutes=16)
    assert _attempt(client, "lena", PASSWORD) == 302
    actions = session.scalars(select(AuditLog.action)).all()
    assert actions.count("auth.address_throttled") == 1


def test_failures_and_lockouts_are_audited(app: Flask, session: Session) -> None:
    client = app.test_client()
    for _ in range(5):
        _attempt(client, "lena")
    _attempt(client, "ghost")
    rows = session.scalars(select(AuditLog).where(AuditLog.action.like("auth.%"))
                           .order_by(AuditLog.id)).all()
    failures = [r.details for r in rows if r.action == "auth.failure"]
    assert [d["reason"] for d in failures] == ["wrong password"] * 5 + ["unknown username"]
    assert failures[-1]["username"] == "ghost" and "address" in failures[-1]
    assert [r.action for r in rows].count("auth.lockout") == 1


def test_audit_log_shows_readable_details_and_links(app: Flask, session: Session) -> None:
    boss = _signed_in(app, "boss")
    lena = session.scalar(select(User).where(User.username == "lena"))
    mention = add_mention(session)
    boss.post(f"/admin/users/{lena.id}", data={"display_name": "Lena Lead", "role": "lead",
                                                "languages": "", "active": "on"})
    boss.post(f"/conversations/{mention.id}/assign", data={"assignee": str(lena.id)})
    page = boss.get("/admin/audit").get_data(as_text=True)
    assert f'<a href="/admin/users/{lena.id}">user lena</a>' in page
    assert f'<a href="/conversations/{mention.id}">mention #{mention.id}</a>' in page
    assert "display_name: Lena → Lena Lead" in page and "role: agent → lead" in page
    assert "assignee: (none) → lena" in page
    assert "{&#39;" not in page and "[&#39;" not in page  # no raw dicts or lists
