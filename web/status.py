"""The public status page, its Atom feed and its Statuspage-shaped JSON: no sign-in, no scripts.

The rules (statuses, banner, what is public, language) live in earful.work.status_page; this
module renders them. Every answer is cacheable for 30 seconds with an ETag of its body, so a
burst of visitors during an outage costs a few queries, not one per visitor. Absolute links come
from `[app] public_url`, never from the request's Host header, which a visitor controls and a
shared cache would keep.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request

from earful.clock import as_utc
from earful.models import Incident, IncidentUpdate
from earful.settings import Settings
from earful.vocab import ComponentStatus, IncidentStatus
from earful.work.replies import incident_url
from earful.work.status_page import (
    Board,
    board,
    maintenance_state,
    message_for,
    names_of,
    nominal_effect,
    pick_language,
    recent_updates,
    updates_for,
)
from web.db import get_db, get_runtime
from web.params import MAX_ID

bp = Blueprint("status", __name__)
CACHE = "public, max-age=30"
FEED_ENTRIES = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # "never changed", where a time is required
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry at all: left in, they would make the whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LANGUAGE_NAMES = {"en": "English", "ro": "Română", "el": "Ελληνικά", "ru": "Русский",
                  "es": "Español", "fr": "Français", "de": "Deutsch", "it": "Italiano",
                  "pt": "Português", "ar": "العربية", "hi": "हिन्दी"}
LABELS = {
    ComponentStatus.OPERATIONAL: "Operational",
    ComponentStatus.DEGRADED: "Degraded performance",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
    ComponentStatus.MAINTENANCE: "Under maintenance",
    IncidentStatus.INVESTIGATING: "Investigating",
    IncidentStatus.IDENTIFIED: "Identified",
    IncidentStatus.MONITORING: "Monitoring",
    IncidentStatus.RESOLVED: "Resolved",
    "scheduled": "Scheduled", "in_progress": "In progress", "verifying": "Verifying",
    "completed": "Completed",
}


@bp.get("/status")
def index() -> Response:
    settings = get_runtime().settings
    lang, explicit = _language(settings)
    html = render_template("status/index.html", board=board(get_db(), settings),
                           **_context(settings, lang, explicit))
    return _cached(html, "text/html", per_language=True)


@bp.get("/status/incidents/<int:incident_id>")  # its own bound: a public 404 page
def incident(incident_id: int) -> Response:
    settings = get_runtime().settings
    lang, explicit = _language(settings)
    session = get_db()
    # Flask's int converter takes any length; ids stop at MAX_ID
    found = session.get(Incident, incident_id) if incident_id <= MAX_ID else None
    if found is None or not found.public:
        html = render_template("status/incident.html", incident=None,
                               **_context(settings, lang, explicit))
        return _cached(html, "text/html", status=404, per_language=True)
    html = render_template("status/incident.html", incident=found,
                           updates=updates_for(session, [found])[found.id],
                           state=maintenance_state(found) if found.scheduled_start else None,
                           **_context(settings, lang, explicit))
    return _cached(html, "text/html", per_language=True)


@bp.get("/status/feed.atom")
def feed() -> Response:
    settings = get_runtime().settings
    return _cached(atom_feed(settings, recent_updates(get_db(), FEED_ENTRIES)),
                   "application/atom+xml")


@bp.get("/status/summary.json")
def summary() -> Response:
    settings = get_runtime().settings
    body = json.dumps(summary_of(board(get_db(), settings), settings), ensure_ascii=True)
    # Safe even if someone pastes it into a page: no markup characters survive literally.
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        body = body.replace(char, escaped)
    response = _cached(body, "application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"  # public data, read by widgets
    return response


# ---------------------------------------------------------------------------------------------
# Shared pieces


def _language(settings: Settings) -> tuple[str, bool]:
    """The visitor's language and whether they chose it (?lang wins over Accept-Language)."""
    offered = settings.incidents.languages
    asked = request.args.get("lang", "").strip().lower()
    chosen = next((code for code in offered if code.lower() == asked), None)
    if chosen is not None:
        return chosen, True
    header = request.headers.get("Accept-Language", "")
    return pick_language(header, offered, settings.incidents.default_language), False


def _context(settings: Settings, lang: str, explicit: bool) -> dict[str, Any]:
    default = settings.incidents.default_language
    configured = set(settings.incidents.components)
    return {
        "brand": settings.brand.name, "title": settings.brand.status_page_title,
        "lang": lang, "link_lang": lang if explicit else None,
        "languages": settings.incidents.languages, "language_names": LANGUAGE_NAMES,
        "labels": LABELS,
        "affects": lambda found: [n for n in names_of(found) if n in configured],
        "say": lambda update: message_for(update, lang, default),
        "when": _when, "iso": _iso, "isolate": isolate,
    }


def _cached(body: str | bytes, mimetype: str, status: int = 200,
            per_language: bool = False) -> Response:
    """Public for 30 s, with an ETag of the body; 304 when the visitor already has it."""
    response = Response(body, status, mimetype=mimetype)
    response.headers["Cache-Control"] = CACHE
    if per_language:
        response.vary.add("Accept-Language")
    if status == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def isolate(text: str) -> str:
    """Wrap staff text in a bidi isolate, so a stray override cannot reverse what follows."""
    return f"\u2068{text}\u2069"


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def _when(moment: datetime | None) -> str:
    return as_utc(moment).strftime("%b %d, %Y %H:%M UTC") if moment else ""


def _public(settings: Settings, path: str) -> str:
    return settings.app.public_url.rstrip("/") + path


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "component"


def component_ids(names: list[str]) -> dict[str, str]:
    """Stable ids from the names (a slug, numbered when two names make the same one)."""
    ids: dict[str, str] = {}
    for name in names:
        base = candidate = slug(name)
        count = 1
        while candidate in ids.values():
            count += 1
            candidate = f"{base}-{count}"
        ids[name] = candidate
    return ids


# ---------------------------------------------------------------------------------------------
# Atom


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = _xml(text)
    return element


def atom_feed(settings: Settings, rows: list[tuple[IncidentUpdate, Incident]]) -> bytes:
    """An Atom 1.0 feed, an entry per update; ElementTree escapes every text and attribute."""
    default = settings.incidents.default_language
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: default})
    _sub(root, "id", _public(settings, "/status"))
    _sub(root, "title", f"{settings.brand.name}: {settings.brand.status_page_title}")
    _sub(root, "updated", _iso(rows[0][0].created_at if rows else EPOCH))
    _sub(root, "link", rel="alternate", type="text/html", href=_public(settings, "/status"))
    _sub(root, "link", rel="self", type="application/atom+xml",
         href=_public(settings, "/status/feed.atom"))
    _sub(_sub(root, "author"), "name", settings.brand.name)
    for update, found in rows:
        url = incident_url(settings, found.id)
        entry = _sub(root, "entry")
        _sub(entry, "id", f"{url}#update-{update.id}")
        _sub(entry, "title", f"{isolate(found.title)}: {LABELS.get(update.status, update.status)}")
        _sub(entry, "updated", _iso(update.created_at))
        _sub(entry, "published", _iso(update.created_at))
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        text, used = message_for(update, default, default)
        _sub(entry, "content", text, type="text", **{XML_LANG: used})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------------------------------------
# Statuspage's /api/v2/summary.json


def summary_of(shown: Board, settings: Settings) -> dict[str, Any]:
    """The board in the shape of Statuspage's summary, for tooling that already reads it."""
    page_id = slug(settings.brand.name)
    page_updated = _iso(shown.updated_at or EPOCH)
    ids = component_ids(settings.incidents.components)
    everything = shown.open + shown.scheduled + [i for _day, found in shown.days for i in found]
    components = {}
    for position, (name, status) in enumerate(shown.statuses.items(), start=1):
        naming = [i for i in everything if name in names_of(i)]
        components[name] = {
            "id": ids[name], "name": name, "status": status.value,
            "created_at": _iso(min((i.started_at for i in naming), default=None)) or page_updated,
            "updated_at": _iso(max((i.updated_at for i in naming), default=None)) or page_updated,
            "position": position, "description": None, "showcase": True, "group_id": None,
            "page_id": page_id, "group": False, "only_show_if_degraded": False,
        }

    def shaped(found: Incident) -> dict[str, Any]:
        return _incident_json(found, shown.updates.get(found.id, []), components, ids,
                              page_id, settings)

    maintenance = [i for i in shown.open if i.scheduled_start is not None] + shown.scheduled
    return {
        "page": {"id": page_id, "name": settings.brand.name,
                 "url": _public(settings, "/status"), "time_zone": "Etc/UTC",
                 "updated_at": page_updated},
        "components": list(components.values()),
        "incidents": [shaped(i) for i in shown.open if i.scheduled_start is None],
        "scheduled_maintenances": [
            {**shaped(i), "status": maintenance_state(i, shown.at), "impact": "maintenance",
             "scheduled_for": _iso(i.scheduled_start), "scheduled_until": _iso(i.scheduled_end)}
            for i in maintenance],
        "status": {"indicator": shown.indicator, "description": shown.description},
    }


def _incident_json(found: Incident, updates: list[IncidentUpdate],
                   components: dict[str, dict[str, Any]], ids: dict[str, str], page_id: str,
                   settings: Settings) -> dict[str, Any]:
    named = [name for name in names_of(found) if name in components]
    monitoring = [u.created_at for u in updates if u.status == IncidentStatus.MONITORING]
    return {
        "id": str(found.id), "name": found.title, "status": found.status,
        "created_at": _iso(found.started_at), "updated_at": _iso(found.updated_at),
        "monitoring_at": _iso(min(monitoring, default=None)),
        "resolved_at": _iso(found.resolved_at), "impact": found.impact,
        "shortlink": incident_url(settings, found.id), "started_at": _iso(found.started_at),
        "page_id": page_id,
        "incident_updates": _updates_json(found, updates, named, ids, settings),
        "components": [components[name] for name in named],
    }


def _updates_json(found: Incident, updates: list[IncidentUpdate], named: list[str],
                  ids: dict[str, str], settings: Settings) -> list[dict[str, Any]]:
    """Newest first; each names the components it moved (old and new status), as Statuspage."""
    default = settings.incidents.default_language
    shaped = []
    before = ComponentStatus.OPERATIONAL.value
    for update in reversed(updates):  # oldest first, to know each one's "old" status
        after = (ComponentStatus.OPERATIONAL if update.status == IncidentStatus.RESOLVED
                 else nominal_effect(found)).value
        shaped.append({
            "id": str(update.id), "status": update.status,
            "body": message_for(update, default, default)[0],
            "incident_id": str(found.id), "created_at": _iso(update.created_at),
            "updated_at": _iso(update.created_at), "display_at": _iso(update.created_at),
            "affected_components": [{"code": ids[name], "name": name, "old_status": before,
                                     "new_status": after} for name in named],
            "deliver_notifications": True,
        })
        before = after
    return shaped[::-1]
