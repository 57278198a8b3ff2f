"""Every lead/admin route: anonymous -> sign-in, a role too low -> 403, the right role -> 200."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from earful.models import AlertRule, CannedResponse, User
from earful.runtime import Runtime
from tests.unit.lead_admin_support import client_as, make_app

ROLES = ("agent", "lead", "admin")
# (method, path, lowest role); {rule} and {canned} are filled with real ids.
ROUTES = [
    ("GET", "/dashboard", "lead"),
    ("GET", "/dashboard.csv?metric=volume", "lead"),
    ("GET", "/canned", "lead"),
    ("GET", "/canned/new", "lead"),
    ("GET", "/canned/{canned}", "lead"),
    ("POST", "/canned/{canned}/delete", "lead"),
    ("GET", "/alert-rules", "lead"),
    ("GET", "/alert-rules/new", "lead"),
    ("GET", "/alert-rules/{rule}", "lead"),
    ("POST", "/alert-rules/{rule}/delete", "lead"),
    ("GET", "/admin/model", "lead"),
    ("GET", "/admin/users", "admin"),
    ("POST", "/admin/users", "admin"),
    ("GET", "/admin/users/{user}", "admin"),
    ("GET", "/admin/sources", "admin"),
    ("POST", "/admin/sources/demo/pause", "admin"),
    ("GET", "/admin/audit", "admin"),
]


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


def _path(rt: Runtime, template: str) -> str:
    with rt.sessions.begin() as session:
        rule = AlertRule(name=f"rule for {template}")
        canned = CannedResponse(name="Sorry", lang="en", body="Sorry, {first_name}!")
        session.add_all([rule, canned])
        session.flush()
        return template.format(rule=rule.id, canned=canned.id, user=1)


def _ok(status: int) -> bool:
    # A POST answers with a redirect on success or 400 when the (empty) form is invalid: both
    # mean the role check let it through.
    return status in (200, 302, 400)


@pytest.mark.parametrize(("method", "template", "lowest"), ROUTES)
def test_anonymous_is_sent_to_sign_in(app: Flask, rt: Runtime, method: str, template: str,
                                      lowest: str) -> None:
    response = app.test_client().open(_path(rt, template), method=method)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "template", "lowest"), ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_role_check(app: Flask, rt: Runtime, method: str, template: str, lowest: str,
                    role: str) -> None:
    client = client_as(app, rt, role)
    path = _path(rt, template)
    if path.endswith("/users/1"):
        path = "/admin/users/" + str(_first_user(rt))
    response = client.open(path, method=method)
    if ROLES.index(role) < ROLES.index(lowest):
        assert response.status_code == 403
    else:
        assert _ok(response.status_code), (path, role, response.status_code)
        if method == "GET":
            assert response.status_code == 200


def _first_user(rt: Runtime) -> int:
    with rt.sessions() as session:
        return int(session.scalar(select(func.min(User.id))) or 0)


def test_nav_shows_only_what_the_role_may_open(app: Flask, rt: Runtime) -> None:
    agent = client_as(app, rt, "agent").get("/dashboard")
    assert agent.status_code == 403
    lead_page = client_as(app, rt, "lead").get("/canned").get_data(as_text=True)
    assert 'href="/dashboard"' in lead_page and 'href="/admin/users"' not in lead_page
    admin_page = client_as(app, rt, "admin").get("/canned").get_data(as_text=True)
    assert 'href="/admin/users"' in admin_page and 'href="/admin/audit"' in admin_page
