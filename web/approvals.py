"""Replies waiting for a lead's approval, in one list (each also shows on its conversation)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from earful.models import Mention, OutboxReply, User
from earful.vocab import OutboxStatus
from web.auth import role_required
from web.db import get_db

bp = Blueprint("approvals", __name__)
LIMIT = 200


@bp.get("/outbox/pending")
@role_required("lead")
def pending() -> Any:
    """Oldest first: the customer has waited longest for these."""
    session = get_db()
    rows = session.execute(
        select(OutboxReply, Mention, User.display_name)
        .join(Mention, Mention.id == OutboxReply.mention_id, isouter=True)
        .join(User, User.id == OutboxReply.created_by, isouter=True)
        .where(OutboxReply.status == OutboxStatus.NEEDS_APPROVAL)
        .order_by(OutboxReply.created_at, OutboxReply.id).limit(LIMIT)).all()
    return render_template("approvals.html", rows=rows, limit=LIMIT)
