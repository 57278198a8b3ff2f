"""The admin page of the audit log: filterable, keyset-paginated (newest first) on `at`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from earful.models import AuditLog, User
from web.auth import role_required
from web.db import get_db
from web.params import ascii_int, date_arg, optional_int, text_arg

bp = Blueprint("audit", __name__)
PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """What the admin asked for; empty strings mean 'any'."""

    action: str = ""
    user_id: int | None = None
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple[AuditFilter, str | None]:
        """Parse query-string filters; a bad value is a 400 naming it (web.params)."""
        return cls(action=text_arg(args.get("action"), name="action", maximum=60),
                   user_id=optional_int(args.get("user"), name="user"),
                   target_type=text_arg(args.get("target_type"), name="target_type",
                                        maximum=40),
                   target_id=text_arg(args.get("target_id"), name="target_id", maximum=80),
                   since=date_arg(args.get("from"), name="from"),
                   until=date_arg(args.get("to"), name="to")), None

    def where(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.action:
            clauses.append(AuditLog.action == self.action)
        if self.user_id is not None:
            clauses.append(AuditLog.user_id == self.user_id)
        if self.target_type:
            clauses.append(AuditLog.target_type == self.target_type)
        if self.target_id:
            clauses.append(AuditLog.target_id == self.target_id)
        if self.since:
            clauses.append(AuditLog.at >= datetime.combine(self.since, time(0), UTC))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(0), UTC)
            clauses.append(AuditLog.at < end)
        return clauses

    def args(self) -> dict[str, str]:
        """The filter as query arguments, for the 'older' link."""
        values = {"action": self.action, "user": str(self.user_id or ""),
                  "target_type": self.target_type, "target_id": self.target_id,
                  "from": self.since.isoformat() if self.since else "",
                  "to": self.until.isoformat() if self.until else ""}
        return {k: v for k, v in values.items() if v}


def audit_page(session: Session, filters: AuditFilter, before: int | None = None,
               size: int = PAGE_SIZE) -> list[AuditLog]:
    """One page of entries, newest first, strictly older than entry `before`."""
    query = select(AuditLog).where(*filters.where())
    if before is not None:
        anchor = session.get(AuditLog, before)
        if anchor is not None:
            query = query.where(or_(AuditLog.at < anchor.at,
                                    and_(AuditLog.at == anchor.at, AuditLog.id < anchor.id)))
    return list(session.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
                                .limit(size)))


# target type -> (how it is named, the endpoint and argument of its page)
TARGETS: dict[str, tuple[str, str | None, str]] = {
    "mention": ("mention", "conversations.show", "mention_id"),
    "incident": ("incident", "incidents.show", "incident_id"),
    "user": ("user", "admin.edit_user", "user_id"),
    "canned_response": ("canned response", "canned.edit", "canned_id"),
    "alert_rule": ("alert rule", "alert_rules.edit", "rule_id"),
    "alert": ("alert", "alerts.show", "alert_id"),
    "outbox": ("reply", None, ""),
}
USER_KEYS = ("assignee", "user", "user_id")  # detail values that are user ids
Link = tuple[str, str | None]  # text, and the page it links to (if any)


def _plain_value(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain_value(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain_value(v)}" for k, v in value.items())
    return str(value)


def target_link(target_type: str, target_id: str, usernames: Mapping[int, str]) -> Link:
    """"mention #12", "user lena", "alert rule #3", linked to its page where there is one."""
    if not target_type:
        return ("", None)
    name, endpoint, arg = TARGETS.get(target_type, (target_type.replace("_", " "), None, ""))
    number = ascii_int(target_id)
    if number is None:
        return (f"{name} {target_id}".strip(), None)
    label = f"user {usernames[number]}" if target_type == "user" and number in usernames \
        else f"{name} #{number}"
    return (label, url_for(endpoint, **{arg: number}) if endpoint else None)


def detail_parts(action: str, details: Any, usernames: Mapping[int, str]) -> list[str]:
    """The details as short sentences: changes as "field: old → new", user ids as names."""
    if not isinstance(details, dict):
        return [] if details is None else [_plain_value(details)]

    def shown(key: str, value: Any) -> str:
        user_valued = key in USER_KEYS or (action == "mention.assign" and key in ("old", "new"))
        if user_valued and isinstance(value, int) and not isinstance(value, bool):
            return usernames.get(value, f"user #{value}")
        return _plain_value(value)

    parts = []
    if action == "mention.assign" and {"old", "new"} <= set(details):
        parts.append(f"assignee: {shown('old', details['old'])} → {shown('new', details['new'])}")
    for key, value in sorted(details.items()):
        if action == "mention.assign" and key in ("old", "new"):
            continue
        if key == "changes" and isinstance(value, dict):
            for field, change in sorted(value.items()):
                if isinstance(change, list | tuple) and len(change) == 2:
                    old, new = change
                    parts.append(f"{field}: {shown(field, old)} → {shown(field, new)}")
                else:
                    parts.append(f"{field}: {shown(field, change)}")
        else:
            parts.append(f"{key.replace('_', ' ')}: {shown(key, value)}")
    return parts


@bp.app_template_global("audit_target")
def audit_target(entry: AuditLog, usernames: Mapping[int, str]) -> Link:
    return target_link(entry.target_type, entry.target_id, usernames)


@bp.app_template_global("audit_details")
def audit_details(entry: AuditLog, usernames: Mapping[int, str]) -> list[str]:
    return detail_parts(entry.action, entry.details, usernames)


@bp.get("/admin/audit")
@role_required("admin")
def index() -> Any:
    session = get_db()
    filters, error = AuditFilter.from_args(request.args)
    entries = audit_page(session, filters, optional_int(request.args.get("before"),
                                                        name="before"))
    users = session.execute(select(User.id, User.username).order_by(User.username)).all()
    actions = session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    return render_template("admin/audit.html", entries=entries, filters=filters, error=error,
                           usernames=dict(users), users=users, actions=actions,
                           page_size=PAGE_SIZE)
