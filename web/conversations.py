"""The conversation page: the thread, author card, labels with one-click corrections, notes, tags,
status and assignment. Every change is a plain form POST (works without JavaScript) and audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from earful.clock import now
from earful.models import Mention, Note, User
from earful.vocab import SETTABLE_STATUSES, OutboxStatus
from earful.work import WorkflowError
from earful.work.assignment import assign
from earful.work.audit import audit
from earful.work.labels import CORRECTABLE, LABEL_FIELDS, correct_label, label_value
from earful.work.replies import canned_for, fill, placeholder_values
from earful.work.sla_clock import first_response_state, resolution_due, sla_state
from earful.work.status import set_status
from earful.work.triage import add_tag, link_incident, remove_tag, tag_by_name
from web.auth import role_required
from web.composer import Draft, composer_context, fresh_draft
from web.db import get_db, get_runtime
from web.inbox import assignee_from_form, open_incidents
from web.params import choice, optional_int, text_arg
from web.presence import others_on
from web.thread import author_card, load_thread, notes_for

bp = Blueprint("conversations", __name__, url_prefix="/conversations")
MAX_NOTE = 5000


def _mention(mention_id: int) -> Mention:
    mention = get_db().get(Mention, mention_id)
    if mention is None:
        abort(404)
    return mention


def render_page(mention: Mention, draft: Draft | None = None, code: int = 200) -> Any:
    """The conversation page; the composer shows `draft` (a fresh one by default)."""
    session, policy = get_db(), get_runtime().sla
    thread = load_thread(session, mention)
    users = session.scalars(select(User).where(User.active.is_(True))
                            .order_by(User.display_name, User.id)).all()
    draft = draft or _draft_from_args(thread)
    context = composer_context(session, thread, draft)
    return render_template(
        "conversation.html", mention=mention, thread=thread, card=author_card(session, thread),
        notes=notes_for(session, thread), names={u.id: u.display_name for u in users},
        users=users, incidents=open_incidents(), sla=first_response_state(policy, mention),
        resolution=sla_state(policy, resolution_due(policy, mention)),
        labels={f: label_value(mention, f) for f in LABEL_FIELDS},
        correctable=CORRECTABLE, statuses=SETTABLE_STATUSES,
        others=others_on(session, thread.root_id, current_user.id), **context), code


def _draft_from_args(thread: Any) -> Draft:
    """A fresh draft; "Use" without JavaScript (?canned=NAME) fills in the template, and
    "Edit and send" (?edit=ID) starts from a reply the platform refused."""
    draft = fresh_draft(thread)
    wanted = text_arg(request.args.get("canned"), name="canned", maximum=120)
    edit = optional_int(request.args.get("edit"), name="edit")
    if wanted:
        values = placeholder_values(thread.mention, get_runtime().settings,
                                    current_user.display_name)
        draft.text = next((fill(c.body, values) for c in canned_for(get_db(), thread.mention.lang)
                           if c.name == wanted), "")
    elif edit is not None:
        row = next((o for o in thread.outbox if o.id == edit
                    and o.status == OutboxStatus.FAILED and not o.uncertain), None)
        if row is not None:
            draft.text, draft.replaces = row.text, row.id
    return draft


@bp.get("/<id:mention_id>")
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


@bp.post("/<id:mention_id>/correct")
@role_required("agent")
def correct(mention_id: int) -> Any:
    """One-click label correction (stored for the classifier to learn from)."""
    mention = _mention(mention_id)
    field = choice(request.form.get("field"), CORRECTABLE, name="field")
    value = text_arg(request.form.get("value"), name="value", maximum=40)
    policy = get_runtime().sla
    return _guarded(mention, lambda: _done(mention, correct_label(
        get_db(), mention, field, value, current_user.id, policy), f"{field} set to {value}."))


@bp.post("/<id:mention_id>/status")
@role_required("agent")
def status(mention_id: int) -> Any:
    mention = _mention(mention_id)
    value = choice(request.form.get("status"), SETTABLE_STATUSES, name="status")
    return _guarded(mention, lambda: _done(
        mention, set_status(get_db(), mention, value, current_user.id), f"Status: {value}."))


def _set_assignee(mention_id: int, assignee_id: int | None, done: str) -> Any:
    """Claim, release and assign all go through the one assignment rule (earful.work)."""
    mention = _mention(mention_id)
    return _guarded(mention, lambda: _done(mention, assign(
        get_db(), mention, assignee_id, current_user.id,
        actor_is_lead=current_user.has_role("lead")), done))


@bp.post("/<id:mention_id>/claim")
@role_required("agent")
def claim(mention_id: int) -> Any:
    """Take the conversation; taking it from a colleague is a lead's call."""
    return _set_assignee(mention_id, current_user.id, "Claimed.")


@bp.post("/<id:mention_id>/release")
@role_required("agent")
def release(mention_id: int) -> Any:
    """Give the conversation back (an agent only their own)."""
    return _set_assignee(mention_id, None, "Released.")


@bp.post("/<id:mention_id>/assign")
@role_required("lead")
def assign_to(mention_id: int) -> Any:
    return _set_assignee(mention_id, assignee_from_form(request.form.get("assignee")),
                         "Assignment changed.")


@bp.post("/<id:mention_id>/notes")
@role_required("agent")
def add_note(mention_id: int) -> Any:
    """An internal note: visible to staff, never posted."""
    mention = _mention(mention_id)
    body = text_arg(request.form.get("body"), name="body", maximum=MAX_NOTE)
    if not body:
        flash("A note needs some text.", "error")
        return redirect(url_for("conversations.show", mention_id=mention.id))
    session = get_db()
    note = Note(mention_id=mention.id, user_id=current_user.id, body=body, created_at=now())
    session.add(note)
    session.flush()
    audit(session, current_user.id, "note.add", "mention", mention.id, note=note.id)
    return _done(mention, True, "Note added.")


@bp.post("/<id:mention_id>/tags")
@role_required("agent")
def tag(mention_id: int) -> Any:
    mention = _mention(mention_id)
    session = get_db()
    return _guarded(mention, lambda: _done(mention, add_tag(
        session, mention, tag_by_name(session, text_arg(request.form.get("tag"), name="tag",
                                                        maximum=60)), current_user.id),
        "Tagged."))


@bp.post("/<id:mention_id>/tags/<id:tag_id>/remove")
@role_required("agent")
def untag(mention_id: int, tag_id: int) -> Any:
    mention = _mention(mention_id)
    return _done(mention, remove_tag(get_db(), mention, tag_id, current_user.id), "Tag removed.")


@bp.post("/<id:mention_id>/incident")
@role_required("agent")
def incident(mention_id: int) -> Any:
    mention = _mention(mention_id)
    target = optional_int(request.form.get("incident"), name="incident")
    return _guarded(mention, lambda: _done(mention, link_incident(get_db(), mention, target,
                                                         current_user.id), "Incident link saved."))


@bp.post("/<id:mention_id>/refresh")
@role_required("agent")
def refresh_from_platform(mention_id: int) -> Any:
    """Re-fetch the mention; if the author deleted it, purge its text as the platforms require.

    The platform is asked before the request's write transaction begins (a call can take 30 s,
    and SQLite's write lock would stall every poller and agent meanwhile): read, fetch, write.
    """
    from listener.deletions import apply_refresh, reader_for_mention, still_there

    rt = get_runtime()
    with rt.sessions() as reading:  # a plain read: no write lock
        mention = reading.get(Mention, mention_id)
        if mention is None:
            abort(404)
        reader = reader_for_mention(reading, rt, mention)
        external_id, already_deleted = mention.external_id, mention.deleted
    if reader is None:
        flash("This mention's source is no longer configured; it cannot be re-fetched.", "error")
        return redirect(url_for("conversations.show", mention_id=mention_id))
    found = False if already_deleted else still_there(reader, external_id)
    mention = _mention(mention_id)  # now the write transaction
    found = apply_refresh(mention, found)
    if found is False and not already_deleted:
        audit(get_db(), current_user.id, "mention.deleted_on_platform", "mention", mention.id)
    messages = {True: "Still there on the platform.", None: "The platform did not answer; "
                "try again later.", False: "Deleted on the platform: its text was purged."}
    return _done(mention, True, messages[found])
