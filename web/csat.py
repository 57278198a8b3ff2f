"""The public rating page behind a CSAT link: no sign-in, one answer per link.

The rules (tokens, expiry, single use) live in earful.work.csat; this module reads the form and
renders. Anything that is not a live link is a plain 404 page, and the answer page is the only
one that shows the comment back (the link sits in a public reply: anyone may open it later).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from earful.work import WorkflowError
from earful.work.csat import COMMENT_CHARS, SCORES, find_survey, record_answer, state_of
from web.db import get_db, get_runtime

bp = Blueprint("csat", __name__)
# A stale link is not a new one: "answered" and "expired" keep their status on any method.
STATUS = {"missing": 404, "expired": 410}
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _page(state: str, code: int = 200, **context: Any) -> ResponseReturnValue:
    html = render_template("csat.html", state=state, scores=SCORES, max_comment=COMMENT_CHARS,
                           brand=get_runtime().settings.brand.name, **context)
    return html, code, HEADERS


@bp.route("/csat/<path:token>", methods=["GET", "POST"])
def survey(token: str) -> ResponseReturnValue:
    session = get_db()
    found = find_survey(session, token)
    state = "missing" if found is None else state_of(found)
    if state != "open":
        refused = 409 if state == "answered" and request.method == "POST" else 200
        return _page(state, STATUS.get(state, refused))
    if request.method == "GET":
        return _page("open", token=token)
    raw = request.form.get("score", "")
    score = int(raw) if raw in {str(s) for s in SCORES} else None
    comment = request.form.get("comment", "")
    try:
        answered = record_answer(session, token, score, comment)
    except WorkflowError as exc:
        session.rollback()
        return _page("open", 400, token=token, error=str(exc), score=score,
                     comment=comment[:COMMENT_CHARS])
    session.commit()
    return _page("thanks", score=answered.score, comment=answered.comment)
