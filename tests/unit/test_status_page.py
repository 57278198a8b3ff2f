"""The public status page, its Atom feed and its Statuspage-shaped JSON: rules, pages, escaping."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import NoneType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from earful.clock import FrozenClock, now
from earful.models import Incident, IncidentUpdate
from earful.runtime import Runtime
from earful.settings import Settings
from earful.vocab import ComponentStatus
from earful.work.status_page import (
    board,
    component_statuses,
    history,
    message_for,
    overall,
    pick_language,
    public_incidents,
)
from tests.unit.web_console_support import add_user, console_runtime, login, make_app

OK = ComponentStatus.OPERATIONAL
DEGRADED = ComponentStatus.DEGRADED
PARTIAL = ComponentStatus.PARTIAL_OUTAGE
MAJOR = ComponentStatus.MAJOR_OUTAGE
MAINTENANCE = ComponentStatus.MAINTENANCE
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>\u202egnp.exe'
_ids = itertools.count(1)


@pytest.fixture
def rt(settings: Settings, database_url: str) -> Iterator[Runtime]:
    with console_runtime(settings, database_url) as current:
        yield current


@pytest.fixture
def app(rt: Runtime, clock: FrozenClock) -> Flask:
    """The console as built for production: the status page is one of its public routes."""
    app = make_app(rt)
    assert "status" in app.blueprints
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(rt: Runtime, clock: FrozenClock) -> Iterator[Session]:
    with rt.sessions() as session:
        yield session


def add_incident(session: Session, title: str = "Mobile data is down", *,
                 components: Any = ("Mobile data",), impact: str = "major",
                 updates: list[tuple[str, dict[str, str]]] | None = None,
                 **fields: Any) -> Incident:
    """An incident and its updates (oldest first, a minute apart, ending now by default)."""
    start = fields.pop("started_at", None) or now() - timedelta(hours=1)
    incident = Incident(title=title, impact=impact, components=list(components),
                        started_at=start, updated_at=fields.pop("updated_at", start), **fields)
    session.add(incident)
    session.flush()
    for n, (status, messages) in enumerate(updates or [("investigating", {"en": "Looking."})]):
        session.add(IncidentUpdate(incident_id=incident.id, status=status,
                                   body=messages.get("en", ""), messages=messages,
                                   created_at=start + timedelta(minutes=n + 1)))
    session.commit()
    return incident


def statuses(db: Session, rt: Runtime) -> dict[str, ComponentStatus]:
    return component_statuses(db, rt.settings)


# ---------------------------------------------------------------------------------------------
# Component status and the banner


@pytest.mark.parametrize(("impact", "expected"), [
    ("none", OK), ("minor", DEGRADED), ("major", PARTIAL), ("critical", MAJOR)])
def test_impact_sets_the_status_of_affected_components(db: Session, rt: Runtime, impact: str,
                                                       expected: ComponentStatus) -> None:
    add_incident(db, impact=impact, components=["Billing"])
    found = statuses(db, rt)
    assert list(found) == rt.settings.incidents.components  # every component, in order
    assert found["Billing"] == expected
    assert {found[name] for name in found if name != "Billing"} == {OK}


def test_the_worst_status_wins(db: Session, rt: Runtime) -> None:
    add_incident(db, "slow", impact="minor", components=["Mobile data", "Billing"])
    add_incident(db, "down", impact="critical", components=["Mobile data"])
    add_incident(db, "works", impact="minor", components=["Calls and SMS"])
    add_incident(db, "planned", components=["Calls and SMS", "Billing"],
                 scheduled_start=now() - timedelta(minutes=5),
                 scheduled_end=now() + timedelta(hours=1))
    found = statuses(db, rt)
    assert found["Mobile data"] == MAJOR
    assert found["Calls and SMS"] == MAINTENANCE  # maintenance outranks degraded
    assert found["Billing"] == MAINTENANCE
    add_incident(db, "billing down", impact="major", components=["Billing"])
    assert statuses(db, rt)["Billing"] == PARTIAL  # an outage outranks maintenance


def test_maintenance_counts_only_inside_its_window(db: Session, rt: Runtime,
                                                   clock: FrozenClock) -> None:
    planned = add_incident(db, "Planned work", components=["Billing"], impact="none",
                           scheduled_start=now() + timedelta(hours=2),
                           scheduled_end=now() + timedelta(hours=4))
    assert statuses(db, rt)["Billing"] == OK
    assert board(db, rt.settings).scheduled == [planned]  # shown as upcoming
    clock.advance(hours=2)
    assert statuses(db, rt)["Billing"] == MAINTENANCE
    shown = board(db, rt.settings)
    assert shown.open == [planned] and shown.scheduled == []
    assert overall(shown.statuses) == ("maintenance", "Service Under Maintenance")
    clock.advance(hours=2)
    assert statuses(db, rt)["Billing"] == OK


def test_resolved_private_and_unknown_components_are_ignored(db: Session, rt: Runtime) -> None:
    add_incident(db, "old", impact="critical", status="resolved", resolved_at=now())
    add_incident(db, "internal", impact="critical", public=False)
    add_incident(db, "elsewhere", impact="critical", components=["Satellite phones"])
    add_incident(db, "garbled", impact="critical", components=[]).components = {"x": 1}
    db.commit()
    assert set(statuses(db, rt).values()) == {OK}
    assert [i.title for i in public_incidents(db, open_only=True, since=None)] == \
        ["garbled", "elsewhere"]


@pytest.mark.parametrize(("found", "expected"), [
    ({}, ("none", "All Systems Operational")),
    ({"a": OK, "b": OK}, ("none", "All Systems Operational")),
    ({"a": DEGRADED, "b": OK}, ("minor", "Partially Degraded Service")),
    ({"a": PARTIAL, "b": DEGRADED}, ("minor", "Minor Service Outage")),
    ({"a": MAJOR, "b": OK}, ("major", "Partial System Outage")),
    ({"a": MAJOR, "b": MAJOR}, ("critical", "Major System Outage")),
    ({"a": MAINTENANCE, "b": DEGRADED}, ("maintenance", "Service Under Maintenance")),
    ({"a": MAINTENANCE, "b": PARTIAL}, ("minor", "Minor Service Outage")),
])
def test_overall_indicator(found: dict[str, ComponentStatus], expected: tuple[str, str]) -> None:
    assert overall(found) == expected


# ---------------------------------------------------------------------------------------------
# Language

OFFERED = ["en", "ro", "el", "ru", "es", "fr", "de"]


@pytest.mark.parametrize(("header", "expected"), [
    ("ro-RO,ro;q=0.9,en;q=0.8", "ro"),
    ("de;q=0.5, fr;q=0.9", "fr"),
    ("EL-gr", "el"),
    ("xx-YY, es;q=0.1", "es"),
    ("ja, *;q=0.5", "en"),
    ("ro;q=0, ru;q=0.2", "ru"),
    ("fr;q=0.9, de", "de"),
    ("", "en"),
])
def test_accept_language_with_q_values(header: str, expected: str) -> None:
    assert pick_language(header, OFFERED, "en") == expected


@pytest.mark.parametrize("header", [
    ";;;", ",,,", "q=1", "ro;q=abc", "ro;q=2", "ro;q=-1", "ro;q=nan", "ro;q=inf", "\x00\udcff",
    "<script>", "en-" + "a" * 100, "*;q=x", "-,", "é", "ro" * 5000,
])
def test_garbage_headers_fall_back_without_raising(header: str) -> None:
    assert pick_language(header, OFFERED, "en") == "en"


def test_only_the_first_ranges_of_a_huge_header_count() -> None:
    assert pick_language("xx," * 40 + "ro", OFFERED, "en") == "en"
    assert pick_language("ro;" * 5000, OFFERED, "en") == "ro"  # unknown parameters ignored
    assert pick_language("ro;q=0.9;q=0.1;foo", OFFERED, "en") == "ro"


def test_a_prefix_matches_a_regional_offer() -> None:
    assert pick_language("pt", ["en", "pt-BR"], "en") == "pt-BR"
    assert pick_language("pt-PT", ["en", "pt-BR"], "en") == "pt-BR"


def test_message_falls_back_to_the_default_language() -> None:
    update = IncidentUpdate(status="identified", body="Fixed soon",
                            messages={"en": "Fixed soon", "ro": "Rezolvăm curând", "el": "  "})
    assert message_for(update, "ro", "en") == ("Rezolvăm curând", "ro")
    assert message_for(update, "el", "en") == ("Fixed soon", "en")  # blank is missing
    assert message_for(update, "de", "en") == ("Fixed soon", "en")
    update.messages = None
    assert message_for(update, "ro", "en") == ("Fixed soon", "en")


def test_history_has_every_day_with_resolved_incidents_on_theirs(db: Session) -> None:
    add_incident(db, "yesterday", status="resolved", started_at=now() - timedelta(days=1),
                 resolved_at=now() - timedelta(hours=20))
    add_incident(db, "too old", status="resolved", started_at=now() - timedelta(days=95))
    add_incident(db, "still open")
    days = history(db)
    assert len(days) == 90 and days[0][0] == now().date()
    assert [[i.title for i in found] for _day, found in days if found] == [["yesterday"]]
    assert days[1][0] == (now() - timedelta(days=1)).date()


# ---------------------------------------------------------------------------------------------
# Pages


def page(client: FlaskClient, url: str = "/status", **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_the_page_works_signed_out_with_all_systems_operational(client: FlaskClient) -> None:
    html = page(client)
    assert "Lumen Mobile" in html and "Service status" in html
    assert "All Systems Operational" in html
    for name in ("Mobile data", "Calls and SMS", "Billing", "App and website"):
        assert f"<bdi>{name}</bdi>" in html
    assert html.count("No incidents reported.") == 90
    assert 'href="/status/feed.atom"' in html and 'href="/status/summary.json"' in html
    assert "<script" not in html
    assert 'href="/static/status.css"' in html
    assert 'name="robots"' not in html  # customers should find it


def test_the_page_also_works_signed_in(client: FlaskClient, db: Session) -> None:
    add_user(db, "lead", "lead")
    login(client, "lead")
    assert "All Systems Operational" in page(client)


def test_open_incident_with_updates_newest_first_in_the_visitors_language(
        client: FlaskClient, db: Session) -> None:
    incident = add_incident(db, "Calls fail in Cluj", impact="critical",
                            components=["Calls and SMS"], updates=[
                                ("investigating", {"en": "We are looking."}),
                                ("identified", {"en": "A mast is down.",
                                                "ro": "Un releu este căzut."})])
    html = page(client, **{"Accept-Language": "ro-RO,ro;q=0.9,en;q=0.8"})
    assert "Partial System Outage" in html
    assert re.search(r"<bdi>Calls and SMS</bdi></span>\s*<span class=\"component-status\">"
                     r"Major outage", html)
    assert f'href="/status/incidents/{incident.id}"' in html
    newest = html.index('<p class="status-message" lang="ro" dir="auto">Un releu este căzut.')
    oldest = html.index('<p class="status-message" lang="en" dir="auto">We are looking.')
    assert newest < oldest
    assert "Identified" in html and "Investigating" in html
    assert '<time datetime="2026-01-05T08:02:00Z">Jan 05, 2026 08:02 UTC</time>' in html


def test_lang_parameter_wins_and_an_unknown_one_falls_back(client: FlaskClient,
                                                           db: Session) -> None:
    add_incident(db, updates=[("identified", {"en": "Fixing.", "ro": "Reparăm.",
                                              "el": "Επισκευάζουμε."})])
    html = page(client, "/status?lang=el", **{"Accept-Language": "ro"})
    assert 'lang="el" dir="auto">Επισκευάζουμε.' in html
    assert 'aria-current="true">Ελληνικά</a>' in html
    assert "?lang=el" in html  # links keep the visitor's choice
    html = page(client, "/status?lang=<xx>", **{"Accept-Language": "ro"})
    assert 'lang="ro" dir="auto">Reparăm.' in html
    assert "&lt;xx&gt;" not in html and "<xx>" not in html
    for code in OFFERED:
        assert f'href="/status?lang={code}"' in html


def test_scheduled_maintenance_and_history(client: FlaskClient, db: Session) -> None:
    add_incident(db, "Billing upgrade", components=["Billing"], impact="none",
                 scheduled_start=now() + timedelta(days=1),
                 scheduled_end=now() + timedelta(days=1, hours=2),
                 updates=[("investigating", {"en": "We will upgrade billing."})])
    add_incident(db, "App login errors", components=["App and website"], status="resolved",
                 started_at=now() - timedelta(days=3), resolved_at=now() - timedelta(days=3),
                 updates=[("investigating", {"en": "Errors."}), ("resolved", {"en": "Fixed."})])
    html = page(client)
    assert "All Systems Operational" in html  # maintenance not started yet
    assert "Scheduled maintenance" in html and "Billing upgrade" in html
    assert "Scheduled: <time" in html
    history_part = html[html.index("Past incidents"):]
    assert "App login errors" in history_part and "Fixed." in history_part
    assert "Errors." not in history_part  # only the final word in the history
    assert history_part.count("No incidents reported.") == 89
    assert "Jan 02, 2026" in history_part


def test_incident_page_shows_every_update(client: FlaskClient, db: Session) -> None:
    incident = add_incident(db, "Outage", status="resolved", resolved_at=now(), updates=[
        ("investigating", {"en": "one"}), ("monitoring", {"en": "two"}),
        ("resolved", {"en": "three", "fr": "trois"})])
    html = page(client, f"/status/incidents/{incident.id}?lang=fr")
    assert "<h1><bdi>Outage</bdi></h1>" in html
    assert html.index("trois") < html.index("two") < html.index("one")
    assert "Resolved" in html and "Mobile data" in html


@pytest.mark.parametrize("path", ["999", "9" * 25, str(2**63), str(2**63 - 1), "private"])
def test_incident_page_404s_for_missing_private_and_absurd_ids(client: FlaskClient,
                                                               db: Session, path: str) -> None:
    if path == "private":
        path = str(add_incident(db, "Secret", public=False).id)
    response = client.get(f"/status/incidents/{path}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Incident not found" in html and "Secret" not in html


# ---------------------------------------------------------------------------------------------
# Feed and JSON


def test_atom_feed_has_an_entry_per_update(client: FlaskClient, db: Session) -> None:
    incident = add_incident(db, "Data outage", updates=[
        ("investigating", {"en": "Looking.", "ro": "Căutăm."}), ("identified", {"en": "Found."})])
    add_incident(db, "Hidden", public=False)
    response = client.get("/status/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    url = f"http://127.0.0.1:5000/status/incidents/{incident.id}"
    newest = entries[0]
    assert newest.findtext(f"{ATOM}title") == "\u2068Data outage\u2069: Identified"
    assert newest.findtext(f"{ATOM}id").startswith(f"{url}#update-")
    assert newest.find(f"{ATOM}link").get("href") == url
    assert newest.findtext(f"{ATOM}updated") == "2026-01-05T08:02:00Z"
    assert newest.findtext(f"{ATOM}content") == "Found."
    assert entries[1].findtext(f"{ATOM}content") == "Looking."  # the default language
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
    assert root.findtext(f"{ATOM}updated") == "2026-01-05T08:02:00Z"


def test_updates_not_posted_to_platforms_are_still_public(client: FlaskClient,
                                                          db: Session) -> None:
    """`publish` records whether an update went to the platforms, not whether it is public."""
    incident = add_incident(db)
    db.add(IncidentUpdate(incident_id=incident.id, status="identified", body="Page only.",
                          messages={"en": "Page only."}, publish=False, created_at=now()))
    db.commit()
    assert "Page only." in page(client, f"/status/incidents/{incident.id}")
    assert "Page only." in page(client)
    assert b"Page only." in client.get("/status/feed.atom").data


def test_atom_feed_is_valid_when_empty_and_keeps_the_newest_fifty(client: FlaskClient,
                                                                  db: Session) -> None:
    root = ET.fromstring(client.get("/status/feed.atom").data)
    assert root.findall(f"{ATOM}entry") == [] and root.findtext(f"{ATOM}updated")
    add_incident(db, updates=[("investigating", {"en": f"update {n}"}) for n in range(60)])
    entries = ET.fromstring(client.get("/status/feed.atom").data).findall(f"{ATOM}entry")
    assert len(entries) == 50 and entries[0].findtext(f"{ATOM}content") == "update 59"


def test_atom_feed_survives_characters_xml_cannot_carry(client: FlaskClient,
                                                         db: Session) -> None:
    add_incident(db, "bell\x07 and \x0bvtab", updates=[("identified", {"en": "nul\x00 here"})])
    entry = ET.fromstring(client.get("/status/feed.atom").data).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}content") == "nul\ufffd here"


Time = (str,)
MaybeTime = (str, NoneType)
PAGE = {"id": str, "name": str, "url": str, "time_zone": str, "updated_at": Time}
COMPONENT = {"id": str, "name": str, "status": str, "created_at": Time, "updated_at": Time,
             "position": int, "description": NoneType, "showcase": bool, "group_id": NoneType,
             "page_id": str, "group": bool, "only_show_if_degraded": bool}
INCIDENT = {"id": str, "name": str, "status": str, "created_at": Time, "updated_at": Time,
            "monitoring_at": MaybeTime, "resolved_at": MaybeTime, "impact": str,
            "shortlink": str, "started_at": Time, "page_id": str, "incident_updates": list,
            "components": list}
UPDATE = {"id": str, "status": str, "body": str, "incident_id": str, "created_at": Time,
          "updated_at": Time, "display_at": Time, "affected_components": list,
          "deliver_notifications": bool}
MAINTENANCE_EXTRA = {"scheduled_for": Time, "scheduled_until": MaybeTime}
SUMMARY = {"page": dict, "components": list, "incidents": list, "scheduled_maintenances": list,
           "status": dict}


def check(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    """Problems with one object: a missing key, a wrong type, a time that does not parse."""
    if not isinstance(value, dict):
        return [f"{where}: not an object"]
    problems = []
    for key, kind in schema.items():
        if key not in value:
            problems.append(f"{where}.{key}: missing")
        elif not isinstance(value[key], kind) or isinstance(value[key], bool) and kind is int:
            problems.append(f"{where}.{key}: {type(value[key]).__name__}")
        elif kind in (Time, MaybeTime) and value[key] is not None:
            try:
                datetime.fromisoformat(value[key])
            except ValueError:
                problems.append(f"{where}.{key}: not ISO 8601: {value[key]!r}")
    return problems


def check_summary(data: Any) -> list[str]:
    problems = check(data, SUMMARY, "summary")
    if problems:
        return problems
    problems += check(data["page"], PAGE, "page")
    problems += check(data["status"], {"indicator": str, "description": str}, "status")
    for n, component in enumerate(data["components"]):
        problems += check(component, COMPONENT, f"components[{n}]")
    for group, extra in (("incidents", {}), ("scheduled_maintenances", MAINTENANCE_EXTRA)):
        for n, incident in enumerate(data[group]):
            problems += check(incident, INCIDENT | extra, f"{group}[{n}]")
            for m, update in enumerate(incident.get("incident_updates", [])):
                problems += check(update, UPDATE, f"{group}[{n}].incident_updates[{m}]")
            for m, component in enumerate(incident.get("components", [])):
                problems += check(component, COMPONENT, f"{group}[{n}].components[{m}]")
    return problems


def test_the_schema_check_finds_problems() -> None:
    assert check_summary({"page": {}}) != []
    assert check({"position": True}, {"position": int}, "c") == ["c.position: bool"]
    assert check({"at": "yesterday"}, {"at": Time}, "x") == ["x.at: not ISO 8601: 'yesterday'"]


def test_summary_json_has_statuspages_shape(client: FlaskClient, db: Session) -> None:
    outage = add_incident(db, "Data outage", impact="critical", updates=[
        ("investigating", {"en": "Looking."}), ("monitoring", {"en": "Watching."})])
    add_incident(db, "Maintenance", components=["Billing"],
                 scheduled_start=now() + timedelta(hours=1),
                 scheduled_end=now() + timedelta(hours=2))
    add_incident(db, "Done", status="resolved", resolved_at=now())
    response = client.get("/status/summary.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.data)
    assert check_summary(data) == []
    assert data["page"]["time_zone"] == "Etc/UTC"
    assert data["page"]["url"] == "http://127.0.0.1:5000/status"
    assert [c["id"] for c in data["components"]] == [
        "mobile-data", "calls-and-sms", "billing", "app-and-website"]
    assert [c["position"] for c in data["components"]] == [1, 2, 3, 4]
    assert {c["status"] for c in data["components"]} <= {s.value for s in ComponentStatus}
    assert data["status"] == {"indicator": "major", "description": "Partial System Outage"}
    (incident,) = data["incidents"]  # open incidents only, as Statuspage
    assert incident["id"] == str(outage.id) and incident["impact"] == "critical"
    assert incident["shortlink"] == f"http://127.0.0.1:5000/status/incidents/{outage.id}"
    assert incident["monitoring_at"] == "2026-01-05T08:02:00Z"
    assert [u["body"] for u in incident["incident_updates"]] == ["Watching.", "Looking."]
    assert incident["incident_updates"][1]["affected_components"] == [
        {"code": "mobile-data", "name": "Mobile data", "old_status": "operational",
         "new_status": "major_outage"}]
    assert [c["id"] for c in incident["components"]] == ["mobile-data"]
    (maintenance,) = data["scheduled_maintenances"]
    assert maintenance["status"] == "scheduled" and maintenance["impact"] == "maintenance"
    assert maintenance["scheduled_for"] == "2026-01-05T10:00:00Z"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_summary_json_of_a_quiet_page(client: FlaskClient) -> None:
    data = client.get("/status/summary.json").get_json()
    assert check_summary(data) == []
    assert data["incidents"] == [] and data["scheduled_maintenances"] == []
    assert data["status"] == {"indicator": "none", "description": "All Systems Operational"}


# ---------------------------------------------------------------------------------------------
# Caching and escaping

ROUTES = ["/status", "/status/feed.atom", "/status/summary.json", "/status/incidents/{id}"]


@pytest.mark.parametrize("route", ROUTES)
def test_cacheable_with_an_etag_and_304(client: FlaskClient, db: Session, route: str) -> None:
    incident = add_incident(db)
    url = route.format(id=incident.id)
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=30"
    assert "no-store" not in str(first.headers)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    db.add(IncidentUpdate(incident_id=incident.id, status="identified", body="New.",
                          messages={"en": "New."}, created_at=now() + timedelta(minutes=5)))
    db.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_html_varies_with_accept_language(client: FlaskClient) -> None:
    response = client.get("/status")
    assert "Accept-Language" in response.headers["Vary"]
    assert client.get("/status", headers={"Accept-Language": "ro"}).headers["ETag"]


def test_hostile_titles_and_messages_are_escaped_everywhere(client: FlaskClient,
                                                            db: Session) -> None:
    incident = add_incident(db, HOSTILE, components=["Billing", HOSTILE],
                            updates=[("identified", {"en": HOSTILE, "ro": HOSTILE})])
    for url in ("/status", f"/status/incidents/{incident.id}", "/status?lang=ro"):
        html = page(client, url)
        assert "<script>" not in html and "<img" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in html, url
        # the override stays inside an isolating element
        assert "<bdi>&lt;script&gt;" in html, url
        assert 'dir="auto">&lt;script&gt;' in html, url
    feed = client.get("/status/feed.atom").data
    assert b"<script>" not in feed and b"<img" not in feed
    entry = ET.fromstring(feed).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == f"\u2068{HOSTILE}\u2069: Identified"
    assert entry.findtext(f"{ATOM}content") == HOSTILE
    raw = client.get("/status/summary.json").data
    assert b"<" not in raw and b">" not in raw and "\u202e".encode() not in raw
    data = json.loads(raw)
    assert data["incidents"][0]["name"] == HOSTILE
    assert data["incidents"][0]["incident_updates"][0]["body"] == HOSTILE
    assert [c["name"] for c in data["incidents"][0]["components"]] == ["Billing"]


def test_a_wrong_public_address_gets_a_public_error_page(client: FlaskClient) -> None:
    for url in ("/status/nothing-here", "/status/incidents/abc", "/csat/short"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, url
        assert "Back to the inbox" not in html and "Sign out" not in html, url
