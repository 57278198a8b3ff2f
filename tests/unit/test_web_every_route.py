"""Every route of the console checks the role on the server (none is forgotten)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from earful.models import ROLES
from earful.runtime import Runtime
from earful.settings import Settings
from tests.unit.web_console_support import add_user, console_runtime, login, make_app

# Reachable without signing in, on purpose: sign-in, the survey page, the public status page.
PUBLIC = {"static", "auth.login", "csat.survey",
          "status.index", "status.incident", "status.feed", "status.summary"}


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    with console_runtime(settings, database_url) as current:
        yield current


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


def _rules(app: Flask) -> list[tuple[str, str, set[str]]]:
    return [(rule.endpoint, rule.rule, set(rule.methods or ()) - {"HEAD", "OPTIONS"})
            for rule in app.url_map.iter_rules()]


def test_every_endpoint_requires_a_role(app: Flask) -> None:
    unguarded = [endpoint for endpoint, _rule, _methods in _rules(app)
                 if endpoint not in PUBLIC | {"auth.logout"}
                 and not hasattr(app.view_functions[endpoint], "min_role")]
    assert unguarded == []


def test_anonymous_is_sent_to_sign_in_everywhere(app: Flask) -> None:
    client = app.test_client()
    for endpoint, rule, methods in _rules(app):
        if endpoint in PUBLIC:
            continue
        url = _concrete(rule)
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code in (302, 404), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], (method, url)


def test_each_role_gets_exactly_its_pages(app: Flask, rt: Runtime) -> None:
    with rt.sessions() as session:
        for role in ROLES:
            add_user(session, f"user-{role}", role)
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        login(clients[role], f"user-{role}")
    checked = 0
    for endpoint, rule, methods in _rules(app):
        if endpoint in PUBLIC or "GET" not in methods or "<" in rule:
            continue
        needed = app.view_functions[endpoint].min_role
        for role, client in clients.items():
            status = client.get(rule).status_code
            allowed = ROLES.index(role) >= ROLES.index(needed)
            # Allowed: the page, or 400 for a page that needs query parameters (CSV export).
            assert status in ((200, 400) if allowed else (403,)), (rule, role, status)
        checked += 1
    assert checked >= 10  # inbox, dashboard, admin pages...


def _concrete(rule: str) -> str:
    """A URL for a rule, with 1 for every parameter (a missing object is a 404, also fine)."""
    parts = []
    for piece in rule.split("/"):
        if piece.startswith("<"):
            inner = piece.strip("<>").split(":")[-1]
            parts.append("approve" if inner == "decision" else "1")
        else:
            parts.append(piece)
    return "/".join(parts)
