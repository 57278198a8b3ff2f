"""The reply composer: canned responses, length limits, collision checks and queueing to the outbox.

A reply is only ever queued here (OutboxReply); the responder sends it. The form carries a UUID
made when it was rendered, so a double submit queues once, and the ids of the newest message and
queued reply the author had seen, so a reply drafted before something newer arrived is confirmed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earful.models import CannedResponse, Mention, OutboxReply, Source, User
from earful.settings import Settings
from web.audit import audit
from web.auth import role_required
from web.db import get_db, get_runtime
from web.thread import Thread, load_thread

bp = Blueprint("composer", __name__)
PLACEHOLDER = re.compile(r"\{(first_name|handle|agent_name|incident_url|brand|contact_url)\}")
PRIVATE_NAME = "Continue in private"
PRIVATE_BODY = ("Hi {first_name}, sorry about this. So we can look at your account safely, please "
                "contact us privately: {contact_url} — {agent_name}, {brand}")


@dataclass
class Draft:
    """What the composer form holds: fresh when the page renders, or echoed back on a problem."""

    text: str = ""
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    seen_mention_id: int = 0
    seen_outbox_id: int = 0
    newer: bool = False  # something arrived after the draft was started
    errors: list[str] = field(default_factory=list)


def fresh_draft(thread: Thread, text: str = "") -> Draft:
    """A new draft that has seen everything in the thread as it is now."""
    return Draft(text=text, seen_mention_id=thread.newest_mention_id,
                 seen_outbox_id=thread.newest_outbox_id)


def fill(body: str, values: dict[str, str]) -> str:
    """Replace known placeholders only (never str.format: templates are text, not code)."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


def placeholder_values(mention: Mention, settings: Settings, agent_name: str) -> dict[str, str]:
    author = mention.author
    name = (author.display_name or author.handle) if author else ""
    base = settings.app.public_url.rstrip("/")
    return {"first_name": name.split()[0] if name.split() else "there",
            "handle": f"@{author.handle}" if author and author.handle else "",
            "agent_name": agent_name, "brand": settings.brand.name,
            "contact_url": settings.brand.contact_url,
            "incident_url": f"{base}/status#incident-{mention.incident_id}"
            if mention.incident_id else f"{base}/status"}


def canned_for(session: Session, lang: str) -> list[tuple[str, str]]:
    """(name, body) per canned response: the mention's language, else English, else any."""
    best: dict[str, CannedResponse] = {}
    rank = {lang: 0, "en": 1}
    for row in session.scalars(select(CannedResponse).order_by(CannedResponse.name,
                                                               CannedResponse.id)):
        current = best.get(row.name)
        if current is None or rank.get(row.lang, 2) < rank.get(current.lang, 2):
            best[row.name] = row
    choices = [(name, row.body) for name, row in best.items()]
    if PRIVATE_NAME not in best:
        choices.append((PRIVATE_NAME, PRIVATE_BODY))
    return choices


def composer_context(session: Session, thread: Thread, draft: Draft) -> dict[str, Any]:
    """Everything the composer partial needs."""
    settings = get_runtime().settings
    mention = thread.mention
    values = placeholder_values(mention, settings, current_user.display_name)
    canned = [(name, fill(body, values)) for name, body in canned_for(session, mention.lang)]
    return {"draft": draft, "canned": canned,
            "limit": settings.console.reply_limits.get(mention.platform, 500)}


def newer_than_draft(session: Session, thread: Thread, draft: Draft) -> bool:
    """Did a message, or a colleague's reply, arrive after the draft was started?"""
    if thread.newest_mention_id > draft.seen_mention_id:
        return True
    return any(o.id > draft.seen_outbox_id and o.created_by != current_user.id
               for o in thread.outbox)


def account_for(mention: Mention, settings: Settings, session: Session) -> str:
    """The brand account that answers: the source's account, else the platform's first."""
    if mention.source_id is not None:
        source = session.get(Source, mention.source_id)
        for configured in settings.sources:
            if source is not None and configured.name == source.name and configured.account:
                return configured.account
    return next((a.handle for a in settings.accounts if a.platform == mention.platform), "")


@bp.post("/conversations/<int:mention_id>/reply")
@role_required("agent")
def reply(mention_id: int) -> Any:
    """Queue a reply (or send the form back with what needs fixing or confirming)."""
    from web.conversations import render_page  # the page imports this module: resolve late

    session = get_db()
    mention = session.get(Mention, mention_id)
    if mention is None or mention.status == "own":
        abort(404)
    draft = _draft_from_form()
    if session.scalar(select(OutboxReply.id).where(OutboxReply.idempotency_key == draft.key)):
        flash("That reply is already queued.", "info")
        return redirect(url_for("conversations.show", mention_id=mention_id))
    thread = load_thread(session, mention)
    settings = get_runtime().settings
    limit = settings.console.reply_limits.get(mention.platform, 500)
    if mention.deleted:
        draft.errors.append("The author deleted this post on the platform: reply to them in "
                            "another message of the thread, or in private.")
    elif not draft.text.strip():
        draft.errors.append("Write a reply first.")
    elif len(draft.text) > limit:
        draft.errors.append(f"Too long for {mention.platform}: {len(draft.text)} of {limit}.")
    if not draft.errors and newer_than_draft(session, thread, draft) \
            and not request.form.get("confirm_newer"):
        draft.newer = True
        draft.errors.append("Something new arrived in this conversation after you started "
                            "typing. Read it, then tick the box to send anyway.")
    if draft.errors:
        return render_page(mention, draft=draft, code=409 if draft.newer else 400)
    return _queue(session, mention, draft)


def _draft_from_form() -> Draft:
    form = request.form
    key = form.get("idempotency_key", "")
    try:
        key = str(uuid.UUID(key))
    except ValueError:
        abort(400)
    return Draft(text=form.get("text", "").replace("\r\n", "\n"), key=key,
                 seen_mention_id=form.get("seen_mention_id", 0, type=int),
                 seen_outbox_id=form.get("seen_outbox_id", 0, type=int))


def _queue(session: Session, mention: Mention, draft: Draft) -> Any:
    settings = get_runtime().settings
    user = session.get(User, current_user.id)
    held = bool(user and user.needs_approval)
    row = OutboxReply(idempotency_key=draft.key, mention_id=mention.id,
                      platform=mention.platform,
                      account_handle=account_for(mention, settings, session),
                      in_reply_to=mention.external_id, text=draft.text,
                      status="needs_approval" if held else "queued", created_by=current_user.id)
    session.add(row)
    if mention.status == "new":
        mention.status = "open"
    try:
        session.flush()
    except IntegrityError:  # the same form submitted twice at once: the other request won
        session.rollback()
        flash("That reply is already queued.", "info")
        return redirect(url_for("conversations.show", mention_id=mention.id))
    audit(session, current_user.id, "reply.queue", "outbox", row.id, mention=mention.id,
          status=row.status)
    session.commit()
    flash("Reply waits for a lead's approval." if held else "Reply queued.", "info")
    return redirect(url_for("conversations.show", mention_id=mention.id))


@bp.post("/outbox/<int:outbox_id>/<any(approve, reject):decision>")
@role_required("lead")
def decide(outbox_id: int, decision: str) -> Any:
    """A lead approves (queues) or rejects (cancels) a reply that needed approval."""
    session = get_db()
    row = session.get(OutboxReply, outbox_id)
    if row is None:
        abort(404)
    if row.status != "needs_approval":
        flash("That reply is no longer waiting for approval.", "error")
    else:
        row.status = "queued" if decision == "approve" else "cancelled"
        row.approved_by = current_user.id if decision == "approve" else None
        audit(session, current_user.id, f"reply.{decision}", "outbox", row.id,
              mention=row.mention_id)
        session.commit()
        flash("Reply approved and queued." if decision == "approve" else "Reply rejected.",
              "info")
    if row.mention_id is None:
        return redirect(url_for("inbox.index"))
    return redirect(url_for("conversations.show", mention_id=row.mention_id))
