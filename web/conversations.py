"""The conversation page: the thread, author card, labels with one-click corrections, notes, tags,
status and assignment. Every change is a plain form POST (works without JavaScript) and audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from earful.clock import now
from earful.models import URGENCY_RANK, Mention, Note, User
from web.audit import audit
from web.auth import role_required
from web.composer import Draft, composer_context, fresh_draft
from web.db import get_db, get_runtime
from web.inbox import assignee_from_form, open_incidents
from web.presence import others_on
from web.sla_display import first_response_state, resolution_due, sla_state
from web.thread import author_card, load_thread, notes_for
from web.workflow import (
    SETTABLE_STATUSES,
    WorkflowError,
    add_tag,
    assign,
    correct_label,
    label_value,
    link_incident,
    remove_tag,
    set_status,
    tag_by_name,
)

bp = Blueprint("conversations", __name__, url_prefix="/conversations")
MAX_NOTE = 5000


def _mention(mention_id: int) -> Mention:
    mention = get_db().get(Mention, mention_id)
    if mention is None:
        abort(404)
    return mention


def render_page(mention: Mention, draft: Draft | None = None, code: int = 200) -> Any:
    """The conversation page; the composer shows `draft` (a fresh one by default)."""
    session = get_db()
    thread = load_thread(session, mention)
    users = session.scalars(select(User).where(User.active.is_(True))
                            .order_by(User.display_name)).all()
    context = composer_context(session, thread, draft or fresh_draft(thread))
    wanted = request.args.get("canned") if draft is None else None
    if wanted:  # "Use" without JavaScript: the page comes back with the template filled in
        context["draft"].text = dict(context["canned"]).get(wanted, "")
    return render_template(
        "conversation.html", mention=mention, thread=thread, card=author_card(session, thread),
        notes=notes_for(session, thread), names={u.id: u.display_name for u in users},
        users=users, incidents=open_incidents(), sla=first_response_state(mention),
        resolution=sla_state(resolution_due(mention)),
        labels={f: label_value(mention, f) for f in ("sentiment", "complaint", "urgency")},
        urgencies=list(URGENCY_RANK), statuses=SETTABLE_STATUSES,
        others=others_on(session, thread.root_id, current_user.id), **context), code


@bp.get("/<int:mention_id>")
@role_required("agent")
def show(mention_id: int) -> Any:
    """The whole conversation around one mention."""
    return render_page(_mention(mention_id))


def _done(mention: Mention, changed: bool, message: str) -> Any:
    """Commit, tell the user, and go back to the page (post/redirect/get)."""
    get_db().commit()
    flash(message if changed else "Nothing to change.", "info")
    return redirect(url_for("conversations.show", mention_id=mention.id))


def _guarded(mention: Mention, change: Any) -> Any:
    """Run a change; a refused one is explained rather than half-applied."""
    mention_id = mention.id
    try:
        return change()
    except WorkflowError as exc:
        get_db().rollback()
        flash(str(exc), "error")
        return redirect(url_for("conversations.show", mention_id=mention_id))


@bp.post("/<int:mention_id>/correct")
@role_required("agent")
def correct(mention_id: int) -> Any:
    """One-click label correction (stored for the classifier to learn from)."""
    mention = _mention(mention_id)
    field, value = request.form.get("field", ""), request.form.get("value", "")
    settings = get_runtime().settings
    return _guarded(mention, lambda: _done(mention, correct_label(
        get_db(), mention, field, value, current_user.id, settings), f"{field} set to {value}."))


@bp.post("/<int:mention_id>/status")
@role_required("agent")
def status(mention_id: int) -> Any:
    mention = _mention(mention_id)
    value = request.form.get("status", "")
    return _guarded(mention, lambda: _done(
        mention, set_status(get_db(), mention, value, current_user.id), f"Status: {value}."))


@bp.post("/<int:mention_id>/claim")
@role_required("agent")
def claim(mention_id: int) -> Any:
    """Take the conversation; taking it from a colleague is a lead's call."""
    mention = _mention(mention_id)
    if mention.assignee_id not in (None, current_user.id) and not current_user.has_role("lead"):
        flash("Someone else has claimed this conversation; ask a lead to reassign it.", "error")
        return redirect(url_for("conversations.show", mention_id=mention.id))
    return _guarded(mention, lambda: _done(mention, assign(get_db(), mention, current_user.id,
                                                  current_user.id), "Claimed."))


@bp.post("/<int:mention_id>/release")
@role_required("agent")
def release(mention_id: int) -> Any:
    mention = _mention(mention_id)
    if mention.assignee_id != current_user.id and not current_user.has_role("lead"):
        abort(403)
    return _done(mention, assign(get_db(), mention, None, current_user.id), "Released.")


@bp.post("/<int:mention_id>/assign")
@role_required("lead")
def assign_to(mention_id: int) -> Any:
    mention = _mention(mention_id)
    return _guarded(mention, lambda: _done(mention, assign(
        get_db(), mention, assignee_from_form(request.form.get("assignee", "")),
        current_user.id), "Assignment changed."))


@bp.post("/<int:mention_id>/notes")
@role_required("agent")
def add_note(mention_id: int) -> Any:
    """An internal note: visible to staff, never posted."""
    mention = _mention(mention_id)
    body = request.form.get("body", "").strip()[:MAX_NOTE]
    if not body:
        flash("A note needs some text.", "error")
        return redirect(url_for("conversations.show", mention_id=mention.id))
    session = get_db()
    note = Note(mention_id=mention.id, user_id=current_user.id, body=body, created_at=now())
    session.add(note)
    session.flush()
    audit(session, current_user.id, "note.add", "mention", mention.id, note=note.id)
    return _done(mention, True, "Note added.")


@bp.post("/<int:mention_id>/tags")
@role_required("agent")
def tag(mention_id: int) -> Any:
    mention = _mention(mention_id)
    session = get_db()
    return _guarded(mention, lambda: _done(mention, add_tag(
        session, mention, tag_by_name(session, request.form.get("tag", "")), current_user.id),
        "Tagged."))


@bp.post("/<int:mention_id>/tags/<int:tag_id>/remove")
@role_required("agent")
def untag(mention_id: int, tag_id: int) -> Any:
    mention = _mention(mention_id)
    return _done(mention, remove_tag(get_db(), mention, tag_id, current_user.id), "Tag removed.")


@bp.post("/<int:mention_id>/incident")
@role_required("agent")
def incident(mention_id: int) -> Any:
    mention = _mention(mention_id)
    value = request.form.get("incident", "")
    target = int(value) if value.isdigit() else None
    return _guarded(mention, lambda: _done(mention, link_incident(get_db(), mention, target,
                                                         current_user.id), "Incident link saved."))


@bp.post("/<int:mention_id>/refresh")
@role_required("agent")
def refresh_from_platform(mention_id: int) -> Any:
    """Re-fetch the mention; if the author deleted it, purge its text as the platforms require."""
    from listener.deletions import reader_for_mention, refresh

    mention = _mention(mention_id)
    session = get_db()
    reader = reader_for_mention(session, get_runtime(), mention)
    if reader is None:
        flash("This mention's source is no longer configured; it cannot be re-fetched.", "error")
        return redirect(url_for("conversations.show", mention_id=mention.id))
    found = refresh(mention, reader)
    if found is False:
        audit(session, current_user.id, "mention.deleted_on_platform", "mention", mention.id)
    messages = {True: "Still there on the platform.", None: "The platform did not answer; "
                "try again later.", False: "Deleted on the platform: its text was purged."}
    return _done(mention, True, messages[found])
