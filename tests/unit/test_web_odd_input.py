"""Odd input never makes a server error: every route, every parameter, as a signed-in admin.

Path parameters get odd values in place of each `<...>`; the query and form fields each route
reads are listed in FIELDS (a route without an entry still gets its path parameters checked).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from earful.clock import now
from earful.models import AlertRule, CannedResponse, Incident
from earful.runtime import Runtime
from earful.settings import Settings
from tests.unit.web_console_support import (
    add_author,
    add_mention,
    add_user,
    console_runtime,
    login,
    make_app,
)

ODD = ["²", "٣", "-1", "0", "1" * 25, "9" * 19, "1e3", "9999-12-31", "0001-01-01", "%00", "\x00",
       "x" * 5000, "日本語", "1.5", " 1", "1 ", "+1", "0x10", "", "me", "none", "NaN", "inf"]

# endpoint -> the query/form fields its view reads (the rest are ignored by the view anyway).
FIELDS: dict[str, tuple[str, ...]] = {
    "inbox.index": ("status", "complaint", "platform", "source", "sentiment", "urgency", "lang",
                    "tag", "assignee", "incident", "from", "to", "q", "after"),
    "inbox.bulk": ("action", "ids", "assignee", "tag", "incident", "next"),
    "conversations.show": ("canned", "edit"),
    "conversations.correct": ("field", "value"),
    "conversations.status": ("status",),
    "conversations.assign_to": ("assignee",),
    "conversations.add_note": ("body",),
    "conversations.tag": ("tag",),
    "conversations.incident": ("incident",),
    "presence.ping": ("state", "seen_mention_id"),
    "composer.reply": ("idempotency_key", "text", "seen_mention_id", "seen_outbox_id",
                       "replaces", "confirm_newer"),
    "admin.create": ("username", "display_name", "role", "languages", "password", "active"),
    "admin.edit_user": ("display_name", "role", "languages", "password", "active"),
    "canned.edit": ("name", "lang", "body"),
    "alert_rules.edit": ("preview", "preview_days", "name", "sentiment", "platform",
                         "window_minutes", "baseline_days", "min_count", "factor",
                         "cooldown_minutes", "recipients"),
    "audit.index": ("action", "user", "target_type", "target_id", "from", "to", "before"),
    "dashboard.index": ("from", "to"),
    "dashboard.export": ("metric", "from", "to"),
    "incidents.new": ("mention", "alert", "title", "impact", "started_at", "scheduled_start",
                      "scheduled_end", "from_mention", "components", "targets"),
    "incidents.show": ("canned",),
    "incidents.post_update": ("status",),
    "incidents.links": ("ids", "more_ids", "action"),
    "incidents.follow_up": ("canned",),
    "status.index": ("lang",),
    "status.incident": ("lang",),
    "csat.survey": ("score", "comment"),
    "auth.login": ("username", "password", "next"),
}
SKIP = {"static", "auth.logout"}  # signing out would end the walk; static serves files


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    with console_runtime(settings, database_url) as current:
        with current.sessions() as session:
            add_user(session, "boss", "admin")
            author = add_author(session, "ana")
            add_mention(session, author=author)
            # Id 1 of each kind exists, so the forms behind /x/1 are reached, not just 404s.
            session.add_all([Incident(title="Outage", started_at=now()),
                             CannedResponse(name="Sorry", lang="en", body="Sorry!",
                                            updated_at=now()),
                             AlertRule(name="Spike")])
            session.commit()
        yield current


@pytest.fixture
def app(rt: Runtime) -> Flask:
    return make_app(rt)


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "boss")
    return client


def _url(rule: str, value: str | None) -> str:
    """The rule with `value` in every parameter (or a sensible real value when None)."""
    parts = []
    for piece in rule.split("/"):
        if piece.startswith("<"):
            converter = piece.strip("<>").split(":")[0] if ":" in piece else ""
            if converter.startswith("any("):
                parts.append(converter[4:].split(",")[0].strip(" )"))
            else:
                parts.append("1" if value is None else _quote(value))
        else:
            parts.append(piece)
    return "/".join(parts)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="") or "%20"


def _status(client: FlaskClient, method: str, url: str, **kwargs: object) -> int | str:
    """The status code, or the exception a view raised (the test app propagates them)."""
    try:
        return client.open(url, method=method, **kwargs).status_code  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - any exception is the finding
        return f"{type(exc).__name__}: {str(exc)[:80]}"


def _bad(status: int | str) -> bool:
    return isinstance(status, str) or status >= 500


def _rules(app: Flask) -> list[tuple[str, str, set[str]]]:
    return [(r.endpoint, r.rule, set(r.methods or ()) - {"HEAD", "OPTIONS"})
            for r in app.url_map.iter_rules() if r.endpoint not in SKIP]


def test_odd_path_values_are_never_a_server_error(app: Flask, admin: FlaskClient) -> None:
    failures = []
    for endpoint, rule, methods in _rules(app):
        if "<" not in rule:
            continue
        for value in ODD:
            url = _url(rule, value)
            for method in methods:
                status = _status(admin, method, url)
                if _bad(status):
                    failures.append((method, url[:80], status))
        assert endpoint  # every parametrised rule visited
    assert failures == [], "\n".join(map(str, failures))


def test_odd_field_values_are_never_a_server_error(app: Flask, admin: FlaskClient) -> None:
    failures = []
    walked = set()
    for endpoint, rule, methods in _rules(app):
        fields = FIELDS.get(endpoint, ())
        url = _url(rule, None)
        for field in fields:
            for value in ODD:
                for method in methods:
                    where = "query_string" if method == "GET" else "data"
                    status = _status(admin, method, url, **{where: {field: value}})
                    if _bad(status):
                        failures.append((method, url, field, value[:30], status))
        walked.add(endpoint)
    assert set(FIELDS) <= walked  # the table names real endpoints
    assert failures == [], "\n".join(map(str, failures))


def test_several_odd_fields_at_once(app: Flask, admin: FlaskClient) -> None:
    """Filters combine: every field odd at once, for the pages that read many."""
    for value in ODD:
        for endpoint in ("inbox.index", "audit.index", "dashboard.index", "dashboard.export"):
            rule = next(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            response = admin.get(rule, query_string=dict.fromkeys(FIELDS[endpoint], value))
            assert response.status_code < 500, (endpoint, value[:30])


@pytest.mark.parametrize("url", ["/conversations/" + "9" * 25, "/conversations/²",
                                 "/incidents/" + "9" * 25, "/admin/users/" + "9" * 30])
def test_huge_and_odd_ids_are_not_found(admin: FlaskClient, url: str) -> None:
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize("query", [{"source": "²"}, {"source": "9" * 25}, {"from": "9999-99-99"},
                                   {"assignee": "٣"}, {"after": "1.2.3"}])
def test_a_bad_inbox_filter_is_a_400_with_its_reason(admin: FlaskClient,
                                                     query: dict[str, str]) -> None:
    response = admin.get("/", query_string=query)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "<html" in body.lower() and next(iter(query)) in body


def test_bulk_with_a_huge_id_is_a_400(admin: FlaskClient) -> None:
    response = admin.post("/inbox/bulk", data={"action": "resolve", "ids": ["1", "9" * 25]})
    assert response.status_code == 400
    assert "ids" in response.get_data(as_text=True)
