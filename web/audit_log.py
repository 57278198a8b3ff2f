"""The admin page of the audit log: filterable, keyset-paginated (newest first) on `at`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from earful.models import AuditLog, User
from web.auth import role_required
from web.db import get_db

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
        """Parse query-string filters; a bad date is reported and ignored."""
        error = None
        dates: list[date | None] = []
        for key in ("from", "to"):
            try:
                dates.append(date.fromisoformat(args[key]) if args.get(key) else None)
            except ValueError:
                dates.append(None)
                error = "Dates must look like 2026-01-31."
        user = args.get("user", "")
        return cls(action=args.get("action", "").strip(),
                   user_id=int(user) if user.isdigit() else None,
                   target_type=args.get("target_type", "").strip(),
                   target_id=args.get("target_id", "").strip(),
                   since=dates[0], until=dates[1]), error

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


@bp.get("/admin/audit")
@role_required("admin")
def index() -> Any:
    session = get_db()
    filters, error = AuditFilter.from_args(request.args)
    entries = audit_page(session, filters, request.args.get("before", type=int))
    users = session.execute(select(User.id, User.username).order_by(User.username)).all()
    actions = session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    return render_template("admin/audit.html", entries=entries, filters=filters, error=error,
                           usernames=dict(users), users=users, actions=actions,
                           page_size=PAGE_SIZE)
