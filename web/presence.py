"""Collision detection: who else is viewing or typing on a conversation, and what is new in it.

The page's script pings every ~10 s (POST with the CSRF header); each ping answers with the others
present and the newest ids in the thread, so a draft can be warned about before it is sent. The
server-side check in the composer does not depend on this script.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earful.clock import now
from earful.models import Mention, Presence, User
from web.auth import role_required
from web.db import get_db, get_runtime
from web.params import choice, optional_int
from web.thread import Thread, load_thread

bp = Blueprint("presence", __name__, url_prefix="/conversations")
STATES = ("viewing", "typing")


def others_on(session: Session, root_id: int, user_id: int) -> list[dict[str, str]]:
    """Colleagues seen on this conversation recently (not the asking user)."""
    since = now() - timedelta(seconds=get_runtime().settings.console.presence_seconds)
    rows = session.execute(
        select(User.display_name, Presence.state).join(User, User.id == Presence.user_id)
        .where(Presence.mention_id == root_id, Presence.seen_at >= since,
               Presence.user_id != user_id).order_by(User.display_name, User.id)).all()
    return [{"name": name, "state": state} for name, state in rows]


def _thread(session: Session, mention_id: int) -> Thread:
    mention = session.get(Mention, mention_id)
    if mention is None:
        abort(404)
    return load_thread(session, mention)


def _answer(root_id: int, newest_mention_id: int, newest_outbox_id: int) -> Any:
    return jsonify(others=others_on(get_db(), root_id, current_user.id),
                   newest_mention_id=newest_mention_id, newest_outbox_id=newest_outbox_id)


@bp.get("/<id:mention_id>/presence")
@role_required("agent")
def who(mention_id: int) -> Any:
    """Others on the conversation and the newest message ids, as JSON."""
    thread = _thread(get_db(), mention_id)
    return _answer(thread.root_id, thread.newest_mention_id, thread.newest_outbox_id)


@bp.post("/<id:mention_id>/presence")
@role_required("agent")
def ping(mention_id: int) -> Any:
    """Record that the current user is viewing or typing here; answer like GET."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):  # a JSON list or number is not a ping: read the form
        data = request.form
    state = choice(data.get("state"), STATES, name="state", default="viewing")
    seen = optional_int(data.get("seen_mention_id"), name="seen_mention_id")
    # The thread is read before the request's own session, whose first use on a POST takes
    # the write lock (web.db): every ping and reply queues on that lock, so it is held for
    # the upsert, not while the conversation loads.
    with get_runtime().sessions() as reading:
        thread = _thread(reading, mention_id)
        ids = thread.root_id, thread.newest_mention_id, thread.newest_outbox_id
    _upsert(get_db(), ids[0], state, seen)
    return _answer(*ids)


def _upsert(session: Session, root_id: int, state: str, seen: int | None) -> None:
    for _attempt in range(2):  # two first pings at once: the loser updates the winner's row
        row = session.scalar(select(Presence).where(Presence.user_id == current_user.id,
                                                    Presence.mention_id == root_id))
        if row is None:
            row = Presence(user_id=current_user.id, mention_id=root_id)
            session.add(row)
        row.state, row.seen_at, row.draft_seen_latest_id = state, now(), seen
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()
