"""Alerts as they were raised and explained, and the alert e-mail queue with its delivery state."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from earful.models import Alert, AlertRule, MailMessage
from earful.work.errors import WorkflowError
from earful.work.mail import build_message, eml_path, retry_mail
from web.auth import role_required
from web.db import get_db, get_runtime

bp = Blueprint("alerts", __name__, url_prefix="/alerts")
ALERT_LIMIT = 200
MAIL_LIMIT = 100
COUNT_KEYS = ("platforms", "languages", "sources")
KNOWN_KEYS = ("terms", *COUNT_KEYS, "complaints", "top_posts", "incident", "proposed_incident",
              "detector", "mention_ids", "lines")


@bp.get("/")
@role_required("lead")
def index() -> Any:
    session = get_db()
    alerts = session.execute(
        select(Alert, AlertRule.name).join(AlertRule, AlertRule.id == Alert.rule_id, isouter=True)
        .order_by(Alert.fired_at.desc(), Alert.id.desc()).limit(ALERT_LIMIT)).all()
    mail_by_alert = _messages_of(session, [alert.id for alert, _name in alerts])
    messages = session.scalars(select(MailMessage).order_by(MailMessage.id.desc())
                               .limit(MAIL_LIMIT)).all()
    return render_template("alerts/index.html", alerts=alerts, mail_by_alert=mail_by_alert,
                           messages=messages, alert_limit=ALERT_LIMIT, mail_limit=MAIL_LIMIT)


def _messages_of(session: Any, alert_ids: list[int]) -> dict[int, list[MailMessage]]:
    found: dict[int, list[MailMessage]] = {}
    if alert_ids:
        for message in session.scalars(select(MailMessage).where(
                MailMessage.alert_id.in_(alert_ids)).order_by(MailMessage.id)):
            found.setdefault(message.alert_id, []).append(message)
    return found


@bp.get("/<id:alert_id>")
@role_required("lead")
def show(alert_id: int) -> Any:
    session = get_db()
    alert = session.get(Alert, alert_id) or abort(404)
    rule = session.get(AlertRule, alert.rule_id) if alert.rule_id else None
    messages = _messages_of(session, [alert.id]).get(alert.id, [])
    return render_template("alerts/show.html", alert=alert, rule=rule, messages=messages,
                           explanation=explain(alert.details))


@bp.get("/mail/<id:message_id>")
@role_required("lead")
def mail(message_id: int) -> Any:
    row = get_db().get(MailMessage, message_id) or abort(404)
    settings = get_runtime().settings
    try:
        message = build_message(row, settings)
        headers, problem = list(message.items()), None
    except ValueError as error:
        headers, problem = [], str(error)
    path = eml_path(settings, row)
    return render_template("alerts/mail.html", row=row, headers=headers, problem=problem,
                           eml=path if row.delivered_to == "file" else None,
                           eml_exists=path.exists())


@bp.post("/mail/<id:message_id>/retry")
@role_required("lead")
def retry(message_id: int) -> Any:
    session = get_db()
    row = session.get(MailMessage, message_id) or abort(404)
    try:
        retry_mail(session, row, current_user.id)
    except WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("alerts.index"))
    session.commit()
    flash(f"Message {row.id} is queued to be sent again.", "info")
    return redirect(url_for("alerts.index"))


def explain(details: Any) -> dict[str, Any]:
    """The evaluation's explanation in shapes the template can trust; the rest under "other".

    The details are JSON written by another stage (and post texts by strangers): anything of an
    unexpected shape is shown as it is, escaped, rather than breaking the page.
    """
    if not isinstance(details, dict):
        return {"other": [] if details is None else [("details", _as_text(details))]}
    shaped: dict[str, Any] = {"other": [],
                              "no_incident": "incident" in details and not details["incident"]}
    readers = {"terms": _terms, "complaints": _complaints, "top_posts": _top_posts,
               "incident": _incident, "proposed_incident": _proposal,
               "detector": _flat, "mention_ids": _ids, "lines": _lines,
               **{key: _counts for key in COUNT_KEYS}}
    for key, value in details.items():
        reader = readers.get(key)
        shaped_value = reader(value) if reader else None
        if shaped_value is None:
            if value is not None and value != [] and value != {}:
                shaped["other"].append((str(key), _as_text(value)))
        else:
            shaped[key] = shaped_value
    return shaped


def _terms(value: Any) -> list[tuple[str, Any]] | None:
    if not isinstance(value, list):
        return None
    terms = []
    for item in value:
        if isinstance(item, list | tuple) and len(item) >= 2:
            terms.append((str(item[0]), _number(item[1])))
        elif isinstance(item, str):
            terms.append((item, None))
        else:
            return None
    return terms or None


def _counts(value: Any) -> list[tuple[str, Any]] | None:
    if isinstance(value, dict):
        pairs: Iterable[Any] = value.items()
    elif isinstance(value, list) and all(isinstance(i, list | tuple) and len(i) == 2
                                         for i in value):
        pairs = value
    else:
        return None
    rows = [(str(name), _number(count)) for name, count in pairs]
    return sorted(rows, key=lambda r: -r[1] if isinstance(r[1], int | float) else 0) or None


def _complaints(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    return _counts(value)


def _top_posts(value: Any) -> list[dict[str, Any]] | None:
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        return None
    return [{"id": post.get("id") if _is_id(post.get("id")) else None,
             "text": str(post.get("text") or ""), "followers": _number(post.get("followers")),
             "platform": str(post.get("platform") or "")} for post in value] or None


def _incident(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict) or not _is_id(value.get("id")):
        return None
    return {"id": value["id"], "title": str(value.get("title") or f"Incident {value['id']}")}


def _proposal(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    keywords = value.get("keywords")
    by_language = ({str(lang): [str(w) for w in words] if isinstance(words, list) else [str(words)]
                    for lang, words in keywords.items()} if isinstance(keywords, dict) else {})
    return {"title": str(value.get("title") or ""), "keywords": by_language}


def _flat(value: Any) -> list[tuple[str, str]] | None:
    """The detector's own figures: one level of key -> value."""
    if not isinstance(value, dict) or not value:
        return None
    return [(str(k), _as_text(v)) for k, v in value.items()]


def _ids(value: Any) -> list[int] | None:
    if not isinstance(value, list) or not all(_is_id(i) for i in value):
        return None
    return value or None


def _lines(value: Any) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
        return None
    return value or None


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _number(value: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else \
        (None if value is None else str(value))


def _as_text(value: Any) -> str:
    """An unknown value as JSON (escaped by the template like any text)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                             default=str)
