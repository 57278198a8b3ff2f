"""Incident pages for leads: open one (from scratch, or from a mention), post its updates to the
status page and the platforms, link complaints, and follow up with every linked complainer.

The rules live in earful.work.incidents; this module reads forms and renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from earful.models import (
    Alert,
    CannedResponse,
    Incident,
    IncidentUpdate,
    Mention,
    OutboxReply,
)
from earful.settings import Settings
from earful.vocab import Impact, IncidentStatus, Status
from earful.work import WorkflowError
from earful.work import incidents as rules
from earful.work.replies import incident_url
from listener.platforms.lengths import too_long
from web import charts
from web.auth import role_required
from web.db import get_db, get_runtime
from web.params import BadParam, datetime_arg, id_list, optional_int, text_arg

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
LINKED_SHOWN = 100
MAX_IDS = 1000


def _incident(incident_id: int) -> Incident:
    return get_db().get(Incident, incident_id) or abort(404)


def _targets(form: Mapping[str, Any], settings: Settings) -> list[tuple[str, str]]:
    """The ticked brand accounts ("platform:handle"), only those configured."""
    allowed = set(rules.publish_targets(settings))
    ticked = []
    for value in form.getlist("targets") if hasattr(form, "getlist") else []:
        platform, _, handle = str(value).partition(":")
        if (platform, handle) in allowed:
            ticked.append((platform, handle))
    return ticked


def _messages(form: Mapping[str, Any], settings: Settings) -> dict[str, str]:
    """One message per offered language; empty ones are left out."""
    found = {}
    for lang in settings.incidents.languages:
        text = str(form.get(f"message_{lang}", "")).replace("\r\n", "\n").strip()
        if text:
            found[lang] = text
    return found


def _moment(text: str, field: str) -> datetime | None:
    """A datetime-local value, read as UTC."""
    try:
        return datetime_arg(text, name=field)
    except BadParam as exc:  # shown above the form, which keeps what was typed
        raise WorkflowError(exc.description or field) from exc


def _draft(form: Mapping[str, Any], settings: Settings) -> rules.IncidentDraft:
    keywords = {}
    for lang in settings.incidents.languages:
        words = [w.strip() for w in str(form.get(f"keywords_{lang}", "")).split(",")]
        if any(words):
            keywords[lang] = [w for w in words if w]
    components = form.getlist("components") if hasattr(form, "getlist") else []
    return rules.IncidentDraft(
        title=str(form.get("title", "")).strip(), impact=str(form.get("impact", "")),
        components=[str(c) for c in components], keywords=keywords,
        scheduled_start=_moment(str(form.get("scheduled_start", "")), "Maintenance start"),
        scheduled_end=_moment(str(form.get("scheduled_end", "")), "Maintenance end"),
        public=form.get("public") == "on",
        started_at=_moment(str(form.get("started_at", "")), "Problem began"))


def _prefill(mention: Mention | None, settings: Settings) -> dict[str, Any]:
    """The new-incident form, filled from the mention it was opened from."""
    form: dict[str, Any] = {"title": "", "impact": Impact.MAJOR.value, "public": True,
                            "components": [], "targets": []}
    if mention is not None and not mention.deleted:
        form["title"] = f"Reports of problems: {' '.join(mention.text.split())[:80]}"
        form[f"message_{settings.incidents.default_language}"] = (
            "We are investigating reports of problems. Updates follow here.")
        words = [w.strip(".,!?;:\"'()").lower() for w in mention.text.split()]
        salient = [w for w in words if len(w) >= 5 and w.isalpha()][:3]
        lang = mention.lang if mention.lang in settings.incidents.languages else \
            settings.incidents.default_language
        form[f"keywords_{lang}"] = ", ".join(dict.fromkeys(salient))
        form["from_mention"] = mention.id
        form["started_at"] = mention.created_at.strftime("%Y-%m-%dT%H:%M")
    return form


def _prefill_from_alert(alert: Alert | None, settings: Settings) -> dict[str, Any]:
    """The new-incident form, filled from the draft a spike alert proposed."""
    form = _prefill(None, settings)
    proposed = (alert.details or {}).get("proposed_incident") if alert is not None else None
    if alert is None or not isinstance(proposed, dict):
        return form
    form["title"] = str(proposed.get("title", ""))[:200]
    for lang, words in (proposed.get("keywords") or {}).items():
        if lang in settings.incidents.languages and isinstance(words, list):
            form[f"keywords_{lang}"] = ", ".join(str(w) for w in words)
    form[f"message_{settings.incidents.default_language}"] = (
        "We are investigating reports of problems. Updates follow here.")
    form["started_at"] = alert.window_start.strftime("%Y-%m-%dT%H:%M")
    return form


def _form_page(form: Mapping[str, Any], errors: list[str], code: int = 200) -> Any:
    settings = get_runtime().settings
    return render_template("incidents/new.html", form=form, errors=errors,
                           impacts=[i.value for i in Impact], settings=settings,
                           targets=rules.publish_targets(settings)), code


@bp.get("/")
@role_required("agent")
def index() -> Any:
    incidents = get_db().scalars(select(Incident).order_by(
        Incident.resolved_at.is_not(None), Incident.started_at.desc(), Incident.id.desc())
        .limit(200)).all()
    return render_template("incidents/index.html", incidents=incidents)


@bp.route("/new", methods=["GET", "POST"])
@role_required("lead")
def new() -> Any:
    settings = get_runtime().settings
    if request.method == "GET":
        mention_id = optional_int(request.args.get("mention"), name="mention")
        alert_id = optional_int(request.args.get("alert"), name="alert")
        if alert_id is not None:
            return _form_page(_prefill_from_alert(get_db().get(Alert, alert_id), settings), [])
        mention = get_db().get(Mention, mention_id) if mention_id is not None else None
        return _form_page(_prefill(mention, settings), [])
    session = get_db()
    linked = optional_int(request.form.get("from_mention"), name="from_mention")
    try:
        incident = rules.open_incident(
            session, _draft(request.form, settings), _messages(request.form, settings),
            current_user.id, settings, _targets(request.form, settings), too_long=too_long)
        if linked is not None:
            rules.link_many(session, incident, [linked], current_user.id)
    except WorkflowError as exc:
        session.rollback()
        form = {**request.form.to_dict(), "components": request.form.getlist("components"),
                "targets": request.form.getlist("targets"), "public": "public" in request.form}
        return _form_page(form, [str(exc)], 400)
    session.commit()
    flash(f"Incident #{incident.id} opened: it is on the status page"
          + (" and queued for the platforms." if request.form.getlist("targets") else "."),
          "info")
    return redirect(url_for("incidents.show", incident_id=incident.id))


@bp.get("/<id:incident_id>")
@role_required("agent")
def show(incident_id: int) -> Any:
    session, settings = get_db(), get_runtime().settings
    incident = _incident(incident_id)
    updates = session.scalars(select(IncidentUpdate).where(
        IncidentUpdate.incident_id == incident.id).order_by(IncidentUpdate.id.desc())).all()
    posts = session.scalars(select(OutboxReply).where(OutboxReply.incident_update_id.in_(
        [u.id for u in updates])).order_by(OutboxReply.id)).all() if updates else []
    linked = session.scalars(select(Mention).where(
        Mention.incident_id == incident.id, Mention.status != Status.OWN)
        .order_by(Mention.created_at.desc(), Mention.id.desc()).limit(LINKED_SHOWN)).all()
    stats = rules.linked_stats(session, incident, settings)
    canned_names = sorted(set(session.scalars(select(CannedResponse.name))))
    chosen = text_arg(request.args.get("canned"), name="canned", maximum=120)
    plan = rules.follow_up_plan(session, incident, chosen, settings) \
        if chosen in canned_names else None
    return render_template(
        "incidents/show.html", incident=incident, updates=updates, posts=posts, linked=linked,
        stats=stats, chart=_chart(stats), canned_names=canned_names, chosen=chosen, plan=plan,
        statuses=[s.value for s in IncidentStatus], settings=settings,
        targets=rules.publish_targets(settings), public_url=incident_url(settings, incident.id))


def _chart(stats: Mapping[str, Any]) -> Markup | None:
    over_time = stats.get("over_time") or []
    if not over_time:
        return None
    return charts.line_chart("linked-over-time", "Linked mentions over time",
                             [str(label) for label, _ in over_time],
                             {"linked mentions": [float(n) for _, n in over_time]})


def _back(incident: Incident) -> Any:
    return redirect(url_for("incidents.show", incident_id=incident.id))


def _change(incident: Incident, change: Any, done: str) -> Any:
    session = get_db()
    try:
        result = change(session)
    except WorkflowError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _back(incident)
    session.commit()
    flash(done.format(result=result), "info")
    return _back(incident)


@bp.post("/<id:incident_id>/updates")
@role_required("lead")
def post_update(incident_id: int) -> Any:
    """A new step (investigating, identified, monitoring, resolved) with its public message."""
    incident, settings = _incident(incident_id), get_runtime().settings
    status = request.form.get("status", "")
    return _change(incident, lambda session: rules.add_update(
        session, incident, status, _messages(request.form, settings), current_user.id,
        settings, _targets(request.form, settings), too_long=too_long),
        f"Update posted ({status}).")


@bp.post("/<id:incident_id>/links")
@role_required("agent")
def links(incident_id: int) -> Any:
    """Link or unlink mentions by hand (ids ticked on this page, or typed in)."""
    incident = _incident(incident_id)
    typed = text_arg(request.form.get("more_ids"), name="more_ids", maximum=20 * MAX_IDS)
    ids = id_list(request.form.getlist("ids") + typed.replace(",", " ").split(), name="ids",
                  limit=MAX_IDS)
    if not ids:
        flash("Tick or type at least one mention id.", "error")
        return _back(incident)
    if request.form.get("action") == "unlink":
        return _change(incident, lambda s: rules.unlink_many(s, incident, ids, current_user.id),
                       "{result} mention(s) unlinked.")
    return _change(incident, lambda s: rules.link_many(s, incident, ids, current_user.id),
                   "{result} mention(s) linked.")


@bp.post("/<id:incident_id>/follow-up")
@role_required("lead")
def follow_up(incident_id: int) -> Any:
    """Reply to every linked complainer with a canned response in their language, paced."""
    incident, settings = _incident(incident_id), get_runtime().settings
    canned = request.form.get("canned", "")
    include = request.form.get("include_fallback") == "on"
    return _change(incident, lambda session: rules.queue_follow_ups(
        session, incident, canned, current_user.id, settings, include_fallback=include,
        agent_name=current_user.display_name),
        "{result} follow-up repl(ies) queued, paced so no account trips a rate limit.")
