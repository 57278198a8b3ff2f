"""The reply composer's views: canned responses, length limits, collision checks, queueing.

The rules (placeholders, the answering account, queueing, approvals, retry and cancel) live in
earful.work.replies and earful.work.outbox; this module reads forms and renders. The form
carries a UUID made when it was rendered, so a double submit queues once, and the ids of the
newest message and queued reply the author had seen, so a reply drafted before something newer
arrived is confirmed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earful.models import Mention, OutboxReply
from earful.settings import Settings
from earful.vocab import OutboxStatus, Status
from earful.work import WorkflowError, outbox
from earful.work.replies import (
    account_for,
    canned_for,
    decide,
    fill,
    placeholder_values,
    queue_reply,
)
from listener.platforms import lengths
from web.auth import role_required
from web.db import get_db, get_runtime
from web.params import optional_int
from web.thread import Thread, load_thread

bp = Blueprint("composer", __name__)


@dataclass
class Draft:
    """What the composer form holds: fresh when the page renders, or echoed back on a problem."""

    text: str = ""
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    seen_mention_id: int = 0
    seen_outbox_id: int = 0
    newer: bool = False  # something arrived after the draft was started
    replaces: int = 0  # a failed outbox row this draft edits
    errors: list[str] = field(default_factory=list)


def fresh_draft(thread: Thread, text: str = "") -> Draft:
    """A new draft that has seen everything in the thread as it is now."""
    return Draft(text=text, seen_mention_id=thread.newest_mention_id,
                 seen_outbox_id=thread.newest_outbox_id)


def reply_limit(settings: Settings, platform: str) -> int:
    """The team's cap ([console].reply_limits), never above what the platform accepts."""
    platform_limit = lengths.LIMITS.get(platform, 500)
    return min(settings.console.reply_limits.get(platform, platform_limit), platform_limit)


def length_error(settings: Settings, platform: str, text: str) -> str | None:
    """Counted as the platform counts (links, emoji), so the platform never refuses it."""
    count, limit = lengths.count(platform, text), reply_limit(settings, platform)
    return f"Too long for {platform}: {count} of {limit}." if count > limit else None


def composer_context(session: Session, thread: Thread, draft: Draft) -> dict[str, Any]:
    """Everything the composer partial needs."""
    settings = get_runtime().settings
    mention = thread.mention
    values = placeholder_values(mention, settings, current_user.display_name)
    choices = canned_for(session, mention.lang)
    missing = [c.name for c in choices if not c.native]
    canned = [replace(c, body=fill(c.body, values)) for c in choices]
    return {"draft": draft, "canned": canned,
            "missing_lang": "all" if missing and len(missing) == len(choices)
            else ", ".join(missing),
            "account": account_for(session, mention, settings),
            "count": lengths.count(mention.platform, draft.text),
            "limit": reply_limit(settings, mention.platform)}


def newer_than_draft(session: Session, thread: Thread, draft: Draft) -> bool:
    """Did a message, or a colleague's reply, arrive after the draft was started?"""
    if thread.newest_mention_id > draft.seen_mention_id:
        return True
    return any(o.id > draft.seen_outbox_id and o.created_by != current_user.id
               for o in thread.outbox)


@bp.post("/conversations/<id:mention_id>/reply")
@role_required("agent")
def reply(mention_id: int) -> Any:
    """Queue a reply (or send the form back with what needs fixing or confirming)."""
    from web.conversations import render_page  # the page imports this module: resolve late

    session = get_db()
    mention = session.get(Mention, mention_id)
    if mention is None or mention.status == Status.OWN:
        abort(404)
    draft = _draft_from_form()
    if session.scalar(select(OutboxReply.id).where(OutboxReply.idempotency_key == draft.key)):
        flash("That reply is already queued.", "info")
        return redirect(url_for("conversations.show", mention_id=mention_id))
    thread = load_thread(session, mention)
    settings = get_runtime().settings
    too_long = length_error(settings, mention.platform, draft.text)
    if too_long and draft.text.strip():
        draft.errors.append(too_long)
    if not draft.errors and newer_than_draft(session, thread, draft) \
            and not request.form.get("confirm_newer"):
        draft.newer = True
        draft.errors.append("Something new arrived in this conversation after you started "
                            "typing. Read it, then tick the box to send anyway.")
    if draft.errors:
        return render_page(mention, draft=draft, code=409 if draft.newer else 400)
    try:
        row = _queue(session, mention, draft, settings)
    except WorkflowError as exc:
        session.rollback()
        draft.errors.append(str(exc))
        return render_page(session.get(Mention, mention_id), draft=draft, code=400)
    except IntegrityError:  # the same form submitted twice at once: the other request won
        session.rollback()
        flash("That reply is already queued.", "info")
        return redirect(url_for("conversations.show", mention_id=mention_id))
    session.commit()
    flash("Reply waits for a lead's approval." if row.status == OutboxStatus.NEEDS_APPROVAL
          else "Reply queued: it is sent to the platform within a minute.", "info")
    return redirect(url_for("conversations.show", mention_id=mention_id))


def _queue(session: Session, mention: Mention, draft: Draft, settings: Settings) -> OutboxReply:
    if draft.replaces:
        failed = session.get(OutboxReply, draft.replaces)
        if failed is None or failed.mention_id != mention.id:
            raise WorkflowError("The reply being edited no longer exists.")
        return outbox.requeue_edited(session, failed, draft.text, draft.key, current_user.id)
    return queue_reply(session, mention, draft.text, draft.key, current_user.id, settings)


def _draft_from_form() -> Draft:
    form = request.form
    key = form.get("idempotency_key", "")
    try:
        key = str(uuid.UUID(key))
    except ValueError:
        abort(400, "The form is missing its reply key: reload the page and try again.")
    return Draft(text=form.get("text", "").replace("\r\n", "\n"), key=key,
                 seen_mention_id=_number(form.get("seen_mention_id", ""), "seen_mention_id"),
                 seen_outbox_id=_number(form.get("seen_outbox_id", ""), "seen_outbox_id"),
                 replaces=_number(form.get("replaces", ""), "replaces"))


def _number(text: str, name: str) -> int:
    """An id from a hidden form field; empty is 0 (nothing seen), anything odd a 400."""
    return optional_int(text, name=name, minimum=0) or 0


def _back(row: OutboxReply) -> Any:
    if row.mention_id is None:
        return redirect(url_for("inbox.index"))
    return redirect(url_for("conversations.show", mention_id=row.mention_id))


def _act(outbox_id: int, change: Any, done: str) -> Any:
    """Apply one rule to an outbox row; a refused change is explained, not half-applied."""
    session = get_db()
    row = session.get(OutboxReply, outbox_id) or abort(404)
    try:
        change(session, row, current_user.id)
    except WorkflowError as exc:
        session.rollback()
        flash(str(exc), "error")
        return _back(row)
    session.commit()
    flash(done, "info")
    return _back(row)


@bp.post("/outbox/<id:outbox_id>/<any(approve, reject):decision>")
@role_required("lead")
def decide_view(outbox_id: int, decision: str) -> Any:
    """A lead approves (queues) or rejects (cancels) a reply that needed approval."""
    approve = decision == "approve"
    return _act(outbox_id, lambda session, row, user: decide(session, row, approve, user),
                "Reply approved and queued." if approve else "Reply rejected.")


@bp.post("/outbox/<id:outbox_id>/<any(retry, cancel):action>")
@role_required("agent")
def outbox_action(outbox_id: int, action: str) -> Any:
    """Send a failed reply again, or withdraw one that has not gone out."""
    if action == "retry":
        return _act(outbox_id, outbox.retry, "Reply queued again.")
    return _act(outbox_id, outbox.cancel, "Reply cancelled.")
