"""The inbox: open complaints by urgency, SLA due time and age, with filters and bulk actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from earful.clock import now
from earful.models import Incident, Mention, Source, User
from earful.search import MATCH_CAP
from earful.vocab import SENTIMENTS, URGENCY_RANK, IncidentStatus, Status
from earful.work import WorkflowError
from earful.work.assignment import HeldByColleague, assign
from earful.work.sla_clock import sla_state
from earful.work.status import set_status
from earful.work.triage import add_tag, link_incident, tag_by_name
from web.auth import role_required, safe_next
from web.db import get_db, get_runtime
from web.inbox_query import STATUS_CHOICES, InboxFilters, cursor_arg, inbox_page
from web.params import choice, id_list, int_arg, optional_int, text_arg

bp = Blueprint("inbox", __name__)
BULK_ACTIONS = ("assign", "tag", "resolve", "incident")
MAX_BULK = 500


@bp.get("/")
@role_required("agent")
def index() -> Any:
    """The inbox page (filters in the query string, `after` is the keyset cursor)."""
    session = get_db()
    filters = InboxFilters.from_args(request.args)
    size = get_runtime().settings.console.page_size
    page = inbox_page(session, filters, current_user.id, cursor_arg(request.args.get("after")),
                      size)
    at, users, policy = now(), _users(), get_runtime().sla
    return render_template(
        "inbox.html", page=page, filters=filters,
        sla={m.id: None if m.first_response_at else sla_state(policy, m.sla_due_at, at)
             for m in page.mentions},
        users=users, names={u.id: u.display_name for u in users},
        sources=session.scalars(select(Source).order_by(Source.name)).all(),
        incidents=open_incidents(), status_choices=list(STATUS_CHOICES),
        sentiments=SENTIMENTS, urgencies=list(URGENCY_RANK),
        first_page=not request.args.get("after"), match_cap=MATCH_CAP)


def _users() -> list[User]:
    return list(get_db().scalars(select(User).where(User.active.is_(True))
                                 .order_by(User.display_name, User.id)).all())


def open_incidents() -> list[Incident]:
    """Incidents a mention can be linked to (newest first)."""
    return list(get_db().scalars(select(Incident).where(Incident.status != IncidentStatus.RESOLVED)
                                 .order_by(Incident.started_at.desc(), Incident.id.desc())
                                 .limit(50)).all())


@bp.post("/inbox/bulk")
@role_required("agent")
def bulk() -> Any:
    """Apply one action to the ticked mentions, then go back to the same inbox view."""
    back = safe_next(request.form.get("next"))
    action = choice(request.form.get("action"), BULK_ACTIONS, name="action")
    ids = id_list(request.form.getlist("ids"), name="ids", limit=MAX_BULK)
    if not ids:
        flash("Tick at least one mention first.", "error")
        return redirect(back)
    session = get_db()
    mentions = session.scalars(select(Mention).where(Mention.id.in_(ids),
                                                     Mention.status != Status.OWN)).all()
    try:
        changed, skipped = _apply(action, mentions)
    except WorkflowError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    session.commit()
    note = f"; {skipped} skipped because a colleague holds them" if skipped else ""
    flash(f"{action.capitalize()}: {changed} of {len(mentions)} mentions changed{note}.", "info")
    return redirect(back)


def _apply(action: str, mentions: Any) -> tuple[int, int]:
    """Run the action on each mention: (how many changed, how many were skipped)."""
    session, me = get_db(), current_user.id
    if action == "resolve":
        return sum(set_status(session, m, Status.RESOLVED, me) for m in mentions), 0
    if action == "assign":
        return _assign_each(mentions, assignee_from_form(request.form.get("assignee", "me")))
    if action == "tag":
        tag = tag_by_name(session, text_arg(request.form.get("tag"), name="tag", maximum=60))
        return sum(add_tag(session, m, tag, me) for m in mentions), 0
    incident = optional_int(request.form.get("incident"), name="incident")
    if incident is None:
        raise WorkflowError("choose an incident")
    return sum(link_incident(session, m, incident, me) for m in mentions), 0


def _assign_each(mentions: Any, target: int | None) -> tuple[int, int]:
    """The assignment rule per mention: a colleague's conversation is skipped, not taken."""
    session, me, lead = get_db(), current_user.id, current_user.has_role("lead")
    changed = skipped = 0
    for mention in mentions:
        try:
            changed += assign(session, mention, target, me, actor_is_lead=lead)
        except HeldByColleague:
            skipped += 1
    return changed, skipped


def assignee_from_form(value: str | None) -> int | None:
    """'me', 'none' or a user id (whether the user may choose it is the assignment rule's call)."""
    text = (value or "").strip()
    if text in ("", "me"):
        return int(current_user.id)
    if text == "none":
        return None
    return int_arg(text, name="assignee")


@bp.app_template_filter("inbox_url")
def inbox_url(filters: InboxFilters, **extra: Any) -> str:
    """A link to the inbox with the same filters (plus `extra`, e.g. the next cursor)."""
    return url_for("inbox.index", **filters.as_args(), **extra)
